"""Upstream values checked and converted into our schema's fields, one helper per kind.

Every helper returns None (or leaves a key out) for a value it cannot trust: a
negative or absurd price, a zero context window, a date that is not a date. The
sync reads "left out" as "the source does not say" and keeps what the record has.
"""

from __future__ import annotations

import math
import re
from decimal import Decimal, InvalidOperation

from ..schema import MAX_PRICE_PER_MILLION
from .ids import full_date, partial_date, url

MODALITIES = ("text", "image", "audio", "video", "pdf")
MODALITY_ALIASES = {"file": "pdf"}  # OpenRouter's "file" input is documents, i.e. PDF
MAX_TOKENS = 100_000_000
PERCENT_METRICS = {"percent", "percent correct", "pass@1", "average pass@1", "resolve rate", "resolved",
                   "success rate", "percent resolved", "accuracy"}


def price(value) -> float | None:
    """USD per million tokens, as upstream writes it; None if missing, negative or absurd."""
    number = _number(value)
    if number is None or number < 0 or number > MAX_PRICE_PER_MILLION:
        return None
    return round(number, 6) if isinstance(number, float) else number  # 0.8999999999999999 is 0.9


def price_per_token(value) -> float | None:
    """OpenRouter's "0.0000011" USD per token -> 1.1 per million, without float noise."""
    try:
        per_token = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        return None
    if not per_token.is_finite():
        return None
    return price(float(per_token * 1_000_000))


def tokens(value) -> int | None:
    number = _number(value)
    if number is None or number <= 0 or number > MAX_TOKENS or number != int(number):
        return None
    return int(number)


def _number(value) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        return None
    try:
        number = float(value)
    except ValueError:
        return None
    if math.isnan(number) or math.isinf(number):
        return None
    return int(number) if number == int(number) and isinstance(value, int) else number


def flag(value) -> bool | None:
    return value if isinstance(value, bool) else None


def text(value, limit: int = 80) -> str | None:
    if not isinstance(value, str) or not value.strip():
        return None
    return value.strip()[:limit].strip()


def modalities(values) -> list[str]:
    """Our modality names, in our order, for an upstream list; unknown ones are dropped."""
    if not isinstance(values, list):
        return []
    found = {MODALITY_ALIASES.get(v, v) for v in values if isinstance(v, str)}
    return [m for m in MODALITIES if m in found]


def pricing(cost) -> tuple[dict, list[str]]:
    """A models.dev `cost` block as our `pricing`; notes say what could not be kept."""
    if not isinstance(cost, dict):
        return {}, []
    notes: list[str] = []
    result: dict = {}
    prices = {"input": price(cost.get("input")), "output": price(cost.get("output"))}
    if prices["input"] is None or prices["output"] is None:
        if cost.get("input") is not None or cost.get("output") is not None:
            notes.append("input/output price missing or out of range")
        return {}, notes
    result.update(prices)
    cached = price(cost.get("cache_read", cost.get("cached_input")))
    if cached is not None and cached <= prices["input"]:
        result["cached_input"] = cached
    cache_write = price(cost.get("cache_write"))
    if cache_write is not None:
        result["cache_write"] = cache_write
    tiers = _tiers(cost)
    if tiers:
        result["tiers"] = tiers
    return result, notes


def _tiers(cost: dict) -> list[dict]:
    tiers = []
    raw = list(cost.get("tiers") or []) if isinstance(cost.get("tiers"), list) else []
    if isinstance(cost.get("context_over_200k"), dict):
        raw.append({**cost["context_over_200k"], "tier": {"size": 200_000}})
    for item in raw:
        if not isinstance(item, dict) or not isinstance(item.get("tier"), dict):
            continue
        above = tokens(item["tier"].get("size"))
        tier_in, tier_out = price(item.get("input")), price(item.get("output"))
        if above is None or tier_in is None or tier_out is None:
            continue
        tier = {"above_tokens": above, "input": tier_in, "output": tier_out}
        cached = price(item.get("cache_read"))
        if cached is not None:
            tier["cached_input"] = cached
        if all(t["above_tokens"] != above for t in tiers):
            tiers.append(tier)
    return sorted(tiers, key=lambda t: t["above_tokens"])


