// Model table: sort by any column (buttons in the header, aria-sort) and filter by maker,
// capability, modality, open weights, price and context ranges and a text match.
// The state lives in the address (?maker=acme&sort=blended&order=asc) so a view can be shared;
// rows and cells carry their raw values in data-* attributes (templates/macros.html model_table).
// A list of several pages names the others in the form's data-pages: the first filter or sort
// fetches them and works on every row, and the page links are hidden while it does.

const FILTERS = ["q", "maker", "capability", "modality", "open", "price_min", "price_max", "context_min", "context_max"];

function numberOrNull(text) {
  if (text === undefined || text === null || text.trim() === "") return null;
  const value = Number(text);
  return Number.isFinite(value) ? value : null;
}

function readState() {
  const params = new URLSearchParams(window.location.search);
  const state = {};
  for (const name of FILTERS) state[name] = (params.get(name) || "").trim();
  state.sort = params.get("sort") || "";
  state.order = params.get("order") === "desc" ? "desc" : "asc";
  return state;
}

function writeState(state) {
  const params = new URLSearchParams(window.location.search);
  for (const name of [...FILTERS, "sort", "order"]) params.delete(name);
  for (const name of FILTERS) if (state[name]) params.set(name, state[name]);
  if (state.sort) {
    params.set("sort", state.sort);
    params.set("order", state.order);
  }
  const query = params.toString();
  const url = `${window.location.pathname}${query ? `?${query}` : ""}${window.location.hash}`;
  window.history.replaceState(null, "", url);
}

function matches(row, state) {
  const data = row.dataset;
  const value = (key) => numberOrNull(row.querySelector(`[data-col="${key}"]`)?.dataset.value);
  if (state.q && !data.text.includes(state.q.toLowerCase())) return false;
  if (state.maker && data.maker !== state.maker) return false;
  if (state.capability && !data.capabilities.split(" ").includes(state.capability)) return false;
  if (state.modality && !data.modalities.split(" ").includes(state.modality)) return false;
  if (state.open && data.open !== state.open) return false;
  const ranges = [["blended", state.price_min, state.price_max], ["context", state.context_min, state.context_max]];
  for (const [key, low, high] of ranges) {
    const min = numberOrNull(low);
    const max = numberOrNull(high);
    if (min === null && max === null) continue;
    const actual = value(key);
    if (actual === null || (min !== null && actual < min) || (max !== null && actual > max)) return false;
  }
  return true;
}

function compareRows(key, numeric, order, collator) {
  const direction = order === "desc" ? -1 : 1;
  return (a, b) => {
    const left = a.querySelector(`[data-col="${key}"]`).dataset.value;
    const right = b.querySelector(`[data-col="${key}"]`).dataset.value;
    // Rows without a value go last whichever the direction.
    if (left === "" || right === "") return (left === "") - (right === "");
    const result = numeric ? Number(left) - Number(right) : collator.compare(left, right);
    return result * direction;
  };
}

async function fetchRows(urls, tableId) {
  const texts = await Promise.all(urls.map(async (url) => {
    const response = await fetch(url);
    if (!response.ok) throw new Error(`${url}: ${response.status}`);
    return response.text();
  }));
  const rows = [];
  for (const text of texts) {
    const other = new DOMParser().parseFromString(text, "text/html").getElementById(tableId);
    if (!other) throw new Error(`no table #${tableId} in a page of the list`);
    rows.push(...[...other.tBodies[0].rows].map((row) => document.adoptNode(row)));
  }
  return rows;
}

