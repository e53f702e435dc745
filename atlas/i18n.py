"""Interface translations: gettext catalogs in `locales/`, compiled from `.po` at build time.

Editors only ever touch `.po` files; the build compiles them in memory, so a stale
`.mo` can never be served.
"""

from __future__ import annotations

import functools
import gettext
import io
import re
from dataclasses import dataclass
from pathlib import Path

from babel.messages.catalog import Catalog as PoCatalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from .problems import Problem

DOMAIN = "messages"
PLACEHOLDER = re.compile(r"%\((\w+)\)[sdif]|\{(\w+)\}")


def N_(message: str) -> str:
    """Mark a string for extraction; it is translated where it is rendered."""
    return message


def po_path(locales_dir: Path, locale: str) -> Path:
    return locales_dir / locale / "LC_MESSAGES" / f"{DOMAIN}.po"


def read_catalog(path: Path, locale: str) -> PoCatalog:
    with path.open("rb") as handle:
        return read_po(handle, locale=locale)


def load_translations(locales_dir: Path, locale: str, default_locale: str) -> gettext.NullTranslations:
    """Translations for `locale`; the default locale's text is the msgid itself."""
    path = po_path(locales_dir, locale)
    if locale == default_locale or not path.is_file():
        return gettext.NullTranslations()
    return _compiled(path.read_bytes(), locale)


@functools.lru_cache(maxsize=8)  # keyed by the file's bytes: the dev server parses a catalog once, not per edit
def _compiled(po: bytes, locale: str) -> gettext.GNUTranslations:
    buffer = io.BytesIO()
    write_mo(buffer, read_po(io.BytesIO(po), locale=locale), use_fuzzy=False)
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)


@dataclass(frozen=True)
class Coverage:
    locale: str
    translated: int
    total: int

    @property
    def share(self) -> float:
        return self.translated / self.total if self.total else 1.0


def check_po(locales_dir: Path, locale: str, root: Path) -> tuple[Coverage, list[Problem]]:
    """Fuzzy entries and placeholder mismatches are errors; untranslated ones lower coverage."""
    path = po_path(locales_dir, locale)
    display = path.relative_to(root).as_posix() if path.is_relative_to(root) else str(path)
    if not path.is_file():
        return Coverage(locale, 0, 0), [Problem(display, None, None, f"no translations for locale '{locale}'",
                                                "run: python build.py i18n update")]
    problems = []
    catalog = read_catalog(path, locale)
    translated = total = 0
    for message in catalog:
        if not message.id:
            continue
        total += 1
        ids = message.id if isinstance(message.id, (list, tuple)) else (message.id,)
        strings = message.string if isinstance(message.string, (list, tuple)) else (message.string,)
        if all(strings):
            translated += 1
        line = message.lineno
        if message.fuzzy:
            problems.append(Problem(display, line, None, f"fuzzy translation of \"{_short(ids[0])}\"",
                                    "check the text, then remove the '#, fuzzy' line"))
        expected = _placeholders(ids[-1])
        for text in strings:
            if text and _placeholders(text) != expected and _placeholders(text) != _placeholders(ids[0]):
                problems.append(Problem(display, line, None,
                                        f"placeholders differ in \"{_short(ids[0])}\": "
                                        f"expected {sorted(expected) or 'none'}, found {sorted(_placeholders(text)) or 'none'}",
                                        "keep every %(name)s placeholder of the English text, spelled the same"))
    return Coverage(locale, translated, total), problems


def _placeholders(text: str) -> set[str]:
    return {a or b for a, b in PLACEHOLDER.findall(text)}


def _short(text: str) -> str:
    return text if len(text) <= 50 else text[:47] + "..."
