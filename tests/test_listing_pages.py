"""Long model lists go on over numbered pages: what each page holds and what it depends on."""

from __future__ import annotations

import collections
import dataclasses

import pytest

from atlas import render
from atlas.charts import price_quality_scatter
from atlas.pipeline import SiteBuilder, load_catalog
from atlas.routes import Pager, build_routes, page_path
from atlas.schema import ListingSettings
from conftest import ROOT, fixture_project
from test_incremental import replace_in


@pytest.mark.parametrize("number, count, links", [
    (1, 1, [1]),
    (1, 3, [1, 2, 3]),
    (1, 20, [1, 2, 3, None, 20]),
    (6, 20, [1, None, 4, 5, 6, 7, 8, None, 20]),
    (4, 20, [1, 2, 3, 4, 5, 6, None, 20]),  # no gap for a run of none
    (20, 20, [1, None, 18, 19, 20]),
])
def test_pager_links_the_ends_and_the_pages_around_this_one(number, count, links):
    pager = Pager("capabilities/vision/", number, count, "digest")
    assert pager.links == links
    assert pager.previous == (number - 1 if number > 1 else None)
    assert pager.next == (number + 1 if number < count else None)


def test_the_first_page_keeps_the_lists_address():
    assert page_path("", 1) == "" and page_path("", 2) == "page/2/"
    assert page_path("providers/acme/", 3) == "providers/acme/page/3/"


@pytest.fixture(scope="module")
def catalog(tmp_path_factory):
    found, problems = load_catalog(fixture_project(tmp_path_factory.mktemp("listing") / "site"))
    assert not problems
    return found


def pages_of(routes, kind, base):
    return [route for route in routes if route.kind == kind and route.pager.base == base]


