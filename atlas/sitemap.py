"""sitemap.xml (every page in every locale, with hreflang alternates) and robots.txt."""

from __future__ import annotations

from xml.sax.saxutils import escape, quoteattr

from .catalog import Catalog
from .routes import Route


def render_sitemap(routes: list[Route], urls, catalog: Catalog) -> str:
    site = catalog.site
    lines = ['<?xml version="1.0" encoding="UTF-8"?>',
             '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
             'xmlns:xhtml="http://www.w3.org/1999/xhtml">']
    for route in routes:
        lastmod = _lastmod(route, catalog)
        for locale in site.locales:
            lines.append("  <url>")
            lines.append(f"    <loc>{escape(urls.absolute(route.path, locale))}</loc>")
            if lastmod:
                lines.append(f"    <lastmod>{lastmod}</lastmod>")
            for other in site.locales:
                lines.append(f'    <xhtml:link rel="alternate" hreflang="{other}" '
                             f'href={quoteattr(urls.absolute(route.path, other))}/>')
            lines.append(f'    <xhtml:link rel="alternate" hreflang="x-default" '
                         f'href={quoteattr(urls.absolute(route.path, site.default_locale))}/>')
            lines.append("  </url>")
    lines.append("</urlset>")
    return "\n".join(lines) + "\n"


def _lastmod(route: Route, catalog: Catalog) -> str | None:
    """The newest last-verified date among the models a page shows: a date from the data."""
    dates = [catalog.models[dep.split("/", 1)[1]].record.last_verified
             for dep in route.depends_on if dep.startswith("models/") and dep.split("/", 1)[1] in catalog.models]
    return max(dates).isoformat() if dates else None


def render_robots(urls) -> str:
    return f"User-agent: *\nAllow: /\n\nSitemap: {urls.origin}{urls.base_path}sitemap.xml\n"

