"""models.dev: `catalog.json` ({"models": ..., "providers": ...}) or `api.json` (providers only).

Each provider's model entry is an offering. With `catalog.json`, the `models`
section says which models exist, and offerings are linked to them; with
`api.json`, models are grouped from the offerings themselves (`grouping.py`).
Prices are already USD per million tokens.

Status: `deprecated` -> deprecated, `alpha`/`beta` -> preview. models.dev gives
no retirement date, so a deprecated model's `retired` is the import date (the
first import that saw it deprecated); an editor may correct it, and a sync
never overwrites it.

A provider that lists every model at $0 (GitHub Models, Meta's Llama API) is a
free or unpriced service, not a $0 per-token price: its offerings get no price.
"""

from __future__ import annotations

import datetime as dt

from . import facts as f
from .assemble import assemble, unique_names
from .grouping import Group, build_groups
from .ids import clean_name, maker_id, not_a_model, parse_id, provider_id, slugify
from .providers import KNOWN_MAKERS, from_models_dev
from .records import ImportedOffering, ImportResult

SOURCE = {"name": "models.dev catalog", "url": "https://models.dev"}

# Providers that make the models they serve: an id without an organisation
# ("o4-mini" at openai) is that provider's own model.
FIRST_PARTY = {"openai", "anthropic", "google", "mistral", "cohere", "deepseek", "xai", "moonshotai", "zai",
               "alibaba", "perplexity", "meta", "minimax", "xiaomi", "nvidia", "ai21", "amazon"}
STATUSES = {"deprecated": "deprecated", "beta": "preview", "alpha": "preview", "preview": "preview"}


class FormatError(ValueError):
    """The file is not in a shape this importer reads."""


def parse(data, date: dt.date, known_providers: set[str] = frozenset()) -> ImportResult:
    """`known_providers`: provider ids that already have a record in content/."""
    providers_data, models_data = _shape(data)
    result = ImportResult("models.dev", "models-dev")
    offerings: list[ImportedOffering] = []
    for upstream_id, entry in providers_data.items():
        offerings += _provider(upstream_id, entry, result, date)
    result.offerings_read = len(offerings) + sum(1 for s in result.skipped if s.what.startswith("offering"))
    first_party = set(FIRST_PARTY)
    entries = None
    if models_data is not None:
        entries = _catalog_entries(models_data, result)
        first_party |= {g.maker for g in entries} & result.upstream_providers
    known = set(KNOWN_MAKERS) | set(result.providers) | set(known_providers)
    grouping = build_groups(entries, offerings, first_party, known)
    result.notes += grouping.notes
    for offering, reason in grouping.unlinked:
        maker = f" (maker {offering.parsed.org})" if offering.parsed.org else ""
        result.skip(f"offering {offering.label}{maker}", reason)
    for group, reason in grouping.dropped:
        result.skip(f"model {group.key or group.id}", reason)
        for offering in group.offerings:
            result.skip(f"offering {offering.label}", reason)
    for group in grouping.groups:
        catalog_facts = _catalog_facts(group.entry, result) if group.entry is not None else None
        origin = f"models.dev {group.key or group.id}"
        model = assemble(group, catalog_facts, origin, result, date)
        if model is not None:
            result.models.append(model)
    unique_names(result.models)
    return result


def _shape(data) -> tuple[dict, dict | None]:
    if not isinstance(data, dict):
        raise FormatError("expected a JSON object: models.dev catalog.json or api.json")
    if isinstance(data.get("providers"), dict):
        models = data.get("models")
        return data["providers"], models if isinstance(models, dict) else None
    if data and all(isinstance(v, dict) and isinstance(v.get("models"), dict) for v in data.values()):
        return data, None  # api.json: the providers map itself
    raise FormatError("no 'providers' map: is this models.dev catalog.json or api.json?")