@pytest.mark.parametrize("page_size", [1, 2, 3, 4, 50])
def test_every_row_of_a_list_is_on_exactly_one_page_in_order(catalog, page_size):
    site = catalog.site.model_copy(update={"listings": ListingSettings(page_size=page_size)})
    routes = build_routes(dataclasses.replace(catalog, site=site))
    home = pages_of(routes, "home", "")
    assert [route.path for route in home] == [page_path("", n) for n in range(1, len(home) + 1)]
    assert [m.id for route in home for m in route.context["models"]] == list(catalog.models)
    assert all(len(route.context["models"]) <= page_size for route in home)
    assert len(home) == max(1, -(-len(catalog.models) // page_size))
    for entry in catalog.capabilities:
        pages = pages_of(routes, "capability", f"capabilities/{entry.id}/")
        assert [m for route in pages for m in route.context["models"]] == entry.models
        assert {route.pager.count for route in pages} == {len(pages)}
    for provider in catalog.providers.values():
        pages = pages_of(routes, "provider", f"providers/{provider.id}/")
        assert [m for route in pages for m in route.context["made"]] == provider.made
        assert [s for route in pages for s in route.context["served"]] == provider.served
        assert len(pages) == max(1, -(-max(len(provider.made), len(provider.served)) // page_size))


def test_a_later_page_depends_on_its_own_rows_and_the_lists_membership(catalog):
    routes = build_routes(catalog)
    first, second = pages_of(routes, "home", "")
    shown = {m.id for m in second.context["models"]}
    models = {name.split("/")[1] for name in second.depends_on if name.startswith("models/")}
    assert models == shown  # not the first page's models
    assert first.pager.dependency in second.depends_on and first.pager.members == second.pager.members
    assert first.depends_on > {f"models/{m}" for m in catalog.models}  # the first shows counts and the chart


def test_an_edit_renders_the_page_that_lists_the_model_not_the_others(tmp_path, content_copy, monkeypatch):
    """alpha-pro is on the second page of the tool-calling list (three a page, newest first)."""
    project = fixture_project(tmp_path / "site", content_dir=content_copy)
    builder = SiteBuilder(project)
    builder.build()
    rendered = []
    original = render.Renderer.render_recording
    monkeypatch.setattr(render.Renderer, "render_recording",
                        lambda self, route, locale: rendered.append(route.path) or original(self, route, locale))
    replace_in(content_copy / "models" / "alpha-pro.yaml", "pricing: {input: 15.0,", "pricing: {input: 14.0,")
    builder.build()
    assert "capabilities/tool-calling/page/2/" in rendered
    assert "capabilities/tool-calling/" not in rendered
    assert "page/2/" in rendered and "" in rendered  # the home page's first page shows the price chart
    assert "search/" not in rendered  # its index of every model shows names and makers only
    assert "changelog/" not in rendered and "feed.xml" not in rendered  # names and the history only
    assert not {"providers/", "capabilities/", "compare/"} & set(rendered)  # list lengths, names and pairs only
    page = (project.output_dir / "capabilities/tool-calling/page/2/index.html").read_text(encoding="utf-8")
    assert "$14.00" in page


def test_later_pages_get_no_search_document(tmp_path):
    from atlas.search_index import searchable
    catalog, _ = load_catalog(fixture_project(tmp_path / "site"))
    routes = build_routes(catalog)
    later = [route for route in routes if route.pager is not None and route.pager.number > 1]
    assert later and not any(searchable(route) for route in later)
    assert searchable(pages_of(routes, "capability", "capabilities/tool-calling/")[0])



@pytest.fixture(scope="module")
def real_catalog(tmp_path_factory):
    # The fixture has too few scored models for a chart; the project's own content has enough.
    found, problems = load_catalog(fixture_project(tmp_path_factory.mktemp("real") / "site", ROOT / "content"))
    assert not problems
    return found


def test_the_price_chart_plots_the_newest_models_up_to_its_limit(real_catalog):
    models = list(real_catalog.models.values())
    whole = price_quality_scatter(models, limit=len(models))
    assert whole is not None and whole.total == len(whole.points) >= 4
    cut = price_quality_scatter(models, limit=3)
    assert cut.total == whole.total and cut.benchmark == whole.benchmark
    assert [p.model.id for p in cut.points] == [p.model.id for p in whole.points][:3]  # newest first, as listed


@pytest.mark.parametrize("limit", [3, 1000])
def test_the_home_page_says_how_many_the_chart_leaves_out(real_catalog, limit):
    site = real_catalog.site.model_copy(update={"listings": ListingSettings(chart_points=limit)})
    models = list(real_catalog.models.values())
    chart = price_quality_scatter(models, limit)
    catalog = dataclasses.replace(real_catalog, site=site, price_quality=chart)
    home = next(route for route in build_routes(catalog) if route.kind == "home")
    renderer = render.Renderer(ROOT / "templates", ROOT / "locales", catalog, render.SiteUrls(site.base_url, "en"),
                               collections.defaultdict(lambda: "v"))
    html = renderer.render(home, "en")
    figure = html[html.index('<figure class="chart">'):html.index("</figure>")]
    assert figure.count("<circle") == min(limit, chart.total)
    assert (f"It plots the 3 newest of the {chart.total} models" in html) == (limit < chart.total)


@pytest.mark.parametrize("page_size", [3, 50])
def test_the_search_page_lists_a_page_of_the_newest_models_and_links_to_the_rest(catalog, page_size):
    """Its list is for readers without JavaScript; at 10,000 models, all of them weighed 1.1 MB."""
    site = catalog.site.model_copy(update={"listings": ListingSettings(page_size=page_size)})
    bigger = dataclasses.replace(catalog, site=site)
    search = next(route for route in build_routes(bigger) if route.kind == "search")
    renderer = render.Renderer(ROOT / "templates", ROOT / "locales", bigger, render.SiteUrls(site.base_url, "en"),
                               collections.defaultdict(lambda: "v"))
    html = renderer.render(search, "en")
    listed = [model.id for model in catalog.models.values() if f'href="/models/{model.id}/"' in html]
    assert listed == list(catalog.models)[:page_size]
    complete = page_size >= len(catalog.models)
    assert ("Every model and provider is listed below." in html) == complete
    assert (f"All {len(catalog.models)} models, newest first, on the home page" in html) == (not complete)


def test_later_provider_pages_link_to_the_providers_facts_instead_of_repeating_them(catalog):
    site = catalog.site.model_copy(update={"listings": ListingSettings(page_size=1)})
    smaller = dataclasses.replace(catalog, site=site)
    routes = build_routes(smaller)
    provider = next(p for p in catalog.providers.values() if len(p.made) > 1 and p.record.docs_url)
    first, second = pages_of(routes, "provider", f"providers/{provider.id}/")[:2]
    renderer = render.Renderer(ROOT / "templates", ROOT / "locales", smaller, render.SiteUrls(site.base_url, "en"),
                               collections.defaultdict(lambda: "v"))
    first_html, second_html = renderer.render(first, "en"), renderer.render(second, "en")
    assert str(provider.record.docs_url) in first_html and 'class="facts"' in first_html
    assert str(provider.record.docs_url) not in second_html and 'class="facts"' not in second_html
    assert f'<a href="/providers/{provider.id}/">About {provider.name}: website, API and SDKs</a>' in second_html
    assert f"models/{second.context['made'][0].id}/" in second_html  # its own rows
