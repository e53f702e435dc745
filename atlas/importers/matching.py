"""Matching: which existing record each imported model and offering lands in.

An imported model updates the record with its id (same maker), else the one that
already lists one of its offerings (an editor's grouping wins), else the one with
its maker and name; otherwise it is new. An offering an editor put in a record
stays there; a dated snapshot with a record of its own goes to that record.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from ..load import _ContentLoader as ContentLoader
from . import yamlio
from .records import ImportedModel, ImportedOffering
from .report import FileReport, SyncReport
from .values import as_list


@dataclass
class Existing:
    """A record as it is: its text, and a quick read of it (PyYAML's C parser) for matching
    and for working out whether the sync changes it. Only a record that changes is read
    again with ruamel.yaml (slow, but it keeps comments), and edited and written."""

    id: str
    path: Path
    text: str
    doc: Any  # the quick read, as ruamel containers without comments; the round-trip one once changed
    maker: str | None
    name: str | None
    report: FileReport
    changed: bool = False

    @property
    def offering_keys(self) -> list[tuple[str, str]]:
        items = self.doc.get("offerings") if isinstance(self.doc, dict) else None
        return [(str(o.get("provider")), str(o.get("model_id"))) for o in as_list(items) if isinstance(o, dict)]


def load_models(folder: Path, report: SyncReport) -> tuple[dict[str, Existing], set[str]]:
    existing: dict[str, Existing] = {}
    unreadable: set[str] = set()
    for path in sorted(folder.glob("*.yaml")) if folder.is_dir() else []:
        display = f"models/{path.name}"
        try:
            text = path.read_text(encoding="utf-8")
            data = yaml.load(text, Loader=ContentLoader)  # noqa: S506 - a safe loader
        except Exception as error:  # a broken file is the editor's to fix; never overwrite it
            unreadable.add(path.stem)
            report.not_written.append((display, f"cannot be read ({type(error).__name__}); left as it is"))
            continue
        if not isinstance(data, dict):
            unreadable.add(path.stem)
            report.not_written.append((display, "is not a mapping of keys; left as it is"))
            continue
        doc = yamlio.containers(data)
        existing[path.stem] = Existing(path.stem, path, text, doc, _text(doc.get("maker")), _text(doc.get("name")),
                                        FileReport(display))
    return existing, unreadable


def round_trip(record: Existing, report: SyncReport) -> None:
    """Swap the quick read for ruamel.yaml's, to edit the file with its comments."""
    record.report = FileReport(record.report.path)
    try:
        record.doc = yamlio.load(record.text)
    except Exception as error:
        record.doc = None
        report.not_written.append((record.report.path, f"cannot be read for editing ({type(error).__name__})"))


def _text(value) -> str | None:
    return str(value) if isinstance(value, str) else None


def targets_for(models: list[ImportedModel], existing: dict[str, Existing], unreadable: set[str],
             report: SyncReport) -> tuple[dict[str, tuple[str, ImportedModel]], set[str]]:
    """Imported model id -> (record id, the imported model whose facts that record takes);
    and the models whose facts may only fill gaps in their record."""
    owners = {key: record.id for record in existing.values() for key in record.offering_keys}
    by_name = {(r.maker, r.name.casefold()): r.id for r in existing.values() if r.maker and r.name}
    chosen: dict[str, str] = {}
    fill_only: set[str] = set()
    for model in models:
        record_id, how = _match(model, existing, owners, by_name)
        if how == "offering" and not model.catalog:
            # Found only through an offering an editor placed, and known only from
            # offerings: its figures are one provider's, not the model's. Fill gaps only.
            fill_only.add(model.id)
        if record_id in unreadable or (record_id is None and model.id in unreadable):
            report.skipped_models.append((model.id, f"models/{record_id or model.id}.yaml cannot be read"))
            continue
        if record_id is None and model.id in existing:
            report.skipped_models.append(
                (model.id, f"models/{model.id}.yaml is another maker's model ({existing[model.id].maker})"))
            continue
        chosen[model.id] = record_id or model.id
    # Several imported models may land in one record (an editor grouped them): the one
    # with the record's id, else the first that speaks for its model, gives the facts.
    leaders: dict[str, ImportedModel] = {}
    for model in sorted((m for m in models if m.id in chosen),
                        key=lambda m: (not m.authoritative or m.id in fill_only, chosen[m.id] != m.id)):
        leaders.setdefault(chosen[model.id], model)
    return {model_id: (record_id, leaders[record_id]) for model_id, record_id in chosen.items()}, fill_only


def _match(model: ImportedModel, existing: dict[str, Existing], owners: dict,
           by_name: dict) -> tuple[str | None, str]:
    """The record an imported model updates, and how it was found: id, offering or name."""
    record = existing.get(model.id)
    if record is not None:
        return (record.id if record.maker == model.maker else None), "id"
    owned = Counter(owners[o.key] for o in model.offerings if o.key in owners)
    for record_id, _ in owned.most_common():
        if existing[record_id].maker == model.maker:
            return record_id, "offering"
    return by_name.get((model.maker, model.facts["name"].casefold())), "name"


def route_offerings(models: list[ImportedModel], targets: dict, existing: dict[str, Existing]) -> dict:
    """Record id -> the offerings it gets: where an editor put them, else in the record with
    the offering's own id (a dated snapshot with a record of its own), else with their model."""
    owners = {key: record.id for record in existing.values() for key in record.offering_keys}
    routed: dict[str, list[ImportedOffering]] = {}
    seen: set[tuple[str, str]] = set()
    for model in models:
        if model.id not in targets:
            continue
        for offering in model.offerings:
            if offering.key in seen:
                continue
            seen.add(offering.key)
            own = existing.get(offering.parsed.slug or "")
            own_id = own.id if own is not None and own.maker == model.maker else None
            routed.setdefault(owners.get(offering.key) or own_id or targets[model.id][0], []).append(offering)
    return routed
