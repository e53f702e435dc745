"""Sentences composed in Python but translated and formatted at render time.

The catalog decides *what* to say (which facts, which message); the renderer
says it in the page's language, formatting each typed value with Babel.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Money:
    value: float


@dataclass(frozen=True)
class Tokens:
    value: int


@dataclass(frozen=True)
class Day:
    value: dt.date


@dataclass(frozen=True)
class Month:
    value: str  # YYYY-MM or YYYY-MM-DD


@dataclass(frozen=True)
class Share:
    value: float  # 0..1


@dataclass(frozen=True)
class Count:
    value: float


@dataclass(frozen=True)
class Label:
    """A msgid used as a message parameter, translated when said."""

    text: str


@dataclass(frozen=True)
class Names:
    """A list of names (or labels) joined the locale's way ("a, b and c" / "a, b y c")."""

    values: tuple[str | Label, ...]


@dataclass(frozen=True)
class Msg:
    """A gettext msgid with named parameters."""

    text: str
    params: dict[str, Any] = field(default_factory=dict, hash=False)


@dataclass(frozen=True)
class Paragraph:
    """Sentences said one after the other."""

    sentences: tuple[Msg, ...]
