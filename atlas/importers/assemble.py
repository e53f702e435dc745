"""One model record's facts from a group: the catalog entry, then the maker's offering.

Which figure speaks for the model:

* identity, dates, limits, modalities, flags, benchmarks: the catalog's own entry
  when it lists the model, else the maker's own offering, else the plainest
  offering id (see `grouping.primary_offering`); gaps are filled in that order;
* pricing: only the maker's own offering. `pricing` is the maker's list price, so
  a model the maker does not sell has none, and the site shows the cheapest host;
* status: the maker's offering; without one, deprecated only when every offering is.

A record needs a context window and an input and output modality; a model
without them is reported, never written half-empty.
"""

from __future__ import annotations

import datetime as dt

from .grouping import Group, primary_offering
from .records import ImportedModel, ImportedOffering, ImportResult

FACT_SECTIONS = ("limits", "modalities", "capabilities")


def assemble(group: Group, catalog_facts: dict | None, origin: str, result: ImportResult,
             date: dt.date) -> ImportedModel | None:
    primary = primary_offering(group)
    maker_offering = primary if primary is not None and primary.provider == group.maker else None
    layers = [catalog_facts or {}]
    if maker_offering is not None:
        layers.append(maker_offering.model)
    if primary is not None and primary is not maker_offering and catalog_facts is None:
        layers.append(primary.model)
    facts = _merge(layers)
    facts["maker"] = group.maker
    facts.setdefault("name", group.id)
    if maker_offering is not None and maker_offering.model.get("pricing"):
        facts["pricing"] = maker_offering.model["pricing"]
    else:
        facts.pop("pricing", None)
    _status(facts, group, maker_offering, date)
    problem = _missing(facts)
    if problem:
        result.skip(f"model {origin}", problem)
        for offering in group.offerings:
            result.skip(f"offering {offering.label} (model {group.id})", f"its model was skipped: {problem}")
        return None
    return ImportedModel(group.id, group.maker, facts, _offerings(group.offerings), origin,
                         authoritative=catalog_facts is not None or maker_offering is not None,
                         catalog=catalog_facts is not None)


def _merge(layers: list[dict]) -> dict:
    facts: dict = {}
    for layer in layers:
        for key, value in layer.items():
            if key in FACT_SECTIONS and isinstance(value, dict):
                section = facts.setdefault(key, {})
                for sub_key, sub_value in value.items():
                    if sub_key not in section or (key == "modalities" and not section[sub_key]):
                        section[sub_key] = sub_value
            elif key not in facts:
                facts[key] = value
    modalities = facts.get("modalities", {})
    facts["modalities"] = {k: v for k, v in modalities.items() if v}
    limits = facts.get("limits", {})
    for key in ("max_input", "max_output"):
        if key in limits and limits[key] > limits.get("context", 0):
            del limits[key]
    return facts


def _status(facts: dict, group: Group, maker_offering: ImportedOffering | None, date: dt.date) -> None:
    statuses = [o.status for o in group.offerings]
    if maker_offering is not None:
        status, retired = maker_offering.status, maker_offering.retired
    elif statuses and all(s == "deprecated" for s in statuses):
        status, retired = "deprecated", max((o.retired for o in group.offerings if o.retired), default=None)
    else:
        status, retired = None, None
    if status is None and "preview" in group.id.split("-"):
        status = "preview"
    if status:
        facts["status"] = status
    if status == "deprecated":
        facts["retired"] = retired or date


def _missing(facts: dict) -> str | None:
    if not facts.get("limits", {}).get("context"):
        return "no context window (limit.context is 0 or missing)"
    modalities = facts.get("modalities", {})
    if not modalities.get("input") or not modalities.get("output"):
        return "no input or output modality we list (text, image, audio, video, pdf)"
    if not isinstance(facts.get("open_weights"), bool):
        return "open_weights is not given"
    return None


def _offerings(offerings: list[ImportedOffering]) -> list[ImportedOffering]:
    seen: set[tuple[str, str]] = set()
    unique = []
    for offering in offerings:
        if offering.key not in seen:
            seen.add(offering.key)
            unique.append(offering)
    return unique


def unique_names(models: list[ImportedModel]) -> None:
    """Two models of one maker may not share a name (validation refuses it): add the id to the later one."""
    seen: set[tuple[str, str]] = set()
    for model in models:
        key = (model.maker, model.facts["name"].casefold())
        if key in seen:
            model.facts["name"] = f"{model.facts['name']} ({model.id})"[:80]
            key = (model.maker, model.facts["name"].casefold())
        seen.add(key)
