"""OpenRouter: the models API (`GET /api/v1/models`, {"data": [...]}).

Every entry is one offering of the provider `openrouter`; entries of one model
(`openai/gpt-4o`, `openai/gpt-4o-2024-11-20`, `...:free`) group into one record
(`grouping.py`). Prices are USD per token, as strings: x 1,000,000.

OpenRouter is a gateway, not the maker, so its listing never overrides a
record's facts: it fills what a record lacks, and a new record it creates has no
`pricing` (the maker's list price), only the OpenRouter offering with its price.
`supported_parameters` is the full list of what a model accepts there: `tools`
means tool calling, `response_format`/`structured_outputs` structured output,
`reasoning`/`include_reasoning` a reasoning model; one missing means "no".
"""

from __future__ import annotations

import datetime as dt

from . import facts as f
from .assemble import assemble, unique_names
from .grouping import build_groups, primary_offering
from .ids import clean_name, full_date, not_a_model, parse_id, partial_date
from .providers import KNOWN_MAKERS
from .records import ImportedOffering, ImportResult

PROVIDER = "openrouter"
PROVIDER_RECORD = {"name": "OpenRouter", "website": "https://openrouter.ai", "docs_url": "https://openrouter.ai/models",
                   "api_base_url": "https://openrouter.ai/api/v1", "api_key_env": "OPENROUTER_API_KEY"}


class FormatError(ValueError):
    """The file is not in a shape this importer reads."""


def parse(data, date: dt.date, known_providers: set[str] = frozenset()) -> ImportResult:
    if not isinstance(data, dict) or not isinstance(data.get("data"), list):
        raise FormatError("expected the OpenRouter models API shape: {\"data\": [...]}")
    result = ImportResult("OpenRouter", "openrouter")
    result.providers[PROVIDER] = dict(PROVIDER_RECORD)
    result.upstream_providers.add(PROVIDER)
    offerings = []
    for index, entry in enumerate(data["data"]):
        result.offerings_read += 1
        model_id = entry.get("id") if isinstance(entry, dict) else None
        if not isinstance(model_id, str) or not model_id.strip() or len(model_id) > 200:
            result.skip(f"offering {PROVIDER} #{index}", "no usable model id")
            continue
        result.upstream_offerings.add((PROVIDER, model_id.strip()))
        offering = _offering(entry, model_id.strip())
        if isinstance(offering, str):
            result.skip(f"offering {PROVIDER} {model_id}", offering)
        else:
            offerings.append(offering)
    grouping = build_groups(None, offerings, set(), set(KNOWN_MAKERS) | set(known_providers))
    for offering, reason in grouping.unlinked:
        maker = f" (maker {offering.parsed.org})" if offering.parsed.org else ""
        result.skip(f"offering {offering.label}{maker}", reason)
    for group, reason in grouping.dropped:
        result.skip(f"model {group.id}", reason)
    for group in grouping.groups:
        primary = primary_offering(group)
        model = assemble(group, None, f"OpenRouter {primary.fields['model_id']}", result, date)
        if model is not None:
            result.models.append(model)
    unique_names(result.models)
    return result


def _offering(entry: dict, model_id: str) -> ImportedOffering | str:
    parsed = parse_id(model_id)
    reason = not_a_model(model_id, parsed)
    if reason:
        return reason
    pricing = entry.get("pricing") if isinstance(entry.get("pricing"), dict) else {}
    fields: dict = {"model_id": model_id}
    prompt, completion = f.price_per_token(pricing.get("prompt")), f.price_per_token(pricing.get("completion"))
    if prompt is not None and completion is not None:
        fields.update(input=prompt, output=completion)
        cached = f.price_per_token(pricing.get("input_cache_read"))
        if cached is not None and cached <= prompt:
            fields["cached_input"] = cached
    top = entry.get("top_provider") if isinstance(entry.get("top_provider"), dict) else {}
    limits = f.limits({"context": entry.get("context_length") or top.get("context_length"),
                       "output": top.get("max_completion_tokens")})
    fields.update({k: limits[k] for k in ("context", "max_output") if k in limits})
    listed = _listed_on(entry.get("created"))
    if listed:
        fields["released"] = listed
    architecture = entry.get("architecture") if isinstance(entry.get("architecture"), dict) else {}
    inputs = f.modalities(architecture.get("input_modalities"))
    outputs = f.modalities(architecture.get("output_modalities"))
    if inputs:
        fields["input_modalities"] = inputs
    model = _model_facts(entry, model_id, limits, inputs, outputs, listed, "cached_input" in fields)
    expires = full_date(entry.get("expiration_date"))
    return ImportedOffering(PROVIDER, parsed, fields, model, "deprecated" if expires else None, expires)


def _model_facts(entry: dict, model_id: str, limits: dict, inputs: list[str], outputs: list[str],
                 listed: dt.date | None, cached: bool) -> dict:
    name = f.text(entry.get("name"))
    facts: dict = {"name": clean_name(name)[:80] if name else model_id,
                   "open_weights": bool(str(entry.get("hugging_face_id") or "").strip()),
                   "limits": limits, "modalities": {"input": inputs, "output": outputs}}
    snapshot = parse_id(str(entry.get("canonical_slug") or "")).snapshot
    released = full_date(snapshot) or listed
    if released:
        facts["released"] = released
    knowledge = partial_date(entry.get("knowledge_cutoff"))
    if knowledge:
        facts["knowledge_cutoff"] = knowledge
    listed_parameters = entry.get("supported_parameters")
    parameters = {p for p in listed_parameters if isinstance(p, str)} if isinstance(listed_parameters, list) else set()
    capabilities = {
        "tool_calling": "tools" in parameters,
        "structured_output": bool(parameters & {"response_format", "structured_outputs"}),
        "reasoning": bool(parameters & {"reasoning", "include_reasoning"}),
    }
    if cached:
        capabilities["prompt_caching"] = True
    if inputs:
        capabilities.update(vision="image" in inputs, audio_input="audio" in inputs)
    if outputs:
        capabilities["audio_output"] = "audio" in outputs
    facts["capabilities"] = capabilities
    facts["sources"] = [{"name": f"OpenRouter — {facts['name']}"[:120], "url": f"https://openrouter.ai/{model_id}"}]
    return facts


def _listed_on(created) -> dt.date | None:
    if isinstance(created, bool) or not isinstance(created, (int, float)) or created <= 0:
        return None
    try:
        return dt.datetime.fromtimestamp(created, dt.timezone.utc).date()
    except (OverflowError, OSError, ValueError):
        return None
