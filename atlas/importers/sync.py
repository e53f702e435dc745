"""Sync: an import applied to content/, as field-level edits that keep every editor's choice.

What the sync may change in an existing model record, and nothing else:

* the facts in `SYNCED` (status, dates, prices, limits, modalities, capability
  flags), when the source speaks for the model (its catalog entry or the maker's
  own offering); other sources (a gateway's listing) only fill facts the record
  lacks;
* benchmarks: adds new ones, updates one only when it cites the same source;
* offerings: updates each provider's figures, adds offerings it does not have;
  an offering upstream no longer lists is reported and kept;
* `last_verified`, set to the import date when anything else changed.

Name, tagline, description, strengths, tradeoffs, best_for, works_with,
alternatives, faq, sources, deployment, speed, ratings and price history are the
editors': written once for a new record, never touched again. A value upstream
does not give is never erased, a path listed under `pinned:` is never written
(the report says what upstream would have set), and comments survive (ruamel.yaml
round-trip). A record with no change is not written at all, so a re-import of
unchanged data leaves every file byte for byte as it was.

Which record an imported model updates is `matching.py`'s job.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from pathlib import Path

import yaml
from pydantic import ValidationError
from ruamel.yaml.comments import CommentedMap

from ..schema import ModelRecord, ProviderRecord
from . import yamlio
from .matching import Existing, load_models, round_trip, route_offerings, targets_for
from .pins import Pins
from .placeholders import description, is_placeholder, tagline
from .providers import fallback
from .records import ImportedModel, ImportedOffering, ImportResult
from .report import FileReport, SyncReport
from .values import as_list, dig, first_error, put, record_problems, same, show

# UPDATE: the source's value replaces the record's. FILL: written only where the record
# has none. SETTLED: like FILL, and a different upstream value is reported, not written
# (a release date does not change: a disagreement is an error on one side, for an editor).
UPDATE, FILL, SETTLED = "update", "fill", "settled"
SYNCED: tuple[tuple[tuple[str, ...], str], ...] = (
    (("family",), UPDATE), (("status",), UPDATE), (("released",), SETTLED), (("knowledge_cutoff",), SETTLED),
    (("retired",), FILL), (("license",), UPDATE), (("open_weights",), UPDATE),
    *((("pricing", k), UPDATE) for k in ("input", "output", "cached_input", "cache_write", "tiers")),
    *((("limits", k), UPDATE) for k in ("context", "max_input", "max_output")),
    *((("modalities", k), UPDATE) for k in ("input", "output")),
    *((("capabilities", k), UPDATE) for k in ("tool_calling", "structured_output", "prompt_caching", "reasoning",
                                              "reasoning_efforts", "vision", "audio_input", "audio_output")),
)
OFFERING_FIELDS = ("input", "output", "cached_input", "context", "max_output", "released", "input_modalities")
SETTLED_OFFERING_FIELDS = ("released",)  # written only where missing
BENCHMARK_FIELDS = ("score", "unit", "date")
NEW_RECORD_KEYS = ("name", "maker", "family", "status", "released", "knowledge_cutoff", "retired", "license",
                   "open_weights", "pricing", "limits", "modalities", "capabilities", "benchmarks", "sources")


def sync(result: ImportResult, content_dir: Path, date: dt.date) -> SyncReport:
    """Work out every edit; nothing is written here (see `write`)."""
    report = SyncReport()
    models_dir = content_dir / "models"
    existing, unreadable = load_models(models_dir, report)
    providers = _provider_names(content_dir / "providers")
    targets, fill_only = targets_for(result.models, existing, unreadable, report)
    routed = route_offerings(result.models, targets, existing)
    upstream_keys = {o.key for m in result.models for o in m.offerings} | result.upstream_offerings
    needed: dict[str, list[str]] = {}  # provider ids the written records name -> links, for a guess
    leaders = {record_id: leader for record_id, leader in targets.values()}
    for record_id in [*leaders, *sorted(set(routed) - set(leaders))]:
        model, offerings = leaders.get(record_id), routed.get(record_id, [])
        if record_id in existing:
            report.matched += 1
            authoritative = model is not None and model.authoritative and model.id not in fill_only
            args = (model, authoritative, offerings, result, upstream_keys, providers, date)
            record = existing[record_id]
            _update(record, *args)
            if record.changed:  # again, on the comment-keeping read of the file
                round_trip(record, report)
                if record.doc is not None:
                    _update(record, *args)
        elif model is not None:
            path = models_dir / f"{record_id}.yaml"
            _create(path, record_id, model, offerings, result, providers, needed, date, report)
    for record in existing.values():
        if record.changed and record.doc is not None:
            _finish_existing(record, report, needed)
        elif record.report.held or record.report.notes:
            report.unchanged.append(record.report)
    missing = {p: links for p, links in needed.items() if p not in providers}
    _create_providers(content_dir / "providers", missing, result, report, date)
    return report


def write(report: SyncReport) -> None:
    for path, text in report.files.items():
        yamlio.write_atomic(path, text)


# --- existing records ---------------------------------------------------------------


def _update(record: Existing, model: ImportedModel | None, authoritative: bool, offerings: list[ImportedOffering],
            result: ImportResult, upstream_keys: set, providers: dict[str, str], date: dt.date) -> None:
    """Facts from `model` (None: only offerings an editor placed here), then offerings.
    `authoritative`: the model's facts replace the record's; else they only fill gaps."""
    doc, pins, lines = record.doc, Pins(as_list(record.doc.get("pinned"))), record.report.lines
    record.report.origin = model.origin if model else ""
    for path, mode in SYNCED if model else ():
        new = dig(model.facts, path)
        if new is None or (path == ("retired",) and doc.get("status") != "deprecated"):
            continue
        old = dig(doc, path)
        if same(old, new):
            continue
        if old is not None and (mode != UPDATE or not authoritative):
            if mode == SETTLED and authoritative:
                record.report.notes.append(f"{'.'.join(path)}: kept {show(old)}; {result.source} says {show(new)}")
            continue
        if pins.covers(path):
            record.report.held.append(f"{'.'.join(path)}: pinned at {show(old)} (upstream: {show(new)})")
            continue
        put(doc, path, new)
        lines.append(f"{'.'.join(path)}: {show(old)} → {show(new)}")
    if model and authoritative:
        _merge_benchmarks(doc, model.facts.get("benchmarks") or [], pins, record.report)
    _merge_offerings(doc, offerings, pins, record.report)
    _stale_offerings(doc, result, upstream_keys, record.report)
    if lines:
        record.changed = True
        _refresh_placeholders(record, providers, result, date, pins)
        if pins.covers(("last_verified",)):
            record.report.held.append("last_verified: pinned")
        elif not same(doc.get("last_verified"), date):
            yamlio.set_key(doc, "last_verified", date, yamlio.order_of(()))


def _refresh_placeholders(record: Existing, providers: dict[str, str], result: ImportResult, date: dt.date,
                          pins: Pins) -> None:
    """Generated tagline and description no editor has touched follow the facts they state."""
    data = yamlio.plain(record.doc)
    if not is_placeholder(data) or pins.covers(("tagline",)) or pins.covers(("description",)):
        return
    try:
        facts = ModelRecord.model_validate(data).model_dump()
    except ValidationError:
        return
    maker_name = providers.get(facts["maker"], facts["maker"])
    for key, text in (("tagline", tagline(facts, maker_name)),
                      ("description", description(facts, maker_name, result.source, date, len(facts["offerings"])))):
        if text != data[key]:
            record.doc[key] = text
            record.report.lines.append(f"{key}: generated placeholder refreshed")


def _merge_benchmarks(doc: CommentedMap, benchmarks: list[dict], pins: Pins, file_report: FileReport) -> None:
    if not benchmarks:
        return
    if pins.covers(("benchmarks",)):
        current = {str(b.get("name")).casefold() for b in as_list(doc.get("benchmarks")) if isinstance(b, dict)}
        new = [b["name"] for b in benchmarks if b["name"].casefold() not in current]
        if new:
            file_report.held.append(f"benchmarks: pinned ({len(new)} new upstream left out)")
        return
    items = doc.get("benchmarks")
    if not isinstance(items, list):
        items = yamlio.node([], ("benchmarks",))
        yamlio.set_key(doc, "benchmarks", items, yamlio.order_of(()))
    by_name = {str(b.get("name")).casefold(): b for b in items if isinstance(b, dict)}
    per_source = Counter((_base_name(b["name"]), b["source"]) for b in benchmarks)
    for benchmark in benchmarks:
        item = by_name.get(benchmark["name"].casefold())
        if item is None and per_source[(_base_name(benchmark["name"]), benchmark["source"])] == 1:
            # The editor's own name for the same measurement: "SWE-Bench Pro (public set)"
            item = next((b for b in items if isinstance(b, dict) and str(b.get("source")) == benchmark["source"]
                         and _base_name(str(b.get("name"))) == _base_name(benchmark["name"])), None)
        if item is None:
            items.append(yamlio.node(benchmark, ("benchmarks",)))
            file_report.lines.append(f"+ benchmark {benchmark['name']}: {show(benchmark['score'])}")
            continue
        if str(item.get("source")) != benchmark["source"]:
            continue  # the editor's figure, from another source: theirs to keep
        for key in BENCHMARK_FIELDS:
            if key in benchmark and not same(item.get(key), benchmark[key]):
                file_report.lines.append(f"benchmarks[{benchmark['name']}].{key}: "
                                         f"{show(item.get(key))} → {show(benchmark[key])}")
                yamlio.set_key(item, key, benchmark[key], yamlio.order_of(("benchmarks",)))


def _base_name(name: str) -> str:
    """A benchmark's name without its qualifiers: SWE-Bench Pro (public) -> swe-bench pro."""
    return name.split(" (")[0].strip().casefold()