def _provider(upstream_id: str, entry, result: ImportResult, date: dt.date) -> list[ImportedOffering]:
    our_id = provider_id(str(upstream_id))
    models = entry.get("models") if isinstance(entry, dict) else None
    if our_id is None or not isinstance(models, dict):
        result.skip(f"provider {upstream_id}", "not a provider entry with a models map")
        return []
    result.upstream_providers.add(our_id)
    record = from_models_dev(entry)
    if record:
        result.providers[our_id] = record
    unpriced = _unpriced(models)
    if unpriced:
        result.notes.append(f"{our_id} lists every model at $0: read as 'no per-token price', not as free")
    offerings = []
    for key, model in models.items():
        model_id = model.get("id") if isinstance(model, dict) and isinstance(model.get("id"), str) else key
        result.upstream_offerings.add((our_id, str(model_id).strip()))
        offering = _offering(our_id, key, model, unpriced)
        if isinstance(offering, str):
            result.skip(f"offering {our_id} {key}", offering)
        else:
            offerings.append(offering)
    return offerings


def _unpriced(models: dict) -> bool:
    costs = [m.get("cost") for m in models.values() if isinstance(m, dict) and isinstance(m.get("cost"), dict)]
    return len(costs) >= 3 and all(f.price(c.get("input")) == 0 and f.price(c.get("output")) == 0 for c in costs)


def _offering(provider: str, key: str, entry, unpriced: bool) -> ImportedOffering | str:
    """One provider's entry for one model; a string says why it cannot be used."""
    if not isinstance(entry, dict):
        return "entry is not an object"
    model_id = entry.get("id") if isinstance(entry.get("id"), str) and entry["id"].strip() else key
    if not isinstance(model_id, str) or not model_id.strip() or len(model_id) > 200:
        return "no usable model id"
    model_id = model_id.strip()
    parsed = parse_id(model_id)
    reason = not_a_model(model_id, parsed)
    if reason:
        return reason
    model = _entry_facts(entry)
    pricing, _ = f.pricing(entry.get("cost"))
    if pricing and not unpriced:
        model["pricing"] = pricing
    fields: dict = {"model_id": model_id}
    if pricing and not unpriced:
        fields.update({k: pricing[k] for k in ("input", "output", "cached_input") if k in pricing})
    limits = model.get("limits", {})
    fields.update({k: limits[k] for k in ("context", "max_output") if k in limits})
    if "released" in model:
        fields["released"] = model["released"]
    if model.get("modalities", {}).get("input"):
        fields["input_modalities"] = model["modalities"]["input"]
    status = STATUSES.get(str(entry.get("status") or "").lower())
    return ImportedOffering(provider, parsed, fields, model, status)


def _entry_facts(entry: dict) -> dict:
    """Facts any models.dev entry (a model, or a provider's model) gives."""
    facts: dict = {}
    name = f.text(entry.get("name"))
    for key, value in (("name", clean_name(name) if name else None), ("family", f.text(entry.get("family"))),
                       ("license", f.text(entry.get("license"))), ("open_weights", f.flag(entry.get("open_weights")))):
        if value is not None:
            facts[key] = value
    facts.update(f.dates(entry))
    limits = f.limits(entry.get("limit"))
    if limits:
        facts["limits"] = limits
    raw = entry.get("modalities") if isinstance(entry.get("modalities"), dict) else {}
    inputs, outputs = f.modalities(raw.get("input")), f.modalities(raw.get("output"))
    facts["modalities"] = {"input": inputs, "output": outputs}
    capabilities = f.capabilities(entry, inputs, outputs, entry.get("cost"))
    if capabilities:
        facts["capabilities"] = capabilities
    return facts


def _catalog_entries(models: dict, result: ImportResult) -> list[Group]:
    entries = []
    for key, entry in models.items():
        result.catalog_models_read += 1
        prefix, _, name = str(key).rpartition("/")
        maker = maker_id(prefix) if prefix else None
        slug = slugify(name)
        if not isinstance(entry, dict):
            result.skip(f"model {key}", "entry is not an object")
        elif maker is None:
            result.skip(f"model {key}", "its key names no maker (expected maker/model)")
        elif slug is None:
            result.skip(f"model {key}", "its id cannot be made a slug")
        else:
            entries.append(Group(slug, maker, entry, str(key)))
    return entries


def _catalog_facts(entry: dict, result: ImportResult) -> dict:
    facts = _entry_facts(entry)
    benchmarks, unsourced = f.benchmarks(entry.get("benchmarks"))
    if benchmarks:
        facts["benchmarks"] = benchmarks
    if unsourced:
        result.notes.append(f"{entry.get('id', '?')}: {unsourced} benchmark(s) without a source left out")
    facts["sources"] = f.sources(entry.get("links")) + [dict(SOURCE)]
    return facts
