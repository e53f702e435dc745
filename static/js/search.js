// Site search. Every page: the header swaps its plain link to /search/ for a search form.
// The search page: results from Pagefind's JS API, built with the site: the page's language has
// one bundle (pagefind/<lang>/1/) or, on a large site, several, merged into one search whose
// results rank together. The query lives in the address (?q=...) so a search can be shared.

const MAX_RESULTS = 20;
const DEBOUNCE_MS = 200;

function revealHeaderForm() {
  const box = document.querySelector(".site-search");
  if (!box) return;
  box.querySelector(".site-search__form").hidden = false;
  box.querySelector(".site-search__link").hidden = true;
}

function fill(template, values) {
  return template.replace(/\{(\w+)\}/g, (match, name) => (name in values ? String(values[name]) : match));
}

// Pagefind's excerpt is HTML with <mark> around the matched words: keep the text and the marks only.
function excerptNodes(html) {
  const parsed = new DOMParser().parseFromString(html, "text/html");
  return [...parsed.body.childNodes].map((node) => {
    if (node.nodeName !== "MARK") return document.createTextNode(node.textContent);
    const mark = document.createElement("mark");
    mark.textContent = node.textContent;
    return mark;
  });
}

function resultItem(data) {
  const item = document.createElement("li");
  const link = document.createElement("a");
  link.href = data.url;
  link.textContent = (data.meta && data.meta.title) || data.url;
  const excerpt = document.createElement("p");
  excerpt.className = "search__excerpt";
  excerpt.append(...excerptNodes(data.excerpt || ""));
  item.append(link, excerpt);
  return item;
}

function searchPage(section) {
  const form = section.querySelector(".search__form");
  const input = form.querySelector("input[name=q]");
  const status = section.querySelector(".search__status");
  const list = section.querySelector(".search__results");
  const labels = JSON.parse(document.getElementById("search-labels").textContent);
  const plural = new Intl.PluralRules(document.documentElement.lang);
  let engine = null;
  let latest = 0;
  let timer = 0;

  function load() {
    const [first, ...others] = section.dataset.bundles.split(" ").filter(Boolean);
    const options = { baseUrl: section.dataset.baseUrl };
    engine ??= import(`${first}pagefind.js`).then(async (pagefind) => {
      await pagefind.options(options);
      await pagefind.init();
      await Promise.all(others.map((bundle) => pagefind.mergeIndex(bundle, options)));
      return pagefind;
    });
    return engine;
  }

  function remember(query) {
    const url = new URL(window.location.href);
    if (query) url.searchParams.set("q", query);
    else url.searchParams.delete("q");
    window.history.replaceState(null, "", url);
  }

  async function run(query) {
    const ticket = ++latest;
    remember(query);
    if (!query) {
      status.textContent = "";
      list.replaceChildren();
      return;
    }
    status.textContent = labels.loading;
    try {
      const pagefind = await load();
      const search = await pagefind.search(query);
      const results = await Promise.all(search.results.slice(0, MAX_RESULTS).map((result) => result.data()));
      if (ticket !== latest) return;
      const count = search.results.length;
      const template = count === 0 ? labels.none : labels[plural.select(count) === "one" ? "one" : "other"];
      status.textContent = fill(template, { count: count.toLocaleString(document.documentElement.lang), query });
      list.replaceChildren(...results.map(resultItem));
    } catch (error) {
      if (ticket !== latest) return;
      status.textContent = labels.failed;
      console.warn("site search:", error);
    }
  }

  form.hidden = false;
  section.querySelector(".search__no-script").hidden = true;
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    window.clearTimeout(timer);
    run(input.value.trim());
  });
  input.addEventListener("input", () => {
    window.clearTimeout(timer);
    timer = window.setTimeout(() => run(input.value.trim()), DEBOUNCE_MS);
  });
  input.addEventListener("focus", () => load().catch(() => {}), { once: true });
  const query = (new URLSearchParams(window.location.search).get("q") || "").trim();
  input.value = query;
  if (query) run(query);
}

revealHeaderForm();
const section = document.querySelector(".search[data-bundles]");
if (section) searchPage(section);