def limits(limit, fallback=None) -> dict:
    """`limit{context, input?, output?}`; an output or input above the context is dropped."""
    result: dict = {}
    for source in (limit, fallback):
        if not isinstance(source, dict):
            continue
        for ours, theirs in (("context", "context"), ("max_input", "input"), ("max_output", "output")):
            value = tokens(source.get(theirs))
            if value is not None and ours not in result:
                result[ours] = value
    context = result.get("context")
    for key in ("max_input", "max_output"):
        if key in result and (context is None or result[key] > context):
            del result[key]
    return result


def capabilities(entry: dict, inputs: list[str], outputs: list[str], cost=None) -> dict:
    """Flags from a models.dev entry; vision and audio follow from the modalities."""
    result = {
        "tool_calling": flag(entry.get("tool_call")),
        "structured_output": flag(entry.get("structured_output")),
        "reasoning": flag(entry.get("reasoning")),
    }
    efforts = reasoning_efforts(entry.get("reasoning_options"))
    if efforts:
        result["reasoning_efforts"] = efforts
    if isinstance(cost, dict) and price(cost.get("cache_read", cost.get("cached_input"))) is not None:
        result["prompt_caching"] = True
    if inputs:
        result["vision"] = "image" in inputs
        result["audio_input"] = "audio" in inputs
    if outputs:
        result["audio_output"] = "audio" in outputs
    return {k: v for k, v in result.items() if v is not None}


def reasoning_efforts(options) -> list[str]:
    """`[{type: effort, values: [low, medium, high]}]` -> [low, medium, high]."""
    found: list[str] = []
    for option in options if isinstance(options, list) else []:
        if isinstance(option, dict) and option.get("type") == "effort":
            for value in option.get("values") if isinstance(option.get("values"), list) else []:
                if isinstance(value, str) and re.fullmatch(r"[a-z]+", value) and value not in found:
                    found.append(value)
    return found


def benchmarks(items) -> tuple[list[dict], int]:
    """Benchmarks with a source address; returns them and how many had none."""
    result: list[dict] = []
    unsourced = 0
    for item in items if isinstance(items, list) else []:
        if not isinstance(item, dict):
            continue
        source = url(item.get("source"))
        score = _number(item.get("score"))
        name = _benchmark_name(item)
        if source is None:
            unsourced += 1
            continue
        if score is None or score < 0 or name is None:
            continue
        if any(b["name"].casefold() == name.casefold() for b in result):
            continue
        benchmark = {"name": name, "score": score, "unit": _unit(item, name, score), "source": source}
        date = full_date(item.get("date"))
        if date:
            benchmark["date"] = date
        result.append(benchmark)
    return result, unsourced


def _benchmark_name(item: dict) -> str | None:
    name = text(item.get("name"))
    if name is None:
        return None
    version = text(item.get("version"), 20)
    if version and version not in name:
        name = f"{name} {version}"
    qualifiers = [text(item.get(k), 30) for k in ("dataset", "harness", "variant")]
    qualifiers = [q for q in qualifiers if q]
    if qualifiers:
        name = f"{name} ({', '.join(qualifiers)})"
    return name[:80]


def _unit(item: dict, name: str, score: float) -> str:
    metric = str(item.get("metric") or "").strip().lower()
    if "elo" in metric or "elo" in name.lower().split():
        return "elo"
    if metric in PERCENT_METRICS and score <= 100:
        return "percent"
    return "points"


def sources(links) -> list[dict]:
    """models.dev `links[]` ({label, type, url}) as our sources."""
    result = []
    for link in links if isinstance(links, list) else []:
        if not isinstance(link, dict) or not url(link.get("url")):
            continue
        name = text(link.get("label"), 120) or text(link.get("type"), 120) or "Link"
        if all(s["url"] != link["url"].strip() for s in result):
            result.append({"name": name, "url": link["url"].strip()})
    return result


def dates(entry: dict) -> dict:
    result = {}
    released = full_date(entry.get("release_date"))
    if released:
        result["released"] = released
    knowledge = partial_date(entry.get("knowledge"))
    if knowledge:
        result["knowledge_cutoff"] = knowledge
    return result
