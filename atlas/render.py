"""Stage 5, render: Jinja templates to HTML, one environment per locale.

Each locale gets its own environment so its gettext catalog and number formats
are bound once, with no global "current locale" to get wrong.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from babel import Locale
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from .catalog import Catalog
from .formatting import Formatter
from .i18n import load_translations
from .routes import Route, capability_path, model_path, provider_path


@dataclass(frozen=True)
class SiteUrls:
    """Where pages live: the public base URL, its path, and each locale's prefix."""

    base_url: str
    default_locale: str

    @property
    def base_path(self) -> str:
        path = urlsplit(self.base_url).path or "/"
        return path if path.endswith("/") else path + "/"

    @property
    def origin(self) -> str:
        parts = urlsplit(self.base_url)
        return f"{parts.scheme}://{parts.netloc}"

    def prefix(self, locale: str) -> str:
        return "" if locale == self.default_locale else f"{locale}/"

    def path(self, route_path: str, locale: str) -> str:
        return self.base_path + self.prefix(locale) + route_path

    def absolute(self, route_path: str, locale: str) -> str:
        return self.origin + self.path(route_path, locale)


class Renderer:
    def __init__(self, templates_dir: Path, locales_dir: Path, catalog: Catalog, urls: SiteUrls,
                 asset_versions: dict[str, str]):
        self.catalog = catalog
        self.urls = urls
        self.asset_versions = asset_versions
        self.templates_dir = templates_dir
        site = catalog.site
        self.environments = {
            locale: self._environment(locale, load_translations(locales_dir, locale, site.default_locale))
            for locale in site.locales
        }

    def _environment(self, locale: str, translations) -> Environment:
        env = Environment(
            loader=FileSystemLoader(self.templates_dir),
            autoescape=select_autoescape(default=True, default_for_string=True),
            undefined=StrictUndefined,
            extensions=["jinja2.ext.i18n"],
            trim_blocks=True,
            lstrip_blocks=True,
        )
        env.install_gettext_translations(translations, newstyle=True)
        fmt = Formatter(locale, self.catalog.site.default_locale)
        env.filters.update(
            money=fmt.money, number=fmt.number, compact=fmt.compact, percent=fmt.percent,
            date=fmt.date, score_percent=fmt.score_percent, host=_host, month=fmt.month, text=fmt.text, text_list=fmt.text_list, plain=fmt.plain,
            markdown=fmt.markdown,
        )
        urls = self.urls
        env.globals.update(
            site=self.catalog.site,
            catalog=self.catalog,
            locale=locale,
            url=lambda path: urls.path(path, locale),
            model_url=lambda model_id: urls.path(model_path(model_id), locale),
            provider_url=lambda provider_id: urls.path(provider_path(provider_id), locale),
            capability_url=lambda capability_id: urls.path(capability_path(capability_id), locale),
            asset=self._asset_url,
            locale_name=_locale_name,
        )
        return env

    def _asset_url(self, name: str) -> str:
        return f"{self.urls.base_path}static/{name}?v={self.asset_versions[name]}"

    def render(self, route: Route, locale: str) -> str:
        env = self.environments[locale]
        template = env.get_template(route.template)
        alternates = [
            {"locale": other, "href": self.urls.absolute(route.path, other), "path": self.urls.path(route.path, other)}
            for other in self.catalog.site.locales
        ]
        return template.render(
            route.context,
            page=route,
            canonical=self.urls.absolute(route.path, locale),
            alternates=alternates,
            x_default=self.urls.absolute(route.path, self.catalog.site.default_locale),
        )


def _locale_name(code: str) -> str:
    """A language's own name for itself ("Español"), as a switcher shows it."""
    name = Locale.parse(code).get_display_name(code) or code
    return name[:1].upper() + name[1:]


def _host(url: str) -> str:
    host = urlsplit(url).netloc
    return host[4:] if host.startswith("www.") else host


def asset_version(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:10]