function setUp(form) {
  const table = document.getElementById(form.dataset.table);
  if (!table) return;
  const body = table.tBodies[0];
  const original = [...body.rows];
  const otherPages = (form.dataset.pages || "").split(" ").filter(Boolean);
  const pager = document.querySelector(`[data-pager-for="${table.id}"]`);
  let everyRow = otherPages.length ? null : original; // set once the other pages' rows are in
  let loading = false;
  let failed = false;
  const headers = [...table.tHead.rows[0].cells].filter((th) => th.dataset.sort);
  const status = form.querySelector(".table-filters__count");
  const lang = document.documentElement.lang;
  const collator = new Intl.Collator(lang, { numeric: true, sensitivity: "base" });
  const count = new Intl.NumberFormat(lang);
  const state = readState();

  // Each cell learns its column's key, so sorting and ranges find values by name, not position.
  const keys = [...table.tHead.rows[0].cells].map((th) => th.dataset.sort || "");
  const labelCells = (rows) => {
    for (const row of rows) [...row.cells].forEach((cell, index) => { cell.dataset.col = keys[index]; });
  };
  labelCells(original);

  // The rows a view works on: this page's alone while nothing is filtered or sorted, so the
  // page stays as served; otherwise every page's, or null while they are being fetched.
  function rowsInView(active) {
    if (!active) return original;
    if (everyRow) return everyRow;
    if (!loading) {
      loading = true;
      fetchRows(otherPages, table.id)
        .then((rows) => { labelCells(rows); everyRow = original.concat(rows); })
        .catch(() => { failed = true; everyRow = original; })
        .then(render);
    }
    return null;
  }

  for (const th of headers) {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "sort";
    button.append(...th.childNodes);
    const icon = document.createElement("span");
    icon.className = "sort__icon";
    icon.setAttribute("aria-hidden", "true");
    button.append(icon);
    th.replaceChildren(button);
    button.addEventListener("click", () => {
      const key = th.dataset.sort;
      state.order = state.sort === key && state.order === "asc" ? "desc" : "asc";
      state.sort = key;
      render();
    });
  }

  function fillForm() {
    for (const name of FILTERS) {
      const field = form.elements.namedItem(name);
      if (field) field.value = state[name];
    }
  }

  function readForm() {
    for (const name of FILTERS) {
      const field = form.elements.namedItem(name);
      if (field) state[name] = field.value.trim();
    }
  }

  function render() {
    const active = Boolean(state.sort || FILTERS.some((name) => state[name]));
    const inView = rowsInView(active);
    if (inView === null) {
      status.textContent = form.dataset.loading;
      writeState(state);
      return;
    }
    let rows = inView.slice();
    const header = headers.find((th) => th.dataset.sort === state.sort);
    if (header) rows.sort(compareRows(state.sort, header.dataset.type === "number", state.order, collator));
    else state.sort = "";
    for (const th of headers) {
      if (th === header) th.setAttribute("aria-sort", state.order === "desc" ? "descending" : "ascending");
      else th.removeAttribute("aria-sort");
    }
    let shown = 0;
    for (const row of rows) {
      row.hidden = !matches(row, state);
      if (!row.hidden) shown += 1;
    }
    body.replaceChildren(...rows);
    if (pager) pager.hidden = inView !== original;
    // Unfiltered, a page of a longer list shows its own rows of the list's total.
    const total = inView === original && form.dataset.total ? Number(form.dataset.total) : rows.length;
    status.textContent = (failed && active ? `${form.dataset.failed} ` : "") + (shown === 0
      ? status.dataset.none
      : status.dataset.template.replace("{shown}", count.format(shown)).replace("{total}", count.format(total)));
    writeState(state);
  }

  form.addEventListener("input", () => { readForm(); render(); });
  form.addEventListener("change", () => { readForm(); render(); });
  form.addEventListener("submit", (event) => event.preventDefault());
  form.addEventListener("reset", () => {
    // After the browser has cleared the fields: clear the sort as well.
    window.setTimeout(() => { readForm(); state.sort = ""; render(); });
  });
  fillForm();
  readForm(); // a value the form does not offer (a maker no longer listed) is dropped
  form.hidden = false;
  render();
}

for (const form of document.querySelectorAll(".table-filters[data-table]")) setUp(form);