def _merge_offerings(doc: CommentedMap, offerings: list[ImportedOffering], pins: Pins,
                     file_report: FileReport) -> None:
    if not offerings:
        return
    items = doc.get("offerings")
    if items is None:
        items = yamlio.node([], ("offerings",))
        yamlio.set_key(doc, "offerings", items, yamlio.order_of(()))
    if not isinstance(items, list):
        file_report.notes.append("offerings is not a list: left as it is")
        return
    by_key = {(str(o.get("provider")), str(o.get("model_id"))): o for o in items if isinstance(o, dict)}
    order = yamlio.order_of(("offerings",))
    for offering in offerings:
        item = by_key.get(offering.key)
        if item is None:
            if pins.covers(("offerings", offering.provider)):
                file_report.held.append(f"offerings: pinned, new offering {offering.label} left out")
                continue
            items.append(yamlio.node({"provider": offering.provider, **offering.fields}, ("offerings",)))
            file_report.lines.append(f"+ offering {offering.label}")
            continue
        for key in OFFERING_FIELDS:
            new, old = offering.fields.get(key), item.get(key)
            if new is None or same(old, new) or (key in SETTLED_OFFERING_FIELDS and old is not None):
                continue
            path = ("offerings", offering.provider, key)
            if pins.covers(path):
                file_report.held.append(f"offerings.{offering.provider}.{key}: pinned at {show(old)} "
                                        f"(upstream: {show(new)})")
                continue
            yamlio.set_key(item, key, yamlio.node(new, ("offerings",), like=old), order)
            file_report.lines.append(f"offerings[{offering.label}].{key}: {show(old)} → {show(new)}")


