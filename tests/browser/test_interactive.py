"""The interactive parts, end to end in Chromium with the site's own CSP: site search (Pagefind),
the sortable and filterable model table, the cost calculator, copy buttons and code tabs, print.
Each also keeps its page useful without JavaScript."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from babel.numbers import format_currency

from atlas.calculator import DAYS_PER_MONTH
from atlas.catalog import PER_MILLION, Price, request_cost
from atlas.pipeline import load_catalog
from conftest import fixture_project

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def catalog(tmp_path_factory):
    catalog, problems = load_catalog(fixture_project(tmp_path_factory.mktemp("unused") / "site"))
    assert problems == []
    return catalog


def watch_errors(page) -> list[str]:
    problems: list[str] = []
    page.on("console", lambda message: message.type == "error" and problems.append(message.text))
    page.on("pageerror", lambda error: problems.append(str(error)))
    return problems


def query(page) -> dict[str, list[str]]:
    return parse_qs(urlsplit(page.url).query)


# -- site search -----------------------------------------------------------------------------

@pytest.mark.parametrize("prefix, status_word", [("", "match"), ("es/", "coincid")])  # one page or several
def test_search_finds_a_model_in_the_readers_language(page, fixture_url, prefix, status_word):
    errors = watch_errors(page)
    fetched = []
    page.on("request", lambda request: fetched.append(urlsplit(request.url).path))
    page.goto(fixture_url + prefix, wait_until="load")
    header_form = page.locator("form.site-search__form")
    header_form.locator("input[name=q]").fill("Alpha Mini")
    header_form.locator("input[name=q]").press("Enter")
    page.wait_for_url("**/search/?q=Alpha+Mini")
    first = page.locator(".search__results li a").first
    first.wait_for()
    hrefs = page.locator(".search__results li a").evaluate_all("links => links.map(a => a.getAttribute('href'))")
    assert f"/{prefix}models/alpha-mini/" in hrefs, hrefs
    assert all(href.startswith(f"/{prefix}") for href in hrefs)
    if prefix:
        assert all(href.startswith("/es/") for href in hrefs), "Spanish search must link into /es/"
    else:
        assert not any(href.startswith("/es/") for href in hrefs), "English search must stay in English"
    assert status_word in page.locator(".search__status").text_content()
    assert page.locator(".search__results mark").count() > 0
    # Typing again searches again and keeps the address in step.
    from playwright.sync_api import expect
    page.locator("#search-q").fill("Gamma")
    expect(page).to_have_url(re.compile(r"/search/\?q=Gamma$"))
    page.locator(f".search__results a[href='/{prefix}models/gamma-long/']").wait_for()
    assert errors == []
    # The fixture's language has several search bundles (pages_per_index: 4): the first one's engine
    # searched them all, and only its language's.
    language = "es" if prefix else "en"
    bundles = {path.split("/")[3] for path in fetched if path.startswith(f"/pagefind/{language}/")}
    engines = [path for path in fetched if path.endswith("/pagefind.js")]
    assert len(bundles) > 2 and engines == [f"/pagefind/{language}/1/pagefind.js"], (bundles, engines)
    assert not any(path.startswith("/pagefind/") and not path.startswith(f"/pagefind/{language}/") for path in fetched)


def test_search_without_javascript_offers_a_link_and_a_page_index(new_page, fixture_url):
    page = new_page(java_script_enabled=False)
    page.goto(fixture_url + "es/", wait_until="load")
    assert page.locator("form.site-search__form").is_hidden()
    link = page.locator("a.site-search__link")
    assert link.is_visible() and link.get_attribute("href") == "/es/search/"
    link.click()
    page.wait_for_url("**/es/search/")
    assert page.locator(".search__no-script").is_visible()
    assert page.locator("a[href='/es/models/alpha-mini/']").is_visible()


# -- the home page's model table -------------------------------------------------------------

def visible_values(page, column: str) -> list[str]:
    return page.locator(f"#models-table tbody tr:not([hidden]) [data-col={column}]").evaluate_all(
        "cells => cells.map(cell => cell.dataset.value)")


def test_sorting_by_a_column_orders_rows_and_sets_the_address(page, fixture_url):
    from playwright.sync_api import expect
    page.goto(fixture_url, wait_until="load")
    header = page.locator("#models-table th[data-sort=blended]")
    header.locator("button").click()
    # The fixture's list has two pages (page_size 3): a sort takes in the second page's row.
    expect(page.locator("#models-table tbody tr:not([hidden])")).to_have_count(4)
    assert header.get_attribute("aria-sort") == "ascending"
    prices = [float(v) for v in visible_values(page, "blended") if v]
    assert prices == sorted(prices) and len(prices) == 4
    assert query(page) == {"sort": ["blended"], "order": ["asc"]}
    header.locator("button").click()
    assert header.get_attribute("aria-sort") == "descending"
    assert [float(v) for v in visible_values(page, "blended") if v] == sorted(prices, reverse=True)
    assert query(page)["order"] == ["desc"]
    # Another column takes the sort over; only one header carries aria-sort.
    page.locator("#models-table th[data-sort=name] button").click()
    assert page.locator("#models-table th[aria-sort]").count() == 1
    names = visible_values(page, "name")
    assert names == sorted(names, key=str.casefold)


def test_filters_change_rows_and_address_and_a_shared_address_restores_them(page, fixture_url):
    from playwright.sync_api import expect
    page.goto(fixture_url, wait_until="load")
    rows = page.locator("#models-table tbody tr:not([hidden])")
    pager = page.locator("nav.pager[data-pager-for=models-table]")
    # The first of two pages: its own three rows, of the list's four.
    assert rows.count() == 3 and pager.is_visible()
    expect(page.locator(".table-filters__count")).to_contain_text("3 of 4")
    page.select_option("#filter-maker", "acme")
    expect(rows).to_have_count(2)  # alpha-pro is on the second page: fetched for the filter
    assert set(rows.evaluate_all("rows => rows.map(r => r.dataset.maker)")) == {"acme"}
    assert pager.is_hidden()  # the filtered rows come from every page
    assert query(page) == {"maker": ["acme"]}
    page.fill("#filter-q", "pro")
    assert rows.evaluate_all("rows => rows.map(r => r.dataset.id)") == ["alpha-pro"]
    assert "1 of 4" in page.locator(".table-filters__count").text_content()
    page.locator(".table-filters button[type=reset]").click()
    expect(page).to_have_url(fixture_url)
    expect(rows).to_have_count(3)  # back to the page as served
    assert pager.is_visible()
    assert "alpha-pro" not in rows.evaluate_all("rows => rows.map(r => r.dataset.id)")

    page.select_option("#filter-open", "yes")
    expect(rows).to_have_count(1)
    assert rows.evaluate_all("rows => rows.map(r => r.dataset.id)") == ["beta-open"]
    page.select_option("#filter-open", "")
    page.fill("#filter-price-max", "3")
    assert sorted(rows.evaluate_all("rows => rows.map(r => r.dataset.id)")) == ["alpha-mini", "beta-open"]
    page.fill("#filter-price-max", "")
    page.select_option("#filter-context-min", "1000000")
    assert rows.evaluate_all("rows => rows.map(r => r.dataset.id)") == ["gamma-long"]

    shared = fixture_url + "es/?capability=vision&modality=image&sort=context&order=desc"
    page.goto(shared, wait_until="load")
    expect(page.locator(".table-filters__count")).to_contain_text("de 4")
    assert page.locator("#filter-capability").input_value() == "vision"
    assert page.locator("#filter-modality").input_value() == "image"
    assert page.locator("#models-table th[data-sort=context]").get_attribute("aria-sort") == "descending"
    ids = rows.evaluate_all("rows => rows.map(r => r.dataset.id)")
    assert ids and all("vision" in caps.split() for caps in rows.evaluate_all(
        "rows => rows.map(r => r.dataset.capabilities)"))
    contexts = [int(v) for v in visible_values(page, "context")]
    assert contexts == sorted(contexts, reverse=True)
    assert "de 4" in page.locator(".table-filters__count").text_content()  # the Spanish count


def test_the_table_stays_whole_without_javascript(new_page, fixture_url):
    page = new_page(java_script_enabled=False)
    page.goto(fixture_url + "?maker=acme", wait_until="load")
    assert page.locator(".table-filters").is_hidden()
    assert page.locator("#models-table tbody tr").count() == 3
    assert page.locator("#models-table thead button").count() == 0
    # The rest of the list is a link away.
    page.locator("nav.pager a[rel=next]").click()
    page.wait_for_url(fixture_url + "page/2/")
    assert page.locator("#models-table tbody tr").evaluate_all("rows => rows.map(r => r.dataset.id)") == ["alpha-pro"]
    assert page.locator("nav.pager a[aria-current=page]").text_content() == "2"


def test_a_page_that_fails_to_load_leaves_the_filters_on_this_page(page, fixture_url):
    from playwright.sync_api import expect
    page.route("**/page/2/", lambda route: route.fulfill(status=503, body="down"))
    page.goto(fixture_url, wait_until="load")
    page.select_option("#filter-maker", "acme")
    status = page.locator(".table-filters__count")
    expect(status).to_contain_text("could not be loaded")
    rows = page.locator("#models-table tbody tr:not([hidden])")
    assert rows.evaluate_all("rows => rows.map(r => r.dataset.id)") == ["alpha-mini"]
    assert page.locator("nav.pager[data-pager-for=models-table]").is_visible()


# -- the cost calculator ---------------------------------------------------------------------

def python_monthly_cost(model, input_tokens, output_tokens, per_day, cached_share, batch) -> float:
    """From the catalog's prices and request_cost, independently of atlas/calculator.py."""
    price = model.headline
    pricing = model.record.pricing
    per_request = request_cost(price, input_tokens * (1 - cached_share), output_tokens)
    cached = Price(pricing.cached_input, 0.0, price.provider_id)
    per_request += request_cost(cached, input_tokens * cached_share, 0)
    if batch:
        per_request *= 1 - pricing.batch_discount / 100
    return per_request * per_day * DAYS_PER_MONTH


