"""Stage 4, routes: every output page, its template, its data and what it depends on.

A route is locale-free (`models/o4-mini/`); the site writes each route once per
locale, the default locale at the root and the others under `/<locale>/`.
Dependencies name content records (`models/o4-mini`) so an incremental build can
tell which pages an edit touches; what every page depends on (the site configuration,
the code) is added by the pipeline.
"""

from __future__ import annotations

import datetime
import functools
from dataclasses import dataclass, field
from typing import Any, Sequence

from .catalog import Catalog
from .changelog import feed_updated
from .incremental import Fingerprints, digest, record_name
from .search_index import bundle_members, searchable
from .sitemap import part_path, sitemap_fingerprint, sitemap_parts

SITE_DEPENDENCY = "site"
HISTORY_DEPENDENCY = "history"
SITEMAP_DEPENDENCY = "sitemap"  # its fingerprint: sitemap.sitemap_fingerprint
MODEL_INDEX_DEPENDENCY = "model-index"  # each model's name and maker, in display order: derived_fingerprints
FEED_DATE_DEPENDENCY = "feed-date"  # the feed's own date
PAIRS_DEPENDENCY = "pairs"  # the compare index's pairs, and how many there are in all
SEARCH_BUNDLES_DEPENDENCY = "search-bundles"  # how many search bundles each language has
FEED_LENGTH = 50
PAGER_REACH = 2  # page links shown either side of the current page, besides the first and the last


@dataclass(frozen=True)
class Pager:
    """Where one page of a long model list stands: its number, the pages around it, their paths.

    The pages of one list share `members`, a fingerprint of which models the list holds in
    which order: each page shows its own rows, but the page count and links of the whole list.
    """

    base: str  # the first page's path ("", "capabilities/vision/")
    number: int  # from 1
    count: int  # pages in the list
    members: str

    def path(self, number: int) -> str:
        return page_path(self.base, number)

    @property
    def previous(self) -> int | None:
        return self.number - 1 if self.number > 1 else None

    @property
    def next(self) -> int | None:
        return self.number + 1 if self.number < self.count else None

    @property
    def links(self) -> list[int | None]:
        """The page numbers to link, None where a run of them is left out: 1 … 4 5 [6] 7 8 … 20."""
        shown = {1, self.count, *range(self.number - PAGER_REACH, self.number + PAGER_REACH + 1)}
        links: list[int | None] = []
        for number in sorted(n for n in shown if 1 <= n <= self.count):
            if links and number - links[-1] > 1:
                links.append(None)
            links.append(number)
        return links

    @property
    def dependency(self) -> str:
        return list_dependency(self.base)


def list_dependency(base: str) -> str:
    """The name of which models a paged list holds, in order (its fingerprint: Pager.members)."""
    return f"list:{base}"


# Not frozen: a frozen dataclass sets each field through object.__setattr__, and a 10,000-model
# site makes 61,000 routes a build (frozen: 0.8 µs each, this: 0.2 µs). Slots: no dict per route.
@dataclass(slots=True)
class Route:
    kind: str
    path: str  # "" for the home page, otherwise ends in "/" or names a file ("404.html")
    template: str | None  # None: a data output, written by data_outputs.py
    context: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)
    depends_on: frozenset[str] = frozenset()
    localized: bool = True  # written once per locale; data outputs are written once
    pager: Pager | None = field(default=None, compare=False, hash=False)  # set on the pages of a model list

    @property
    def output_file(self) -> str:
        return self.path if self.path and not self.path.endswith("/") else f"{self.path}index.html"

    @property
    def is_page(self) -> bool:
        return self.template is not None

    def forget_page_figures(self) -> None:
        """Drop what its page's objects worked out for it (a pair's rows, a model's questions), once
        it is rendered in every locale: a render worker that kept them for each of the pages it
        rendered would hold those of half the pairs of the site by its end."""
        for value in self.context.values():
            forget = getattr(value, "forget_page_figures", None)
            if forget is not None:
                forget()


def model_path(model_id: str) -> str:
    return f"models/{model_id}/"


def provider_path(provider_id: str) -> str:
    return f"providers/{provider_id}/"


def capability_path(capability_id: str) -> str:
    return f"capabilities/{capability_id}/"


def compare_path(slug: str) -> str:
    return f"compare/{slug}/"


def page_path(base: str, number: int) -> str:
    """Page `number` of the list whose first page is at `base`."""
    return base if number == 1 else f"{base}page/{number}/"


@dataclass
class RoutesMemo:
    """What a builder that builds again keeps of its routes stage: the routes of its catalog at a
    revision, and what was derived from them, for the catalog's next patch (catalog_patch.py)."""

    catalog: Catalog | None = None
    revision: int = -1
    routes: list[Route] = field(default_factory=list)
    listed: list[Route] = field(default_factory=list)
    derived: Fingerprints = field(default_factory=dict)
    dated: list[Route] = field(default_factory=list)  # those whose context holds the feed's date


