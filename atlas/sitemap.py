"""sitemap.xml (every page in every locale, with hreflang alternates) and robots.txt.

The sitemap protocol allows 50,000 URLs (and 50 MB) per file. A larger site gets
`sitemap.xml` as a sitemap index and its URLs in `sitemaps/<n>.xml`, each well under both.
"""

from __future__ import annotations

import math
import re
from typing import TYPE_CHECKING
from xml.sax.saxutils import escape, quoteattr

from .incremental import digest, record_name

if TYPE_CHECKING:  # routes.py asks this module how to split the sitemap
    from .catalog import Catalog
    from .routes import Route

URLS_PER_SITEMAP = 20_000  # with hreflang alternates an entry is ~600 bytes: 12 MB a file


def _routes_per_part(locales: int) -> int:
    return max(1, URLS_PER_SITEMAP // locales)  # each route is one URL per locale


def sitemap_parts(page_routes: int, locales: int) -> int:
    """How many sitemap files the pages need; 1 means a plain sitemap.xml."""
    return max(1, math.ceil(page_routes / _routes_per_part(locales)))


def part_routes(routes: list[Route], part: int, locales: int) -> list[Route]:
    """The routes of sitemap file `part` (1-based)."""
    size = _routes_per_part(locales)
    return routes[(part - 1) * size: part * size]


def part_path(part: int) -> str:
    return f"sitemaps/{part}.xml"


def render_sitemap_index(parts: int, urls, catalog: Catalog) -> str:
    lastmod = catalog.newest_verified
    lines = ['<?xml version="1.0" encoding="UTF-8"?>',
             '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">']
    for part in range(1, parts + 1):
        lines.append(f"  <sitemap><loc>{escape(urls.origin + urls.base_path + part_path(part))}</loc>"
                     + (f"<lastmod>{lastmod.isoformat()}</lastmod>" if lastmod else "") + "</sitemap>")
    lines.append("</sitemapindex>")
    return "\n".join(lines) + "\n"


def render_sitemap(routes: list[Route], urls, catalog: Catalog) -> str:
    """Each page's URL in each locale, with the same alternates: made once a page, each URL escaped
    once (a sitemap file of 20,000 URLs took 170 ms when every URL was escaped for each of its
    four mentions, and a compare pair that comes or goes shifts every file after it)."""
    site = catalog.site
    locales = site.locales
    lines = ['<?xml version="1.0" encoding="UTF-8"?>',
             '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
             'xmlns:xhtml="http://www.w3.org/1999/xhtml">']
    for route, lastmod in zip(routes, last_modified(routes, catalog)):
        found = {locale: urls.absolute(route.path, locale) for locale in locales}
        alternates = "".join([f'\n    <xhtml:link rel="alternate" hreflang="{other}" href={_attribute(found[other])}/>'
                              for other in locales])
        alternates += (f'\n    <xhtml:link rel="alternate" hreflang="x-default" '
                       f'href={_attribute(found[site.default_locale])}/>\n  </url>')
        dated = f"\n    <lastmod>{lastmod}</lastmod>" if lastmod else ""
        lines.extend(f"  <url>\n    <loc>{_text(found[locale])}</loc>{dated}{alternates}" for locale in locales)
    lines.append("</urlset>")
    return "\n".join(lines) + "\n"


_SPECIAL = re.compile(r"[&<>\"'\n\r\t]").search  # what escape or quoteattr would change


def _text(url: str) -> str:
    return escape(url) if _SPECIAL(url) else url


def _attribute(url: str) -> str:
    return quoteattr(url) if _SPECIAL(url) else f'"{url}"'


def last_modified(routes: list[Route], catalog: Catalog) -> list[str | None]:
    """Per route, a date from the data: its own (the changelog's: its newest change), else the newest
    last-verified date among the models its page shows. A page that shows no model's record (the
    provider, capability and compare indexes, the search page) sums up the catalog: its newest date."""
    # ISO dates compare as the dates do: each is written once, not once a page.
    verified = {record_name("models", model_id): model.record.last_verified.isoformat()
                for model_id, model in catalog.models.items()}
    models = frozenset(verified)
    newest = catalog.newest_verified.isoformat() if catalog.newest_verified else None
    found = []
    for route in routes:
        if "updated" in route.context:
            found.append(route.context["updated"].date().isoformat())
            continue
        shown = route.depends_on & models  # in C, over the smaller set: a page names a few dozen records
        found.append(max(map(verified.__getitem__, shown)) if shown else newest)
    return found


def sitemap_fingerprint(listed: list[Route], catalog: Catalog) -> str:
    """What the sitemaps say: each listed page's path and date. A price edit leaves it as it was,
    so the sitemaps, which list every page, are not rendered again for one."""
    entries = map("{} {}".format, (route.path for route in listed), last_modified(listed, catalog))
    return digest("\n".join(entries).encode())


def render_robots(urls) -> str:
    return f"User-agent: *\nAllow: /\n\nSitemap: {urls.origin}{urls.base_path}sitemap.xml\n"