def _stale_offerings(doc: CommentedMap, result: ImportResult, upstream_keys: set, file_report: FileReport) -> None:
    for item in as_list(doc.get("offerings")):
        if not isinstance(item, dict):
            continue
        key = (str(item.get("provider")), str(item.get("model_id")))
        if key[0] in result.upstream_providers and key not in upstream_keys:
            file_report.notes.append(f"offering {key[0]} {key[1]} is no longer in {result.source}'s data: kept")


def _finish_existing(record: Existing, report: SyncReport, needed: dict[str, list[str]]) -> None:
    text = yamlio.dump(record.doc)
    problems = record_problems(record.doc)
    if problems and not record_problems(yamlio.load(record.text)):  # the sync would break a valid record
        report.not_written.append((record.report.path, f"the update would not validate: {problems[0]}"))
        return
    if text != record.text:
        report.files[record.path] = text
        report.changed.append(record.report)
        for item in as_list(record.doc.get("offerings")):
            if isinstance(item, dict) and isinstance(item.get("provider"), str):
                needed.setdefault(item["provider"], [])
        lines = record.report.lines
        report.offerings_added += sum(line.startswith("+ offering ") for line in lines)
        report.offerings_updated += len({line.split("]")[0] for line in lines if line.startswith("offerings[")})