@pytest.mark.parametrize("prefix, locale", [("", "en"), ("es/", "es")])
def test_calculator_matches_the_python_figure(page, fixture_url, catalog, prefix, locale):
    model = catalog.models["alpha-mini"]
    scenario = catalog.site.scenarios[0]
    page.goto(fixture_url + prefix + "models/alpha-mini/", wait_until="load")
    form = page.locator("form.calculator")
    assert form.is_visible()
    total = form.locator("output[name=total]")

    # The defaults are the site's first scenario, per day: the workload table's figure × days.
    assert form.locator("[name=input_tokens]").input_value() == str(scenario.input_tokens)
    default = model.scenario_costs[0].per_request * scenario.volume * DAYS_PER_MONTH
    assert float(total.get_attribute("data-usd")) == pytest.approx(default, rel=1e-12)

    form.locator("[name=input_tokens]").fill("3000")
    form.locator("[name=output_tokens]").fill("700")
    form.locator("[name=requests_per_day]").fill("250")
    form.locator("[name=cached_share]").fill("40")
    form.locator("[name=batch]").check()
    expected = python_monthly_cost(model, 3000, 700, 250, 0.4, True)
    assert expected == pytest.approx((3000 * 0.6 * 1.10 + 3000 * 0.4 * 0.275 + 700 * 4.40) / PER_MILLION * 0.5 * 250 * 30)
    assert float(total.get_attribute("data-usd")) == pytest.approx(expected, rel=1e-12)
    assert total.text_content() == format_currency(round(expected, 2), "USD", locale=locale)

    # The alternatives are priced too, with a note where a discount is not published.
    for alternative in model.alternatives:
        row = form.locator(f"tr[data-model='{alternative.id}']")
        assert row.locator("[data-cell=month]").get_attribute("data-usd")
    beta = form.locator("tr[data-model='beta-open'] [data-cell=note]").text_content()
    assert beta  # beta-open publishes no batch discount: said so, in the page's language


