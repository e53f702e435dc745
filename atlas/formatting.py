"""Locale-aware display of numbers, money, dates and editorial text (all through Babel)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, localcontext
from functools import lru_cache
from dataclasses import dataclass, field

from babel import Locale
from babel.dates import format_date, format_skeleton
from babel.numbers import (
    format_compact_decimal,
    format_currency,
    format_decimal,
    format_percent,
)
from babel.lists import format_list
from markupsafe import Markup, escape

from .markdown_render import render_markdown
from .messages import Count, Day, Money, Month, Share, Tokens


@dataclass(frozen=True)
class Formatter:
    """Every display format for one locale; templates reach these as filters."""

    locale: str
    default_locale: str
    babel_locale: Locale = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # A parsed Locale spares Babel from parsing the code again on every call.
        object.__setattr__(self, "babel_locale", Locale.parse(self.locale))
        # The same prices, counts and dates recur on thousands of pages: format each once.
        for name in ("money", "number", "compact", "percent", "date", "month", "score_percent"):
            object.__setattr__(self, name, lru_cache(maxsize=1 << 16)(getattr(self, name)))

    @staticmethod
    @lru_cache(maxsize=None)
    def shared(locale: str, default_locale: str) -> "Formatter":
        """One formatter a locale for the process: it holds no site data, only its caches of formatted
        values, which a long-lived builder's next build (the dev server's) then finds warm."""
        return Formatter(locale, default_locale)

    def money(self, value: float | None) -> str:
        if value is None:
            return ""
        # Keep sub-cent prices (0.275) exact but never print float noise (0.30000000000000004).
        # Nothing is priced below a millionth of a dollar per million tokens: smaller is float noise.
        rounded = float(f"{round(value, 6):.4g}") if value < 100 else round(value, 2)
        return format_currency(rounded, "USD", locale=self.babel_locale, decimal_quantization=False)

    def number(self, value: float | int | None) -> str:
        if value is None:
            return ""
        if isinstance(value, float):
            value = Decimal(str(round(value, 3)))
        with localcontext() as context:
            context.prec = 64  # room for any figure a record can hold (the default 28 digits fails on 1e38)
            return format_decimal(value, locale=self.babel_locale)

    def compact(self, value: float | int | None) -> str:
        return "" if value is None else format_compact_decimal(value, locale=self.babel_locale, fraction_digits=1)

    def percent(self, share: float | None) -> str:
        return "" if share is None else format_percent(share, locale=self.babel_locale)

    def score_percent(self, score: float | None) -> str:
        """A benchmark percentage (72.0, 81.4) with its decimal kept when it has one."""
        if score is None:
            return ""
        share = Decimal(str(round(score, 1))) / 100  # Decimal: 81.4 stays 81.4, not 81.39999
        return format_percent(share, locale=self.babel_locale, decimal_quantization=False)

    def date(self, value: dt.date | None, width: str = "long") -> str:
        return "" if value is None else format_date(value, width, locale=self.babel_locale)

    def month(self, value: str | None) -> str:
        """A YYYY-MM or YYYY-MM-DD date, shown to the month."""
        if not value:
            return ""
        year, month = int(value[:4]), int(value[5:7])
        return format_skeleton("yMMMM", dt.date(year, month, 1), locale=self.babel_locale)

    def value(self, value) -> str:
        """A message parameter, formatted by its type."""
        if isinstance(value, Money):
            return self.money(value.value)
        if isinstance(value, (Tokens, Count)):
            return self.number(value.value)
        if isinstance(value, Day):
            return self.date(value.value)
        if isinstance(value, Month):
            return self.month(value.value)
        if isinstance(value, Share):
            return self.percent(value.value)
        return str(value)

    def names(self, values: list[str]) -> str:
        return format_list(values, locale=self.babel_locale)

    # --- editorial text: a string, or a map of locale to text ------------------

    def pick(self, value) -> tuple[object, str | None]:
        """The value for this locale, and the locale it is really in when it falls back."""
        if not isinstance(value, dict):
            return value, None if self.locale == self.default_locale else self.default_locale
        if self.locale in value:
            return value[self.locale], None
        return value.get(self.default_locale), self.default_locale

    def text(self, value) -> Markup:
        """Inline text; fallback text is wrapped so it carries its own language."""
        chosen, fallback = self.pick(value)
        if chosen is None:
            return Markup("")
        if fallback:
            return _in_language("span", fallback, chosen)
        return escape(chosen)

    def text_list(self, value) -> list[Markup]:
        chosen, fallback = self.pick(value)
        items = chosen or []
        if fallback:
            return [_in_language("span", fallback, item) for item in items]
        return [escape(item) for item in items]

    def plain(self, value) -> str:
        """The text alone, for attributes and metadata where no markup may go."""
        chosen, _ = self.pick(value)
        return "" if chosen is None else str(chosen)

    def markdown(self, value) -> Markup:
        chosen, fallback = self.pick(value)
        if not chosen:
            return Markup("")
        html = render_markdown(chosen)
        if fallback:
            return _in_language("div", fallback, html)
        return html


def _in_language(tag: str, lang: str, content) -> Markup:
    """Text shown in another language than the page's, marked so readers and tools know."""
    return Markup('<{0} lang="{1}" class="fallback">{2}</{0}>').format(Markup(tag), lang, content)
