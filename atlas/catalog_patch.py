"""Stage 3's fast road, for a builder that builds again (the dev server): an edit that changes the
figures of models already in the catalog, and nothing that orders, relates or lists them, is
applied to the last build's catalog in place.

A price edit at 10,000 models otherwise makes 10,000 entries again, sorts and relates them,
builds 40,000 pairs, and then every route: about 0.8 s of a 1.7 s rebuild. Patched in place, the
last build's routes stay right (routes.py, RoutesMemo): they hold entries, not their figures.
Any other edit takes the full road: a model added, deleted, renamed or moved in the display
order; other hosts, capabilities, modalities, family, alternatives or successor; compare pairs
that move; a provider, the site configuration, the rubric or the history changed.
"""

from __future__ import annotations

from collections import Counter
from itertools import compress
from dataclasses import fields
from typing import Callable

from .catalog import (Catalog, CatalogMemo, ModelEntry, OfferingEntry, Patch, build_catalog, figure_inputs,
                      own_entry, own_figures, price_history_of, same_inputs)
from .charts import price_quality_scatter
from .compare import Pair, pairs_stay
from .history import Change
from .validate import ValidContent


def catalog_for(content: ValidContent, history: list[Change] | None, memo: CatalogMemo | None = None,
                release: Callable[[], None] = lambda: None) -> Catalog:
    """The catalog of `content`: the memo's last one patched when the edit allows, else built anew.
    `release` is called before a catalog is built anew, to let go of what else holds the last one
    (a builder's routes), which would otherwise be in memory beside the new one (a dev builder's
    peak at 5,000 models: 652 MB with them, 631 MB without)."""
    last = memo.last if memo is not None else None
    if memo is not None:
        memo.last = None  # until this build's catalog is whole: a patch that fails half-way is not kept
    catalog = _patched(last, content, history, memo) if last is not None else None
    if catalog is None:
        del last
        release()
        catalog = build_catalog(content, history, memo)
    if memo is not None and memo.keeps_figures:
        memo.last = (catalog, content, history)
    return catalog


def _patched(last: tuple[Catalog, ValidContent, list[Change] | None], content: ValidContent,
             history: list[Change] | None, memo: CatalogMemo) -> Catalog | None:
    catalog, before, history_before = last
    if not _same_surroundings(before, content) or history != history_before:
        return None
    changed = [model_id for model_id, record in content.models.items() if record is not before.models[model_id]]
    fresh = {}
    for model_id in changed:
        entry = own_entry(model_id, content.models[model_id], catalog.providers, content)
        if not _same_place(catalog.models[model_id], entry):
            return None
        fresh[model_id] = entry
    # From here the catalog changes: when the pairs move, the full road builds a new one.
    site = content.site
    dates_moved = any(catalog.models[model_id].record.last_verified != entry.record.last_verified
                      for model_id, entry in fresh.items())
    chart_moves = _chart_moves(catalog, fresh)
    for model_id, entry in fresh.items():
        kept = catalog.models[model_id]
        _take_figures(kept, entry)
        memo.figures[model_id] = (entry.record, own_figures(kept))
    if not pairs_stay(catalog.models, fresh, site.compare.per_model, memo.partners):
        return None
    for model_id in fresh:
        kept = catalog.models[model_id]
        changes = [change for change in history or [] if change.model_id == model_id]
        kept.price_history = price_history_of(kept, changes)
    _forget_page_figures(catalog)
    if chart_moves:
        catalog.price_quality = price_quality_scatter(list(catalog.models.values()), site.listings.chart_points)
    catalog.revision += 1
    catalog.patched = Patch(frozenset(fresh), dates_moved)
    return catalog


def _same_surroundings(before: ValidContent, now: ValidContent) -> bool:
    """The same site configuration, rubric and providers, and the same models, if not the same records."""
    return same_inputs(figure_inputs(before), figure_inputs(now)) and now.models.keys() == before.models.keys()


def _same_place(kept: ModelEntry, fresh: ModelEntry) -> bool:
    """Whether the edited record leaves its model where it was: in the same place of every order,
    list, relation and dependency of the catalog and its routes."""
    old, new = kept.record, fresh.record
    hosts = [offering.provider_id for offering in fresh.offerings]
    return (old.name == new.name and old.released == new.released and old.maker == new.maker
            and old.family == new.family and old.alternatives == new.alternatives and old.successor == new.successor
            and old.modalities == new.modalities and kept.capability_ids == fresh.capability_ids
            and kept.shown_records == fresh.shown_records
            and sorted(hosts) == sorted(offering.provider_id for offering in kept.offerings))


def _chart_moves(catalog: Catalog, fresh: dict[str, ModelEntry]) -> bool:
    """Whether the price-quality chart (charts.price_quality_scatter) may change: which models have a
    price and which benchmarks, or the price or scores of a model it plots."""
    plotted = {id(point.model) for point in catalog.price_quality.points} if catalog.price_quality else set()
    for model_id, entry in fresh.items():
        kept = catalog.models[model_id]
        if (id(kept) in plotted or bool(kept.blended) != bool(entry.blended)
                or kept.record.benchmarks != entry.record.benchmarks):
            return True
    return False


def _take_figures(kept: ModelEntry, fresh: ModelEntry) -> None:
    """The fresh entry's own figures, into the kept entry. Its offerings are updated in place too:
    the providers' lists and the provider pages' rows hold them, each host's in the entry's order
    (cheapest first), so a host's first offering of the model takes the values of its first now."""
    old, new = _by_host(kept.offerings), _by_host(fresh.offerings)
    for key, offering in new.items():
        vars(old[key]).update(vars(offering))
    figures = own_figures(fresh)
    figures["offerings"] = [old[key] for key in new]
    kept.record = fresh.record
    for name, value in figures.items():
        setattr(kept, name, value)


def _by_host(offerings: list[OfferingEntry]) -> dict[tuple[str, int], OfferingEntry]:
    """Offerings by host and rank among the host's offerings of the model: a host may sell two
    variants of one model (models.dev lists 3 such hosts for o4-mini)."""
    found, seen = {}, Counter()
    for offering in offerings:
        found[offering.provider_id, seen[offering.provider_id]] = offering
        seen[offering.provider_id] += 1
    return found


def _forget_page_figures(catalog: Catalog) -> None:
    """What pages worked out from the old figures (a model's questions, a pair's rows) is dropped:
    a page rendered since forgot its own, but a build that failed half-way may have left some.
    Only objects holding more than their fields are asked (ten thousand models, forty thousand
    pairs), and those are found in C: a loop in Python took 8 ms a patch at 10,000 models."""
    for holders, kind in ((list(catalog.models.values()), ModelEntry), (catalog.pairs, Pair)):
        for holder in compress(holders, map(len(fields(kind)).__lt__, map(len, map(vars, holders)))):
            holder.forget_page_figures()