def test_calculator_is_hidden_and_the_workload_table_stays_without_javascript(new_page, fixture_url):
    page = new_page(java_script_enabled=False)
    page.goto(fixture_url + "models/alpha-mini/", wait_until="load")
    assert page.locator("form.calculator").is_hidden()
    assert page.get_by_role("table", name="What typical workloads cost").is_visible()


# -- copy buttons and code tabs --------------------------------------------------------------

def test_code_tabs_follow_the_tabs_pattern(page, fixture_url):
    page.goto(fixture_url + "models/alpha-mini/", wait_until="load")
    group = page.locator("details.snippets[open] .snippet-group")
    tabs = group.get_by_role("tab")
    assert tabs.all_text_contents() == ["curl", "Python", "JavaScript"]
    assert tabs.nth(0).get_attribute("aria-selected") == "true"
    assert group.locator("[role=tabpanel]:visible").count() == 1
    tabs.nth(1).click()
    python_panel = group.locator("#code-acme-python")
    assert python_panel.is_visible() and group.locator("#code-acme-curl").is_hidden()
    assert python_panel.get_attribute("aria-labelledby") == tabs.nth(1).get_attribute("id")
    tabs.nth(1).press("ArrowRight")
    assert tabs.nth(2).get_attribute("aria-selected") == "true"
    assert page.evaluate("document.activeElement.id") == tabs.nth(2).get_attribute("id")
    tabs.nth(2).press("Home")
    assert tabs.nth(0).get_attribute("aria-selected") == "true"
    # One choice for every provider on the page.
    tabs.nth(1).click()
    assert page.locator("#code-hostco-python").get_attribute("hidden") is None


