// Compare picker: 2–4 models side by side, built from the published JSON API.
// The state lives in the address (?m=a,b,c) so a comparison can be shared.

const MAX_MODELS = 4;

function formatters(lang) {
  return {
    money: new Intl.NumberFormat(lang, { style: "currency", currency: "USD", minimumFractionDigits: 2, maximumFractionDigits: 4 }),
    number: new Intl.NumberFormat(lang),
    date: new Intl.DateTimeFormat(lang, { dateStyle: "medium", timeZone: "UTC" }),
  };
}

function idsFromAddress() {
  const raw = new URLSearchParams(window.location.search).get("m") || "";
  return [...new Set(raw.split(",").map((id) => id.trim().toLowerCase()).filter(Boolean))].slice(0, MAX_MODELS);
}

function cell(tag, text, className) {
  const element = document.createElement(tag);
  element.textContent = text;
  if (className) element.className = className;
  return element;
}

function bestIndex(values, lowerIsBetter) {
  const known = values.filter((v) => v !== null && v !== undefined);
  if (known.length < 2 || new Set(known).size === 1) return -1;
  const best = lowerIsBetter ? Math.min(...known) : Math.max(...known);
  return values.indexOf(best);
}

function buildTable(models, labels, fmt, modelBase) {
  const table = document.createElement("table");
  table.className = "compare";
  table.append(cell("caption", labels.caption));
  const head = table.createTHead().insertRow();
  head.append(cell("th", labels.spec));
  for (const model of models) {
    const th = document.createElement("th");
    th.scope = "col";
    const link = document.createElement("a");
    link.href = `${modelBase}${model.id}/`;
    link.textContent = model.name;
    th.append(link);
    head.append(th);
  }
  const body = table.createTBody();
  const rows = [
    [labels.maker, (m) => m.maker_name, null, "text"],
    [labels.input, (m) => m.input_price, true, "money"],
    [labels.output, (m) => m.output_price, true, "money"],
    [labels.blended, (m) => m.blended_price, true, "money"],
    [labels.context, (m) => m.context, false, "number"],
    [labels.max_output, (m) => m.max_output, false, "number"],
    [labels.released, (m) => (m.released ? new Date(`${m.released}T00:00:00Z`) : null), null, "date"],
  ];
  for (const [id, label] of Object.entries(labels.capabilities)) {
    rows.push([label, (m) => m.capabilities.includes(id), null, "flag"]);
  }
  for (const [label, read, lowerIsBetter, kind] of rows) {
    const values = models.map(read);
    const best = lowerIsBetter === null ? -1 : bestIndex(values, lowerIsBetter);
    const row = body.insertRow();
    const th = cell("th", label);
    th.scope = "row";
    row.append(th);
    values.forEach((value, index) => {
      let text = labels.unknown;
      if (kind === "flag") text = value ? labels.yes : labels.no;
      else if (value !== null && value !== undefined) text = kind === "text" ? String(value) : fmt[kind].format(value);
      const td = cell("td", text, index === best ? "is-better" : "");
      row.append(td);
    });
  }
  return table;
}

let catalog = null; // the API's model list, fetched once for the suggestions and the table

function loadModels(api) {
  catalog ??= fetch(api).then((response) => {
    if (!response.ok) throw new Error(`${api}: ${response.status}`);
    return response.json();
  }).then((data) => data.models);
  return catalog;
}

// The suggestions come from the API the first time the field is used, not with the page.
function offerSuggestions(section, input) {
  const list = document.getElementById(input.getAttribute("list"));
  input.addEventListener("focus", () => {
    loadModels(section.dataset.api).then((models) => {
      list.replaceChildren(...models.map((model) => {
        const option = document.createElement("option");
        option.value = model.id;
        option.textContent = model.name;
        return option;
      }));
    }).catch((error) => console.error("compare picker:", error));
  }, { once: true });
}

async function run(section) {
  const labels = JSON.parse(document.getElementById("picker-labels").textContent);
  const input = section.querySelector("input[name=m]");
  const result = section.querySelector(".picker__result");
  offerSuggestions(section, input);
  const ids = idsFromAddress();
  input.value = ids.join(",");
  if (ids.length === 0) return;
  if (ids.length < 2) {
    result.replaceChildren(cell("p", labels.need_two));
    return;
  }
  const models = await loadModels(section.dataset.api);
  const byId = new Map(models.map((m) => [m.id, m]));
  const missing = ids.filter((id) => !byId.has(id));
  const chosen = ids.filter((id) => byId.has(id)).map((id) => byId.get(id));
  const parts = [];
  if (missing.length) parts.push(cell("p", `${labels.unknown_ids} ${missing.join(", ")}`, "notice"));
  if (chosen.length >= 2) {
    const scroll = document.createElement("div");
    scroll.className = "table-scroll";
    scroll.tabIndex = 0;
    scroll.setAttribute("role", "region");
    scroll.setAttribute("aria-label", labels.caption);
    scroll.append(buildTable(chosen, labels, formatters(document.documentElement.lang), section.dataset.modelBase));
    parts.push(scroll);
  }
  result.replaceChildren(...parts);
}

const section = document.querySelector(".picker");
if (section) run(section).catch((error) => console.error("compare picker:", error));