def routes_for(catalog: Catalog, memo: RoutesMemo | None = None) -> tuple[list[Route], list[Route], Fingerprints]:
    """Every route, the pages the sitemaps list, and the fingerprints derived from them (derived_fingerprints
    and the sitemap's). After a patch of the catalog the memo's routes still hold: they are brought up to
    date here instead of being made again."""
    if (memo is not None and memo.catalog is catalog and catalog.patched is not None
            and memo.revision == catalog.revision - 1):
        _follow_patch(memo, catalog)
    else:
        routes = build_routes(catalog)
        listed = listed_pages(routes)
        derived = {**derived_fingerprints(routes, catalog), SITEMAP_DEPENDENCY: sitemap_fingerprint(listed, catalog)}
        if memo is None:
            return routes, listed, derived
        memo.catalog, memo.routes, memo.listed, memo.derived = catalog, routes, listed, derived
        memo.dated = [route for route in routes if "updated" in route.context]  # the changelog and the feed
    memo.revision = catalog.revision
    return memo.routes, memo.listed, dict(memo.derived)


def _follow_patch(memo: RoutesMemo, catalog: Catalog) -> None:
    """The routes and derived fingerprints of a catalog patched since they were made: only the
    feed's date, the changed models' related lists and price history, and the sitemaps' dates can
    have moved (catalog_patch._same_place)."""
    patch = catalog.patched
    updated = _feed_updated(catalog)
    moved = patch.dates_moved or any(route.context["updated"] != updated for route in memo.dated)
    for route in memo.dated:
        route.context["updated"] = updated
    derived = memo.derived
    derived[FEED_DATE_DEPENDENCY] = updated.isoformat()
    derived.update((related_dependency(model_id), _related_fingerprint(catalog.models[model_id]))
                   for model_id in patch.models)
    derived.update((offerings_dependency(model_id), _offerings_fingerprint(catalog.models[model_id]))
                   for model_id in patch.models)
    if moved:
        derived[SITEMAP_DEPENDENCY] = sitemap_fingerprint(memo.listed, catalog)


def _feed_updated(catalog: Catalog) -> datetime.datetime:
    return feed_updated(catalog.changes or [], catalog.newest_verified or datetime.date(1970, 1, 1))


def build_routes(catalog: Catalog) -> list[Route]:
    # Dependency names, made once each: tens of thousands of pages name them.
    model_names = {m: record_name("models", m) for m in catalog.models}
    provider_names = {p: record_name("providers", p) for p in catalog.providers}
    every_model = frozenset(model_names.values())
    every_provider = frozenset(provider_names.values())
    everything = every_model | every_provider
    page_size = catalog.site.listings.page_size
    updated = _feed_updated(catalog)
    # The first page also shows the counts, the filters' choices and the price chart.
    routes = _list_pages("home", "", "pages/home.html", {}, {"models": list(catalog.models.values())}, page_size,
                         first_page_depends=everything)
    # The two indexes show each list's length: they depend on the lists' members, not on the records in them.
    provider_lists = frozenset(list_dependency(provider_path(p)) for p in catalog.providers)
    capability_lists = frozenset(list_dependency(capability_path(c.id)) for c in catalog.capabilities)
    routes += [
        Route("providers", "providers/", "pages/providers.html",
              {"providers": list(catalog.providers.values())}, every_provider | provider_lists),
        Route("capabilities", "capabilities/", "pages/capabilities.html",
              {"capabilities": catalog.capabilities}, capability_lists),
        Route("not-found", "404.html", "pages/404.html", {}, frozenset()),
        # Without JavaScript it lists the newest models (a page of them) by name and maker, and links
        # to the rest: not a price edit's business.
        Route("search", "search/", "pages/search.html",
              {"models": list(catalog.models.values())[:page_size], "model_count": len(catalog.models),
               "providers": list(catalog.providers.values())},
              every_provider | {MODEL_INDEX_DEPENDENCY, SEARCH_BUNDLES_DEPENDENCY}),
        # The changes come from the history; of the models, they show names and whether each still has a page.
        Route("changelog", "changelog/", "pages/changelog.html", {"changes": catalog.changes, "updated": updated},
              frozenset({HISTORY_DEPENDENCY, MODEL_INDEX_DEPENDENCY, FEED_DATE_DEPENDENCY})),
        Route("feed", "feed.xml", "feeds/atom.xml",
              {"changes": (catalog.changes or [])[:FEED_LENGTH], "updated": updated},
              frozenset({HISTORY_DEPENDENCY, MODEL_INDEX_DEPENDENCY, FEED_DATE_DEPENDENCY})),
    ]
    names = {model_id: name_dependency(model_id) for model_id in catalog.models}
    for model in catalog.models.values():
        routes.append(Route("model", model_path(model.id), "pages/model.html", {"model": model},
                            _model_page_depends(model, names)))
    for provider in catalog.providers.values():
        routes += _list_pages("provider", provider_path(provider.id), "pages/provider.html", {"provider": provider},
                              {"made": provider.made, "served": provider.served}, page_size,
                              own=frozenset({provider_names[provider.id]}))
    # The pairs it lists, by name (the picker's suggestions come from the API, in the browser).
    routes.append(Route("compare-index", "compare/", "pages/compare_index.html",
                        {"pairs": catalog.featured_pairs, "all_pairs": len(catalog.pairs)},
                        frozenset({PAIRS_DEPENDENCY})))
    for pair in catalog.pairs:
        depends = {model_names[pair.a.id], model_names[pair.b.id],
                   provider_names[pair.a.maker.id], provider_names[pair.b.maker.id]}
        routes.append(Route("compare", compare_path(pair.slug), "pages/compare.html", {"pair": pair},
                            frozenset(depends)))
    for capability in catalog.capabilities:
        routes += _list_pages("capability", capability_path(capability.id), "pages/capability.html",
                              {"capability": capability}, {"models": capability.models}, page_size)
    routes += _data_routes(catalog, every_model, everything)
    routes += _sitemap_routes(routes, len(catalog.site.locales))
    search_page = next(route for route in routes if route.kind == "search")
    search_page.context["bundles"] = bundle_members([route.output_file for route in routes if searchable(route)],
                                                    catalog.site.search.pages_per_index)
    return routes