def test_copy_buttons_copy_model_ids_and_snippets(new_page, fixture_url):
    page = new_page(permissions=["clipboard-read", "clipboard-write"])
    errors = watch_errors(page)
    page.goto(fixture_url + "es/models/alpha-mini/", wait_until="load")
    button = page.locator("table.offerings tr", has_text="HostCo").locator("button.copy")
    assert button.text_content() == "Copiar"
    button.click()
    assert page.evaluate("navigator.clipboard.readText()") == "acme/alpha-mini"
    assert button.text_content() == "Copiado"
    page.locator("#code-acme-curl button.copy").click()
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied.startswith("curl https://") and '"model": "alpha-mini"' in copied
    assert errors == []


def test_every_snippet_is_visible_without_javascript(new_page, fixture_url):
    page = new_page(java_script_enabled=False)
    page.goto(fixture_url + "models/alpha-mini/", wait_until="load")
    group = page.locator("details.snippets[open]")
    assert group.locator("pre").count() == 3
    assert all(pre.is_visible() for pre in group.locator("pre").all())
    assert page.locator("[role=tablist], button.copy").count() == 0


# -- print -----------------------------------------------------------------------------------

def test_the_spec_sheet_prints_without_controls_or_sideways_overflow(page, fixture_url):
    page.goto(fixture_url + "models/alpha-mini/", wait_until="load")
    page.emulate_media(media="print")
    try:
        hidden = ["header.site-header", "nav.toc", "form.calculator", "button.copy", "#code", "footer.site-footer"]
        for selector in hidden:
            assert all(element.is_hidden() for element in page.locator(selector).all()), selector
        for selector in ("#pricing dl.spec", "#where-to-run table", "#faq"):
            assert page.locator(selector).is_visible(), selector
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        assert page.pdf(format="A4")[:5] == b"%PDF-"
    finally:
        page.emulate_media(media="screen")


# -- compare picker and language switcher ----------------------------------------------------

@pytest.mark.parametrize("prefix", ["", "es/"])
def test_picker_compares_three_models_from_a_shareable_address(page, fixture_url, prefix):
    errors = watch_errors(page)
    page.goto(f"{fixture_url.rstrip('/')}/{prefix}compare/?m=alpha-mini,beta-open,gamma-long")
    table = page.wait_for_selector(".picker__result table")
    headers = [h.inner_text().strip() for h in table.query_selector_all("thead th")][1:]
    assert headers == ["Alpha Mini", "Beta Open 70B", "Gamma Long"]
    assert page.input_value("input[name=m]") == "alpha-mini,beta-open,gamma-long"
    rows = {row.query_selector("th").inner_text().strip(): [td.inner_text().strip() for td in row.query_selector_all("td")]
            for row in table.query_selector_all("tbody tr")}
    input_label = "Input / 1M tokens" if not prefix else next(label for label in rows if label.startswith("Entrada"))
    expected = ["$1.10", "$0.10", "$2.00"] if not prefix else ["1,10\xa0US$", "0,10\xa0US$", "2,00\xa0US$"]
    assert [value.replace(" ", "\xa0") for value in rows[input_label]] == expected
    cheapest = table.query_selector_all("tbody tr")[list(rows).index(input_label)].query_selector("td.is-better")
    assert cheapest.inner_text().strip().replace(" ", "\xa0") == expected[1]
    assert errors == []


def test_picker_suggests_every_model_once_its_field_is_used(page, fixture_url):
    """The suggestions come from the API on first focus: the page itself does not list every model."""
    errors = watch_errors(page)
    asked = []
    page.on("request", lambda request: asked.append(urlsplit(request.url).path))
    page.goto(f"{fixture_url.rstrip('/')}/compare/")
    assert page.locator("#picker-options option").count() == 0
    assert not any(path.endswith("/api/models.json") for path in asked)
    page.focus("input[name=m]")
    # A selector wait, not wait_for_function: the site's CSP forbids the string evaluation its polling uses.
    page.wait_for_selector("#picker-options option", state="attached")
    values = page.eval_on_selector_all("#picker-options option", "options => options.map(o => o.value)")
    assert sorted(values) == ["alpha-mini", "alpha-pro", "beta-open", "gamma-long"]
    assert sum(path.endswith("/api/models.json") for path in asked) == 1
    assert errors == []


def test_language_switcher_lands_on_the_same_page(page, fixture_url):
    fixture_url = fixture_url.rstrip("/")
    page.goto(f"{fixture_url}/models/alpha-mini/")
    page.click(".language-switcher a[hreflang=es]")
    page.wait_for_url(f"{fixture_url}/es/models/alpha-mini/")
    assert page.get_attribute("html", "lang") == "es"
    page.click(".language-switcher a[hreflang=en]")
    page.wait_for_url(f"{fixture_url}/models/alpha-mini/")
    assert page.get_attribute("html", "lang") == "en"