# --- new records ------------------------------------------------------------------


def _create(path: Path, record_id: str, model: ImportedModel, offerings: list[ImportedOffering],
            result: ImportResult, providers: dict[str, str], needed: dict[str, list[str]], date: dt.date,
            report: SyncReport) -> None:
    facts = model.facts
    links = [s["url"] for s in facts.get("sources", []) if isinstance(s, dict)]
    maker_name = providers.get(model.maker) or _provider_record(model.maker, result, links)[0]["name"]
    record = {key: facts[key] for key in NEW_RECORD_KEYS if facts.get(key) not in (None, {}, [])}
    record["tagline"] = tagline(facts, maker_name)
    record["description"] = description(facts, maker_name, result.source, date, len(offerings))
    record["last_verified"] = date
    ordered = sorted(offerings, key=lambda o: (o.provider != model.maker, o.provider, o.fields["model_id"]))
    record["offerings"] = [{"provider": o.provider, **o.fields} for o in ordered]
    comments = [f"Imported from {model.origin} on {date.isoformat()} by `build.py import {result.command}`.",
                "tagline and description are generated placeholders: an editor replaces them."]
    doc = yamlio.new_document(record, (), "model", comments)
    display = f"models/{path.name}"
    problems = record_problems(doc)
    if problems:
        report.not_written.append((display, f"would not validate: {problems[0]}"))
        return
    report.files[path] = yamlio.dump(doc)
    report.offerings_added += len(offerings)
    report.added.append(FileReport(display, model.origin, [f"{len(offerings)} offering(s)"]))
    if not needed.get(model.maker):
        needed[model.maker] = links
    for offering in offerings:
        needed.setdefault(offering.provider, [])


def _create_providers(folder: Path, needed: dict[str, list[str]], result: ImportResult, report: SyncReport,
                      date: dt.date) -> None:
    """A record for each provider the written models name and content/providers/ lacks."""
    for provider_id in sorted(needed):
        record, guessed = _provider_record(provider_id, result, needed[provider_id])
        comments = [f"Created by `build.py import {result.command}` on {date.isoformat()}: add a description."]
        if guessed:
            comments.append("The website is a guess from the data: check it.")
        display = f"providers/{provider_id}.yaml"
        try:
            ProviderRecord.model_validate(record)
        except ValidationError as error:
            report.not_written.append((display, f"would not validate: {first_error(error)}"))
            continue
        report.files[folder / f"{provider_id}.yaml"] = yamlio.dump(
            yamlio.new_document(record, ("provider",), "provider", comments))
        report.providers_added.append(FileReport(display, result.source, notes=comments[1:]))


def _provider_record(provider_id: str, result: ImportResult, links: list[str]) -> tuple[dict, bool]:
    if provider_id in result.providers:
        return result.providers[provider_id], False
    return fallback(provider_id, links)


def _provider_names(folder: Path) -> dict[str, str]:
    names = {}
    for path in sorted(folder.glob("*.yaml")) if folder.is_dir() else []:
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
        except (yaml.YAMLError, OSError, UnicodeDecodeError):
            data = None
        names[path.stem] = str(data.get("name") or path.stem) if isinstance(data, dict) else path.stem
    return names


