// Cost calculator on a model page: tokens per request, requests per day, cached share and batch
// → monthly cost for this model and its alternatives. The prices and texts come from the page's
// JSON data block; the arithmetic is atlas/calculator.py monthly_cost, line for line.

const PER_MILLION = 1_000_000;

function monthlyCost(prices, workload, daysPerMonth) {
  const cachedPrice = prices.cached_input ?? prices.input;
  const input = workload.inputTokens;
  let perRequest = (input * (1 - workload.cachedShare) * prices.input + input * workload.cachedShare * cachedPrice
    + workload.outputTokens * prices.output) / PER_MILLION;
  if (workload.batch && prices.batch_saving !== null) perRequest *= 1 - prices.batch_saving;
  return { perRequest, month: perRequest * workload.requestsPerDay * daysPerMonth };
}

function count(field) {
  const value = Number(field.value);
  return Number.isFinite(value) && value > 0 ? value : 0;
}

function setUp(form) {
  const data = JSON.parse(form.querySelector(".calculator__data").textContent);
  const lang = document.documentElement.lang;
  const money = (value) => new Intl.NumberFormat(lang, {
    style: "currency", currency: "USD", minimumFractionDigits: 2, maximumFractionDigits: value < 0.01 ? 6 : value < 1 ? 4 : 2,
  }).format(value);
  const fields = form.elements;
  const total = fields.namedItem("total");

  function update() {
    const workload = {
      inputTokens: count(fields.namedItem("input_tokens")),
      outputTokens: count(fields.namedItem("output_tokens")),
      requestsPerDay: count(fields.namedItem("requests_per_day")),
      cachedShare: Math.min(count(fields.namedItem("cached_share")), 100) / 100,
      batch: fields.namedItem("batch").checked,
    };
    data.models.forEach((prices, index) => {
      const cost = monthlyCost(prices, workload, data.days_per_month);
      const row = form.querySelector(`tr[data-model="${CSS.escape(prices.id)}"]`);
      const notes = [];
      if (workload.cachedShare > 0 && prices.cached_input === null) notes.push(data.labels.no_cache);
      if (workload.batch && prices.batch_saving === null) notes.push(data.labels.no_batch);
      row.querySelector("[data-cell=month]").textContent = money(cost.month);
      row.querySelector("[data-cell=month]").dataset.usd = String(cost.month);
      row.querySelector("[data-cell=request]").textContent = money(cost.perRequest);
      row.querySelector("[data-cell=note]").textContent = notes.join("; ");
      if (index === 0) {
        total.value = money(cost.month);
        total.dataset.usd = String(cost.month);
      }
    });
  }

  form.addEventListener("input", update);
  form.addEventListener("change", update);
  form.addEventListener("submit", (event) => event.preventDefault());
  form.hidden = false;
  update();
}

for (const form of document.querySelectorAll("form.calculator")) setUp(form);
