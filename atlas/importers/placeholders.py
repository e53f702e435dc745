"""Placeholder tagline and description for an imported record: facts in a sentence, no prose.

They exist because the schema requires both fields; they say only what the data
says, in a flat pattern an editor will recognise and replace:

    o4-mini by OpenAI: 200K context, $1.10 / $4.40 per million tokens.
"""

from __future__ import annotations

import datetime as dt
import re

MARKER = re.compile(r"\(Generated from .{1,40} data on \d{4}-\d{2}-\d{2}; no editor has reviewed this page yet\.\)$")


def tokens(count: int) -> str:
    """200000 -> "200K", 1048576 -> "1M", 1050000 -> "1.05M"."""
    if count >= 1_000_000:
        return f"{count / 1_000_000:.2f}".rstrip("0").rstrip(".") + "M"
    if count >= 1_000:
        return f"{round(count / 1_000)}K"
    return str(count)


def money(value: float) -> str:
    """1.1 -> "$1.10", 0.275 -> "$0.275", 0 -> "$0"."""
    if value == 0:
        return "$0"
    if round(value, 2) == value:
        return f"${value:.2f}"
    return "$" + f"{value:.4f}".rstrip("0")


def tagline(facts: dict, maker_name: str) -> str:
    parts = [f"{tokens(facts['limits']['context'])} context"]
    pricing = facts.get("pricing") or {}
    if pricing.get("input") is not None and pricing.get("output") is not None:
        parts.append(f"{money(pricing['input'])} / {money(pricing['output'])} per million tokens")
    return f"{facts['name']} by {maker_name}: {', '.join(parts)}."


def description(facts: dict, maker_name: str, source: str, date: dt.date, offerings: int) -> str:
    limits, modalities = facts["limits"], facts["modalities"]
    sentences = [f"{facts['name']} is a model by {maker_name}"
                 + (f", released {facts['released']}" if facts.get("released") else "") + "."]
    window = f"It has a {tokens(limits['context'])}-token context window"
    if limits.get("max_output"):
        window += f" and writes up to {tokens(limits['max_output'])} tokens per answer"
    sentences.append(window + ".")
    sentences.append(f"It takes {_listed(modalities['input'])} input and produces {_listed(modalities['output'])}.")
    flags = facts.get("capabilities") or {}
    has = [label for key, label in (("reasoning", "reasoning"), ("tool_calling", "tool calling"),
                                    ("structured_output", "structured output")) if flags.get(key)]
    if has:
        sentences.append(f"Listed with {_listed(has)}.")
    sentences.append(f"{'Open' if facts.get('open_weights') else 'Closed'} weights.")
    pricing = facts.get("pricing") or {}
    if pricing.get("input") is not None and pricing.get("output") is not None:
        sentences.append(f"{maker_name} charges {money(pricing['input'])} per million input tokens "
                         f"and {money(pricing['output'])} per million output tokens.")
    if offerings:
        sentences.append(f"{offerings} provider offering(s) listed.")
    sentences.append(f"(Generated from {source} data on {date.isoformat()}; no editor has reviewed this page yet.)")
    return " ".join(sentences)


def _listed(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def is_placeholder(record: dict) -> bool:
    """True while tagline and description are still exactly as an import generates them."""
    name, tagline_text, description_text = record.get("name"), record.get("tagline"), record.get("description")
    return (isinstance(tagline_text, str) and isinstance(description_text, str) and isinstance(name, str)
            and tagline_text.startswith(f"{name} by ") and description_text.startswith(f"{name} is a model by ")
            and MARKER.search(description_text) is not None)
