"""How much of the editorial content has its own text in a locale."""

from __future__ import annotations

from typing import Iterator

from .catalog import Catalog


def content_coverage(catalog: Catalog, locale: str) -> tuple[int, int]:
    """(fields written in `locale`, editorial fields in all) across the catalog."""
    fields = list(_editorial_fields(catalog))
    translated = sum(1 for value in fields if isinstance(value, dict) and locale in value)
    return translated, len(fields)


def _editorial_fields(catalog: Catalog) -> Iterator[object]:
    yield catalog.site.tagline
    for scenario in catalog.site.scenarios:
        yield from (scenario.name, scenario.assumption, scenario.unit)
    for provider in catalog.providers.values():
        yield from (v for v in (provider.record.description, provider.record.sdk_notes) if v is not None)
    for model in catalog.models.values():
        record = model.record
        yield from (record.tagline, record.description)
        yield from (v for v in (record.strengths, record.tradeoffs, record.best_for) if v)
        for item in record.faq:
            yield from (item.question, item.answer)
