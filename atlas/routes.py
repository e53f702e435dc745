"""Stage 4, routes: every output page, its template, its data and what it depends on.

A route is locale-free (`models/o4-mini/`); the site writes each route once per
locale, the default locale at the root and the others under `/<locale>/`.
Dependencies name content records (`models/o4-mini`) so an incremental build can
tell which pages an edit touches; what every page depends on (the site configuration,
the code) is added by the pipeline.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from .catalog import Catalog
from .changelog import feed_updated
from .sitemap import part_path, sitemap_parts

SITE_DEPENDENCY = "site"
HISTORY_DEPENDENCY = "history"
SITEMAP_DEPENDENCY = "sitemap"  # its fingerprint: sitemap.sitemap_fingerprint
FEED_LENGTH = 50


@dataclass(frozen=True)
class Route:
    kind: str
    path: str  # "" for the home page, otherwise ends in "/" or names a file ("404.html")
    template: str | None  # None: a data output, written by data_outputs.py
    context: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)
    depends_on: frozenset[str] = frozenset()
    localized: bool = True  # written once per locale; data outputs are written once

    @property
    def output_file(self) -> str:
        return self.path if self.path and not self.path.endswith("/") else f"{self.path}index.html"

    @property
    def is_page(self) -> bool:
        return self.template is not None


def model_path(model_id: str) -> str:
    return f"models/{model_id}/"


def provider_path(provider_id: str) -> str:
    return f"providers/{provider_id}/"


def capability_path(capability_id: str) -> str:
    return f"capabilities/{capability_id}/"


def compare_path(slug: str) -> str:
    return f"compare/{slug}/"


def build_routes(catalog: Catalog) -> list[Route]:
    every_model = frozenset(f"models/{m}" for m in catalog.models)
    every_provider = frozenset(f"providers/{p}" for p in catalog.providers)
    everything = every_model | every_provider
    routes = [
        Route("home", "", "pages/home.html", {"models": list(catalog.models.values())}, everything),
        Route("providers", "providers/", "pages/providers.html",
              {"providers": list(catalog.providers.values())}, everything),
        Route("capabilities", "capabilities/", "pages/capabilities.html",
              {"capabilities": catalog.capabilities}, every_model),
        Route("not-found", "404.html", "pages/404.html", {}, frozenset()),
        Route("search", "search/", "pages/search.html",
              {"models": list(catalog.models.values()), "providers": list(catalog.providers.values())}, everything),
        Route("changelog", "changelog/", "pages/changelog.html", {"changes": catalog.changes},
              every_model | {HISTORY_DEPENDENCY}),
        Route("feed", "feed.xml", "feeds/atom.xml",
              {"changes": (catalog.changes or [])[:FEED_LENGTH],
               "updated": feed_updated(catalog.changes or [], catalog.newest_verified or datetime.date(1970, 1, 1))},
              every_model | {HISTORY_DEPENDENCY}),
    ]
    for model in catalog.models.values():
        routes.append(Route("model", model_path(model.id), "pages/model.html", {"model": model},
                            _model_page_depends(model)))
    for provider in catalog.providers.values():
        depends = {f"providers/{provider.id}"} | {f"models/{m.id}" for m in provider.made}
        depends |= {f"models/{m.id}" for m, _ in provider.served}
        routes.append(Route("provider", provider_path(provider.id), "pages/provider.html",
                            {"provider": provider}, frozenset(depends)))
    routes.append(Route("compare-index", "compare/", "pages/compare_index.html",
                        {"pairs": catalog.featured_pairs, "all_pairs": len(catalog.pairs)}, everything))
    for pair in catalog.pairs:
        depends = {f"models/{pair.a.id}", f"models/{pair.b.id}", f"providers/{pair.a.maker.id}",
                   f"providers/{pair.b.maker.id}"}
        routes.append(Route("compare", compare_path(pair.slug), "pages/compare.html", {"pair": pair},
                            frozenset(depends)))
    for capability in catalog.capabilities:  # its table names each model's maker: providers too
        routes.append(Route("capability", capability_path(capability.id), "pages/capability.html",
                            {"capability": capability}, everything))
    routes += _data_routes(catalog, every_model, everything)
    routes += _sitemap_routes(routes, len(catalog.site.locales))
    return routes


def name_dependency(model_id: str) -> str:
    """The name of a model, apart from the rest of its record: what a page that only links to it shows."""
    return f"models/{model_id}:name"


def _model_page_depends(model) -> frozenset[str]:
    """Its own records; those of the models it shows prices of (alternatives, more from the maker);
    the names of those it only links to (comparisons, family, successor). A price edit then
    reaches the pages that show the price, not the hundreds that link to the model."""
    depends = set(model.shown_records)
    for other in (*model.alternatives, *model.more_from_maker):
        depends |= other.shown_records
    linked = [other for other, _ in model.compare_with] + model.same_family
    if model.successor is not None:
        linked.append(model.successor)
    depends.update(name_dependency(other.id) for other in linked)
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
        depends = {f"models/{model.id}", f"providers/{model.maker.id}"} | {f"providers/{o.provider_id}" for o in model.offerings}
        routes.append(Route("api-model", f"api/models/{model.id}.json", None, {"model": model},
                            frozenset(depends), localized=False))
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
    return [route for route in routes if route.is_page and route.output_file.endswith("index.html")]