def search_bundles(routes: list[Route]) -> list[list[str]]:
    """The search bundles' pages (paths without a language's prefix), worked out once with the
    search page that lists the bundles, so the page and the index cannot disagree."""
    return next(route.context["bundles"] for route in routes if route.kind == "search")


def _list_pages(kind: str, base: str, template: str, context: dict[str, Any], lists: dict[str, Sequence],
                page_size: int, own: frozenset[str] = frozenset(),
                first_page_depends: frozenset[str] | None = None) -> list[Route]:
    """The pages of a model list, `page_size` rows each; `lists` names its tables (a provider's page
    has two, paged side by side). Each page depends on `own` and the records its rows show; the
    first on `first_page_depends` instead, when given."""
    count = max(1, *(-(-len(items) // page_size) for items in lists.values()))
    members = digest(repr([[_row_model(item).id for item in items] for items in lists.values()]).encode())
    routes = []
    for number in range(1, count + 1):
        start = (number - 1) * page_size
        rows = {name: items[start:start + page_size] for name, items in lists.items()}
        pager = Pager(base, number, count, members)
        shown = first_page_depends if number == 1 and first_page_depends is not None else own | _rows_depend(rows)
        routes.append(Route(kind, pager.path(number), template, {**context, **rows},
                            shown | {pager.dependency}, pager=pager))
    return routes


def _row_model(item):
    """A table row's model: the entry itself, or the first of a (model, offering) pair."""
    return item[0] if isinstance(item, tuple) else item


def _rows_depend(rows: dict[str, Sequence]) -> frozenset[str]:
    """What the rows of a page show: a model row, its model's record, its maker's and its hosts';
    a host's row (a (model, offering) pair), the model's name and offerings."""
    return frozenset().union(*(frozenset({offerings_dependency(item[0].id)}) if isinstance(item, tuple)
                               else item.shown_records for items in rows.values() for item in items))


def derived_fingerprints(routes: list[Route], catalog: Catalog) -> Fingerprints:
    """What pages show that no one record holds: which models each paged list holds, in order
    (what all of its pages show: count, page links); the index of every model's name and maker;
    the feed's date; the compare index's pairs; the search bundles; each model page's lists and
    price history (related_dependency); each model's rows on its hosts' pages (offerings_dependency)."""
    found = {route.pager.dependency: route.pager.members for route in routes if route.pager is not None}
    found[MODEL_INDEX_DEPENDENCY] = digest(repr([(m.id, m.name, m.maker.id) for m in catalog.models.values()]).encode())
    found[FEED_DATE_DEPENDENCY] = next(route.context["updated"] for route in routes if route.kind == "feed").isoformat()
    found[SEARCH_BUNDLES_DEPENDENCY] = str(len(search_bundles(routes)))
    found.update((related_dependency(model_id), _related_fingerprint(model)) for model_id, model in catalog.models.items())
    found.update((offerings_dependency(model_id), _offerings_fingerprint(model))
                 for model_id, model in catalog.models.items())
    found[PAIRS_DEPENDENCY] = digest(repr(([(pair.slug, pair.a.name, pair.b.name) for pair in catalog.featured_pairs],
                                           len(catalog.pairs))).encode())
    return found


@functools.cache  # a build names every model so: the cache answers in C
def name_dependency(model_id: str) -> str:
    """The name of a model, apart from the rest of its record: what a page that only links to it shows."""
    return record_name("models", f"{model_id}:name")


def related_dependency(model_id: str) -> str:
    """What a model's page shows that neither its record nor those it depends on hold: which
    comparisons it lists, which models are more from its maker and of its family, and its
    prices in the content's git history. A name per list would not do: a model that leaves
    one list but stays in another (a comparison gone, the family kept) leaves the names as they were."""
    return record_name("models", f"{model_id}:related")


def offerings_dependency(model_id: str) -> str:
    """What a host's row of a model shows (served_row.html): the model's name and its hosts'
    offerings. A provider page lists the models it serves by this, not by their records: an edit
    of the maker's own price then leaves the pages of its hosts alone (16 of the 76 pages a price
    edit rendered at 1,000 models came out as they were)."""
    return record_name("models", f"{model_id}:offerings")


def _offerings_fingerprint(model) -> str:
    """Kept with the model's figures (made_from_figures), so that a catalog built anew from the same
    records does not make it again: 90 ms for 10,000 models, on the dev server's full road."""
    found = model.made_from_figures.get(_OFFERINGS_FINGERPRINT)
    if found is None:
        found = model.made_from_figures[_OFFERINGS_FINGERPRINT] = "|".join([model.name, *(
            f"{o.provider_id} {o.offering.model_id} {o.offering.input} {o.offering.output} {o.offering.context}"
            for o in model.offerings)])
    return found


_OFFERINGS_FINGERPRINT = ("offerings fingerprint",)  # its key among made_from_figures


def _related_fingerprint(model) -> str:
    chart = model.price_history
    return "|".join((" ".join(slug for _, slug in model.compare_with), " ".join(m.id for m in model.more_from_maker),
                     " ".join(m.id for m in model.same_family), repr(chart.points) if chart else ""))


def _model_page_depends(model, names: dict[str, str]) -> frozenset[str]:
    """Its own records; those of the models it shows prices of (alternatives, more from the maker);
    the names of those it only links to (comparisons, family, successor); which those are
    (related_dependency). A price edit then reaches the pages that show the price, not the
    hundreds that link to the model."""
    depends = set(model.shown_records)
    depends.add(related_dependency(model.id))
    for other in (*model.alternatives, *model.more_from_maker):
        depends |= other.shown_records
    linked = [other for other, _ in model.compare_with] + model.same_family
    if model.successor is not None:
        linked.append(model.successor)
    depends.update(names[other.id] for other in linked)
    return frozenset(depends)


def _data_routes(catalog: Catalog, every_model: frozenset[str], everything: frozenset[str]) -> list[Route]:
    routes = [
        Route("api-index", "api/models.json", None, {}, everything, localized=False),
        Route("robots", "robots.txt", None, {}, frozenset(), localized=False),
        Route("manifest", "manifest.webmanifest", None, {}, frozenset(), localized=False),
        Route("headers", "_headers", None, {}, frozenset(), localized=False),
    ]
    routes += [Route("schema", f"schema/{name}.json", None, {"name": name}, frozenset(), localized=False)
               for name in ("model", "provider", "site", "fit-scores")]
    for model in catalog.models.values():
        # Its record, its maker's and its hosts': the records its JSON shows.
        routes.append(Route("api-model", f"api/models/{model.id}.json", None, {"model": model},
                            model.shown_records, localized=False))
    return routes


def _sitemap_routes(routes: list[Route], locales: int) -> list[Route]:
    """sitemap.xml; for a large site, a sitemap index and its parts (see sitemap.py)."""
    listed = listed_pages(routes)
    parts = sitemap_parts(len(listed), locales)
    depends = frozenset({SITEMAP_DEPENDENCY})  # the paths and dates of the pages, not every record
    if parts == 1:
        return [Route("sitemap", "sitemap.xml", None, {}, depends, localized=False)]
    return [Route("sitemap-index", "sitemap.xml", None, {"parts": parts}, depends, localized=False)] + [
        Route("sitemap-part", part_path(part), None, {"part": part, "parts": parts}, depends, localized=False)
        for part in range(1, parts + 1)]


def listed_pages(routes: list[Route]) -> list[Route]:
    """The pages a sitemap lists: every page but the 404s and the feed."""
    return [route for route in routes  # a folder's index.html (the home page's path is "")
            if route.template is not None and (not route.path or route.path.endswith("/"))]
