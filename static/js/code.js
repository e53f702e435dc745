// Model page: copy buttons on provider model ids and code snippets, and the curl / Python /
// JavaScript snippets of each provider as a tablist (WAI-ARIA tabs pattern: arrows, Home, End).
// Without JavaScript every snippet stays visible under its own heading.

const RESET_MS = 2000;

function announce(region, text) {
  region.textContent = "";
  window.setTimeout(() => { region.textContent = text; }, 50);
}

function selectText(element) {
  const range = document.createRange();
  range.selectNodeContents(element);
  const selection = window.getSelection();
  selection.removeAllRanges();
  selection.addRange(range);
}

function copyButton(source, name, labels, region) {
  const button = document.createElement("button");
  button.type = "button";
  button.className = "copy";
  button.textContent = labels.copy;
  button.setAttribute("aria-label", labels.copy_item.replace("{item}", name));
  let timer = 0;
  button.addEventListener("click", async () => {
    let message = labels.copied;
    try {
      await navigator.clipboard.writeText(source.textContent);
    } catch {
      selectText(source); // the reader can still copy it with the keyboard
      message = labels.failed;
    }
    button.textContent = message;
    announce(region, message);
    window.clearTimeout(timer);
    timer = window.setTimeout(() => { button.textContent = labels.copy; }, RESET_MS);
  });
  return button;
}

function tabs(group, labels, groups) {
  const panels = [...group.querySelectorAll(":scope > .snippet")];
  if (panels.length < 2) return null;
  const list = document.createElement("div");
  list.setAttribute("role", "tablist");
  list.setAttribute("aria-label", labels.languages);
  list.className = "tabs";
  const buttons = panels.map((panel, index) => {
    const heading = panel.querySelector(".snippet-title");
    const tab = document.createElement("button");
    tab.type = "button";
    tab.id = `${panel.id}-tab`;
    tab.setAttribute("role", "tab");
    tab.setAttribute("aria-controls", panel.id);
    tab.textContent = heading.textContent;
    heading.hidden = true;
    panel.setAttribute("role", "tabpanel");
    panel.setAttribute("aria-labelledby", tab.id);
    panel.tabIndex = 0;
    tab.addEventListener("click", () => selectEverywhere(index));
    tab.addEventListener("keydown", (event) => {
      const last = panels.length - 1;
      const target = { ArrowRight: index === last ? 0 : index + 1, ArrowLeft: index === 0 ? last : index - 1,
        Home: 0, End: last }[event.key];
      if (target === undefined) return;
      event.preventDefault();
      selectEverywhere(target);
      buttons[target].focus();
    });
    return tab;
  });
  list.append(...buttons);
  group.prepend(list);

  function select(chosen) {
    buttons.forEach((tab, index) => {
      tab.setAttribute("aria-selected", String(index === chosen));
      tab.tabIndex = index === chosen ? 0 : -1;
      panels[index].hidden = index !== chosen;
    });
  }
  // One choice of language for every provider on the page.
  function selectEverywhere(chosen) {
    for (const other of groups) other.select(chosen);
  }
  return { select };
}

function setUp() {
  const source = document.getElementById("code-labels");
  if (!source) return;
  const labels = JSON.parse(source.textContent);
  const region = document.createElement("p");
  region.className = "visually-hidden";
  region.setAttribute("role", "status");
  (document.getElementById("main") || document.body).append(region);

  for (const code of document.querySelectorAll("table.offerings td > code")) {
    code.after(" ", copyButton(code, code.textContent, labels, region));
  }
  const groups = [];
  for (const group of document.querySelectorAll(".snippet-group")) {
    for (const panel of group.querySelectorAll(":scope > .snippet")) {
      const code = panel.querySelector("pre > code");
      const title = panel.querySelector(".snippet-title").textContent;
      panel.querySelector("pre").before(copyButton(code, title, labels, region));
    }
    const tabbed = tabs(group, labels, groups);
    if (tabbed) groups.push(tabbed);
  }
  for (const group of groups) group.select(0);
}

setUp();
