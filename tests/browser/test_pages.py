"""One page of each type, in both languages, in headless Chromium: no errors, no axe-core
violations in light and dark mode, no sideways page scroll on a phone."""

from __future__ import annotations

import pytest

from .conftest import PHONE

pytestmark = pytest.mark.browser


def open_site_page(page, base_url: str, site_page: tuple[str, str]):
    """Loads the page and checks the status a static host gives it (404 for the missing path)."""
    kind, path = site_page
    response = page.goto(base_url + path, wait_until="load")
    assert response is not None, path
    assert response.status == (404 if kind == "404" else 200), f"/{path} answered {response.status}"
    if page.evaluate("document.querySelector('script[src]') !== null"):
        page.wait_for_load_state("networkidle")  # let the page's scripts finish what they fetch
    return response


def test_no_console_or_page_errors(page, fixture_url, site_page):
    """Served with the site's own headers, so a Content-Security-Policy violation is an error too."""
    kind, path = site_page
    url = fixture_url + path
    problems: list[str] = []

    def on_console(message):
        if message.type != "error":
            return
        # Chromium logs the 404 page's own status as a console error; that status is the point.
        if kind == "404" and message.location.get("url") == url and "404" in message.text:
            return
        problems.append(f"console error: {message.text} (at {message.location.get('url')})")

    def on_response(response):
        if response.status >= 400 and not (kind == "404" and response.url == url):
            problems.append(f"HTTP {response.status}: {response.url}")

    page.on("console", on_console)
    page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    page.on("requestfailed", lambda request: problems.append(f"request failed: {request.url} ({request.failure})"))
    page.on("response", on_response)
    open_site_page(page, fixture_url, site_page)
    assert problems == [], f"/{path}:\n  " + "\n  ".join(problems)


AXE_RUN = """async () => {
  const results = await axe.run(document, {resultTypes: ['violations']});
  return results.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
    nodes: v.nodes.map(n => ({target: n.target.join(' '), summary: n.failureSummary, html: n.html})),
  }));
}"""


def describe_violations(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"[{violation['impact']}] {violation['id']}: {violation['help']} ({violation['helpUrl']})")
        for node in violation["nodes"][:8]:
            lines.append(f"    {node['target']}  {node['html'][:120]}")
            lines.extend(f"      {line}" for line in (node["summary"] or "").splitlines())
        if len(violation["nodes"]) > 8:
            lines.append(f"    … and {len(violation['nodes']) - 8} more")
    return "\n".join(lines)


def test_no_accessibility_violations_in_light_and_dark_mode(axe_page, fixture_url, site_page, axe_js):
    """axe-core's default rules (WCAG 2 A/AA and best practices), colour contrast included, in both
    colour schemes; the scheme is switched on the loaded page, which restyles it without a reload."""
    page = axe_page
    open_site_page(page, fixture_url, site_page)
    page.add_script_tag(path=str(axe_js))
    found = []
    for scheme in ("light", "dark"):
        page.emulate_media(color_scheme=scheme)
        assert page.evaluate("matchMedia('(prefers-color-scheme: dark)').matches") == (scheme == "dark")
        violations = page.evaluate(AXE_RUN)
        if violations:
            found.append(f"/{site_page[1]} in {scheme} mode:\n" + describe_violations(violations))
    assert found == [], "\n".join(found)


OVERFLOW = """() => {
  const width = window.innerWidth;
  const wide = [];
  for (const element of document.body.querySelectorAll('*')) {
    // Inside a scroll box (tables, code) content may be wider: the box scrolls, the page does not.
    if (element.parentElement.closest('.table-scroll, pre')) continue;
    const box = element.getBoundingClientRect();
    if (box.right > width + 0.5) {
      const name = element.tagName.toLowerCase() + (element.id ? '#' + element.id : '')
        + (element.className && typeof element.className === 'string' ? '.' + element.className.trim().split(/\\s+/).join('.') : '');
      wide.push(`${name} reaches ${Math.round(box.right)}px`);
    }
  }
  return {scrollWidth: document.documentElement.scrollWidth, innerWidth: width, wide: wide.slice(0, 12)};
}"""


def test_no_horizontal_page_scroll_on_a_phone(phone_page, fixture_url, site_page):
    """390×844 (a current phone): the page never scrolls sideways; wide tables scroll in their .table-scroll box."""
    open_site_page(phone_page, fixture_url, site_page)
    layout = phone_page.evaluate(OVERFLOW)
    report = f"/{site_page[1]}: {layout}"
    assert layout["innerWidth"] == PHONE["viewport"]["width"], report
    assert layout["scrollWidth"] <= layout["innerWidth"], report
