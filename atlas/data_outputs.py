"""Outputs that are data, not pages: the JSON API, JSON Schemas, sitemap, robots, manifest, headers."""

from __future__ import annotations

import json
from typing import Callable

from .catalog import Catalog, ModelEntry
from .formatting import Formatter
from .routes import Route, model_path
from .schema import FitRubric, ModelRecord, ProviderRecord, SiteConfig
from .sitemap import part_routes, render_robots, render_sitemap, render_sitemap_index

# Pages load only their own stylesheet, scripts and images; nothing inline, no framing.
# 'wasm-unsafe-eval' lets site search (Pagefind) compile its own WebAssembly; it allows no eval of JS.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)

SCHEMAS = {"model": ModelRecord, "provider": ProviderRecord, "site": SiteConfig, "fit-scores": FitRubric}


def render_data(route: Route, catalog: Catalog, urls, page_routes: list[Route]) -> str:
    renderers: dict[str, Callable[[], str]] = {
        "api-index": lambda: _json_lines("models", [_summary_line(m, urls) for m in catalog.models.values()]),
        "api-model": lambda: _json(model_document(route.context["model"], urls)),
        "schema": lambda: schema_text(route.context["name"]),
        "sitemap": lambda: render_sitemap(page_routes, urls, catalog),
        "sitemap-index": lambda: render_sitemap_index(route.context["parts"], urls, catalog),
        "sitemap-part": lambda: render_sitemap(part_routes(page_routes, route.context["part"], len(catalog.site.locales)),
                                               urls, catalog),
        "robots": lambda: render_robots(urls),
        "manifest": lambda: _json(_manifest(catalog, urls)),
        "headers": lambda: _headers(urls),
    }
    return renderers[route.kind]()


def schema_text(name: str) -> str:
    schema = SCHEMAS[name].model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    return _json(schema)


def _json(data) -> str:
    return json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def _json_lines(key: str, lines: list[str]) -> str:
    """`{key: [...]}` with one item a line (`_json_line`), so a diff shows one line an item."""
    joined = ",\n".join(lines)
    return f'{{\n  "{key}": [\n{joined}\n  ]\n}}\n' if lines else f'{{\n  "{key}": []\n}}\n'


def _json_line(item: dict) -> str:
    # The C encoder, which `indent` turns off: the API index of 1,000 models in 8 ms instead of 22.
    return f"    {json.dumps(item, sort_keys=True, ensure_ascii=False)}"


def _summary_line(model: ModelEntry, urls) -> str:
    """The model's line of the API index; kept with its figures, so an edit makes one line again, not 10,000."""
    key = ("api-index", urls.base_url, urls.default_locale)
    line = model.made_from_figures.get(key)
    if line is None:
        line = model.made_from_figures[key] = _json_line(model_summary(model, urls))
    return line


def model_summary(model: ModelEntry, urls) -> dict:
    record = model.record
    return {
        "id": model.id,
        "name": record.name,
        "maker": model.maker.id,
        "maker_name": model.maker.name,
        "status": record.status,
        "released": record.released.isoformat() if record.released else None,
        "context": record.limits.context,
        "max_output": record.limits.max_output,
        "input_price": model.headline.input if model.headline else None,
        "output_price": model.headline.output if model.headline else None,
        "blended_price": _round(model.blended),
        "open_weights": record.open_weights,
        "capabilities": [c.id for c in model.capabilities],
        "modalities": {"input": record.modalities.input, "output": record.modalities.output},
        "url": urls.absolute(model_path(model.id), urls.default_locale),
        "api": urls.path(f"api/models/{model.id}.json", urls.default_locale),
    }


def model_document(model: ModelEntry, urls) -> dict:
    cheapest = model.cheapest_offering
    return {
        **model_summary(model, urls),
        "record": model.record.model_dump(mode="json", exclude_defaults=False),
        "derived": {
            "price_source": model.headline.provider_id if model.headline else None,
            "blended_price": _round(model.blended),
            "monthly_cost": _round(model.monthly_cost),
            "cheapest_provider": cheapest.provider_id if cheapest else None,
            "cached_input_saving": _round(model.cached_saving),
            "batch_saving": _round(model.batch_saving),
            "scenarios": [
                {"id": c.scenario.id, "per_request": _round(c.per_request), "total": _round(c.total),
                 "volume": c.scenario.volume}
                for c in model.scenario_costs
            ],
        },
    }


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 6)


def _manifest(catalog: Catalog, urls) -> dict:
    site = catalog.site
    tagline = Formatter(site.default_locale, site.default_locale).plain(site.tagline)
    return {
        "name": site.title,
        "short_name": site.title,
        "description": tagline,
        "start_url": urls.base_path,
        "scope": urls.base_path,
        "display": "browser",
        "background_color": "#ffffff",
        "theme_color": "#0b6e4f",
        "icons": [{"src": f"{urls.base_path}static/favicon.svg", "sizes": "any", "type": "image/svg+xml"}],
    }


def _headers(urls) -> str:
    """Netlify / Cloudflare Pages `_headers`: security headers for every path."""
    return (
        f"{urls.base_path}*\n"
        f"  Content-Security-Policy: {CONTENT_SECURITY_POLICY}\n"
        "  X-Content-Type-Options: nosniff\n"
        "  Referrer-Policy: strict-origin-when-cross-origin\n"
        "  X-Frame-Options: DENY\n"
        "  Permissions-Policy: camera=(), microphone=(), geolocation=()\n"
        f"{urls.base_path}static/*\n"
        "  Cache-Control: public, max-age=31536000, immutable\n"
    )
