"""Pins: values an editor fixed, which an import must leave alone.

A model record may list dotted paths under `pinned:`

    pinned: [pricing.input, limits.context, offerings.poe.input, benchmarks]

A pin covers its path and everything under it: `pricing` pins every price,
`offerings.poe` every figure of poe's offerings and stops new ones being added,
`offerings` the whole list. Offering paths name the provider id in the middle
(`offerings.<provider>.<field>`); other lists (benchmarks...) are pinned whole.

This module imports nothing heavy: the validator uses `pin_problem` on every build.
"""

from __future__ import annotations

import difflib

from ..schema import ModelRecord, Offering

# Parts of a record that are a map of named fields, one level down.
_SECTIONS = ("pricing", "limits", "modalities", "speed", "capabilities", "deployment")


def parse_pin(path: str) -> tuple[str, ...]:
    if path.startswith("offerings."):
        rest = path[len("offerings."):]
        provider, dot, field = rest.rpartition(".")
        if dot and field in Offering.model_fields:
            return ("offerings", provider, field)
        return ("offerings", rest)
    return tuple(path.split("."))


class Pins:
    def __init__(self, paths) -> None:
        self.paths = [parse_pin(p) for p in paths if isinstance(p, str) and p.strip()]

    def covers(self, path: tuple[str, ...]) -> bool:
        return any(path[: len(pin)] == pin for pin in self.paths)


def pin_problem(path: str) -> tuple[str, str | None] | None:
    """Why `path` names no field a pin can hold (message, hint), or None when it is fine."""
    parts = parse_pin(path)
    top = parts[0]
    fields = list(ModelRecord.model_fields)
    if top not in fields or top == "pinned":
        return f"pinned path '{path}' names no field of a model record", _guess(top, fields)
    if len(parts) == 1:
        return None
    if top in _SECTIONS:
        inner = list(_section_fields(top))
        if len(parts) == 2 and parts[1] in inner:
            return None
        return f"pinned path '{path}' names no field of {top}", _guess(parts[-1], inner)
    if top == "offerings":
        if len(parts) == 3 or (len(parts) == 2 and parts[1]):
            return None
    return (f"pinned path '{path}' goes inside '{top}', which is pinned whole",
            f"pin '{top}'" + (", or offerings.<provider>.<field>" if top == "offerings" else ""))


def _section_fields(name: str):
    annotation = ModelRecord.model_fields[name].annotation
    return getattr(annotation, "model_fields", {})


def _guess(word: str, known: list[str]) -> str | None:
    guess = difflib.get_close_matches(word, known, n=1)
    return f"did you mean '{guess[0]}'?" if guess else None
