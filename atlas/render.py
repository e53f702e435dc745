"""Stage 5, render: Jinja templates to HTML, one environment per locale.

Each locale gets its own environment so its gettext catalog and number formats
are bound once, with no global "current locale" to get wrong.
"""

from __future__ import annotations

import hashlib
from functools import cached_property, lru_cache
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from babel import Locale
from babel.core import get_global
from typing import Any, Hashable, Iterable

from jinja2 import FileSystemBytecodeCache, FileSystemLoader, StrictUndefined, select_autoescape
from jinja2.utils import htmlsafe_json_dumps
from markupsafe import Markup, escape

from .calculator import calculator_data
from .catalog import CAPABILITIES, Catalog
from .formatting import Formatter
from . import structured_data, template_i18n
from .template_env import CarriedFragments, PageEnvironment
from .i18n import N_, load_translations
from .messages import Label, Msg, Names, Paragraph
from .routes import Route, capability_path, compare_path, model_path, offerings_dependency, provider_path
from .search_index import bundle_folder


MODEL_ROW = "partials/model_row.html"
SERVED_ROW = "partials/served_row.html"


@dataclass(frozen=True)
class SiteUrls:
    """Where pages live: the public base URL, its path, and each locale's prefix."""

    base_url: str
    default_locale: str

    @cached_property  # every link of every page starts with it
    def base_path(self) -> str:
        path = urlsplit(self.base_url).path or "/"
        return path if path.endswith("/") else path + "/"

    @cached_property
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
                 asset_versions: dict[str, str], cache_dir: Path | None = None,
                 carried: dict[str, CarriedFragments] | None = None):
        """`carried`: per locale, the fragments a long-lived builder keeps between builds."""
        # Compiled templates kept between builds (Jinja checks each source's mtime itself).
        self.bytecode_cache = None
        if cache_dir is not None:
            (cache_dir / "jinja").mkdir(parents=True, exist_ok=True)
            self.bytecode_cache = FileSystemBytecodeCache(str(cache_dir / "jinja"))
        self.catalog = catalog
        self.urls = urls
        self.asset_versions = asset_versions
        self.templates_dir = templates_dir
        site = catalog.site
        self.environments = {
            locale: self._environment(locale, load_translations(locales_dir, locale, site.default_locale),
                                      (carried or {}).get(locale))
            for locale in site.locales
        }

    def serves_again(self, catalog: Catalog, urls: SiteUrls, asset_versions: dict[str, str],
                     carried: dict[str, CarriedFragments] | None) -> bool:
        """Whether this renderer can render the next build of a long-lived builder, and if so, readies it.

        It can when that build renders the very catalog this one was made for (patched in place,
        catalog_patch.py) with the same URLs and assets, and the caller knows that no template,
        translation or configuration changed. Its environments then keep their compiled templates:
        loading them again took ~25 ms of a 130 ms rebuild at 1,000 models. Fragments rendered
        once are forgotten, as records they show may have changed.
        """
        if self.catalog is not catalog or self.urls != urls or self.asset_versions != asset_versions:
            return False
        for locale, env in self.environments.items():
            env.fragments = {}
            env.carried = (carried or {}).get(locale)
        return True

    def compile_all(self) -> None:
        """Compile every template now, so forked render workers inherit them instead of compiling again."""
        for env in self.environments.values():
            for name in env.list_templates(filter_func=lambda name: name.endswith((".html", ".xml"))):
                env.get_template(name)

    def take_fresh_fragments(self, locale: str) -> dict | None:
        """Fragments made for this locale since the last call, when a builder keeps them between builds."""
        carried = self.environments[locale].carried
        return carried.take_fresh() if carried is not None else None

    def keep_fragments(self, locale: str, fragments: dict) -> None:
        self.environments[locale].carried.keep(fragments)

    def _environment(self, locale: str, translations, carried: CarriedFragments | None) -> PageEnvironment:
        env = PageEnvironment(
            carried=carried,
            loader=FileSystemLoader(self.templates_dir),
            bytecode_cache=self.bytecode_cache,
            autoescape=select_autoescape(default=True, default_for_string=True),
            undefined=StrictUndefined,
            extensions=["jinja2.ext.i18n", "jinja2.ext.do"],
            trim_blocks=True,
            lstrip_blocks=True,
            # A Renderer serves one state of the templates (serves_again: not once one changed): no
            # need to stat the source again on every include, import and model row.
            auto_reload=False,
        )
        env.install_gettext_translations(translations, newstyle=True)
        template_i18n.install(env, translations)
        fmt = Formatter.shared(locale, self.catalog.site.default_locale)
        speaker = Speaker(fmt, translations)
        env.filters.update(money=fmt.money, number=fmt.number, compact=fmt.compact, percent=fmt.percent,
                           date=fmt.date, score_percent=fmt.score_percent, month=fmt.month, host=_host)
        env.filters.update(text=fmt.text, text_list=fmt.text_list, plain=fmt.plain, markdown=fmt.markdown,
                           say=speaker.say, compare_cell=speaker.compare_cell)
        urls = self.urls

        def rows(template: str, keyed: Iterable[tuple[Hashable, dict, frozenset[str]]]) -> Markup:
            # Hundreds of table rows a page, each rendered once a build: joined here, not in a template loop.
            return Markup("\n".join([env.render_once(template, key, values, depends)
                                      for key, values, depends in keyed]))

        def model_rows(models) -> Markup:
            return rows(MODEL_ROW, ((model.id, {"model": model}, model.shown_records) for model in models))

        def served_rows(provider, served) -> Markup:
            return rows(SERVED_ROW, (((provider.id, model.id), {"model": model, "offering": offering},
                                      frozenset({offerings_dependency(model.id)})) for model, offering in served))

        env.globals.update(
            site=self.catalog.site,
            catalog=self.catalog,
            locale=locale,
            url=lambda path: urls.path(path, locale),
            model_url=lambda model_id: urls.path(model_path(model_id), locale),
            provider_url=lambda provider_id: urls.path(provider_path(provider_id), locale),
            capability_url=lambda capability_id: urls.path(capability_path(capability_id), locale),
            compare_url=lambda slug: urls.path(compare_path(slug), locale),
            asset=self._asset_url,
            locale_name=_locale_name,
            og_locale=_og_locale,
            url_root=lambda name: urls.base_path + name,
            search_bundles=lambda groups: [urls.base_path + bundle_folder(locale, n) for n in range(1, len(groups) + 1)],
            abs_url=lambda path: urls.absolute(path, locale),
            faq_entries=speaker.faq_entries,
            model_rows=model_rows,
            served_rows=served_rows,
            fragment=env.fragment,
            flag=speaker.flag,
            json_ld=json_ld,
            breadcrumb_list=lambda crumbs: structured_data.breadcrumb_list(
                crumbs, lambda path: urls.absolute(path, locale)),
            model_product=lambda model, description: structured_data.model_product(
                model, urls.absolute(model_path(model.id), locale), description,
                speaker.say(Msg(N_("1M input tokens"))), speaker.say(Msg(N_("1M output tokens"))),
                lambda provider_id: urls.absolute(provider_path(provider_id), locale)),
            faq_page=structured_data.faq_page,
            capability_labels=lambda: {c.id: translations.gettext(c.title) for c in CAPABILITIES},
            website=structured_data.website,
            calculator_data=lambda model: calculator_data(model, self.catalog.site),
        )
        return env

    def _asset_url(self, name: str) -> str:
        return f"{self.urls.base_path}static/{name}?v={self.asset_versions[name]}"

    def render_recording(self, route: Route, locale: str) -> tuple[str, frozenset[str]]:
        """The page, and every template it loaded (extends, includes, imports): its template dependencies."""
        env = self.environments[locale]
        env.loaded = set()
        try:
            return self.render(route, locale), frozenset(env.loaded)
        finally:
            env.loaded = None

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


@dataclass(frozen=True)
class FaqEntry:
    question: str
    answer: str
    lang: str | None  # set when the text is in another language than the page


@dataclass(frozen=True)
class Speaker:
    """Says catalog messages in one locale: translated, with Babel-formatted values."""

    fmt: Formatter
    translations: Any
    _cells: dict[tuple, Markup] = field(default_factory=dict, init=False, repr=False, compare=False)

    def say(self, message: Msg | Paragraph) -> str:
        if isinstance(message, Paragraph):
            return " ".join(self.say(sentence) for sentence in message.sentences)
        text = self.translations.gettext(message.text)
        if not message.params:
            return text
        return text % {key: self.value(value) for key, value in message.params.items()}

    def value(self, value) -> str:
        if isinstance(value, Label):
            return self.translations.gettext(value.text)
        if isinstance(value, Names):
            return self.fmt.names([self.value(item) for item in value.values])
        return self.fmt.value(value)

    def flag(self, value: bool | None) -> Markup:
        """Yes / No / Unknown, marked up for the stylesheet; unknown is never shown as no."""
        return self._flags[None if value is None else bool(value)]

    @cached_property
    def _flags(self) -> dict[bool | None, Markup]:
        return {value: Markup('<span class="flag flag--{}">{}</span>').format(state, self.translations.gettext(text))
                for value, state, text in ((None, "unknown", "Unknown"), (True, "yes", "Yes"), (False, "no", "No"))}

    def compare_cell(self, value, kind: str) -> Markup:
        """One value of a compare row, formatted by its kind (a filter, not a global: it runs on every cell).

        The same prices, limits and flags fill thousands of compare pages: each is formatted
        once (for this Speaker, so this build and locale). Values are scalars; the type is in
        the key so that 1, 1.0 and True stay apart.
        """
        key = (kind, type(value), value)
        cell = self._cells.get(key)
        if cell is None:
            cell = self._cells[key] = self._compare_cell(kind, value)
        return cell

    def _compare_cell(self, kind: str, value) -> Markup:
        if value is None:
            return Markup('<span class="muted">{}</span>').format(self.translations.gettext("Unknown"))
        if kind == "flag":
            return self.flag(value)
        formatters = {"money": self.fmt.money, "tokens": self.fmt.number, "date": lambda v: self.fmt.date(v, "medium"),
                      "month": self.fmt.month, "speed": self.fmt.number, "seconds": self.fmt.number,
                      "count": self.fmt.number, "score:percent": self.fmt.score_percent}
        if kind in formatters:
            return escape(formatters[kind](value))
        return escape(self.fmt.number(value) if kind.startswith("score:") else str(value))

    def faq_entries(self, model) -> list[FaqEntry]:
        """Curated questions first, then those generated from the data: one list for HTML and JSON-LD."""
        entries = []
        for item in model.record.faq:
            question, fallback = self.fmt.pick(item.question)
            answer, answer_fallback = self.fmt.pick(item.answer)
            entries.append(FaqEntry(str(question), str(answer), fallback or answer_fallback))
        for generated in model.generated_faq:
            entries.append(FaqEntry(self.say(generated.question), self.say(generated.answer), None))
        return entries


def json_ld(*items: dict) -> Markup:
    """JSON-LD for a <script> block: `<`, `>`, `&` and `'` are escaped, so no content can close it."""
    data = items[0] if len(items) == 1 else {"@context": "https://schema.org", "@graph": list(items)}
    return Markup(htmlsafe_json_dumps(data, sort_keys=True, ensure_ascii=False))


@lru_cache(maxsize=None)
def _locale_name(code: str) -> str:
    """A language's own name for itself ("Español"), as a switcher shows it."""
    name = Locale.parse(code).get_display_name(code) or code
    return name[:1].upper() + name[1:]


@lru_cache(maxsize=None)
def _host(url: str) -> str:
    host = urlsplit(url).netloc
    return host[4:] if host.startswith("www.") else host


@lru_cache(maxsize=None)
def _og_locale(code: str) -> str:
    """Open Graph wants language_TERRITORY: es -> es_ES, en -> en_US."""
    likely = get_global("likely_subtags").get(code, code)
    parsed = Locale.parse(likely)
    return f"{parsed.language}_{parsed.territory}" if parsed.territory else parsed.language


def asset_version(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:10]
