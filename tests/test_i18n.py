"""Both languages: translation checks, no stray English, and a third locale by config alone."""

from __future__ import annotations

import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

from babel.messages.pofile import read_po

from atlas.i18n import check_po, load_translations, po_path
from atlas.pipeline import build
from conftest import ROOT, fixture_project, read

SKIPPED_TAGS = {"code", "pre", "script", "style"}


class _VisibleText(HTMLParser):
    """Text a reader sees or hears, leaving out blocks marked as another language."""

    def __init__(self, locale: str):
        super().__init__()
        self.locale = locale
        self.stack: list[tuple[str, bool]] = []
        self.texts: list[str] = []

    def _hidden(self) -> bool:
        return any(hidden for _, hidden in self.stack)

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        lang = attributes.get("lang")
        other_language = tag != "html" and lang is not None and lang != self.locale
        if tag not in ("meta", "link", "br", "img", "input"):
            self.stack.append((tag, other_language or tag in SKIPPED_TAGS))
        if not self._hidden():
            for name in ("aria-label", "title", "alt", "placeholder"):
                if attributes.get(name):
                    self.texts.append(attributes[name].strip())
            if tag == "meta" and attributes.get("name") == "description":
                self.texts.append(attributes.get("content", "").strip())

    def handle_endtag(self, tag):
        while self.stack:
            open_tag, _ = self.stack.pop()
            if open_tag == tag:
                break

    def handle_data(self, data):
        if not self._hidden() and data.strip():
            self.texts.append(" ".join(data.split()))


def english_catalog() -> list[tuple[str, str]]:
    with po_path(ROOT / "locales", "es").open("rb") as handle:
        catalog = read_po(handle, locale="es")
    pairs = []
    for message in catalog:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for msgid in ids:
            if msgid not in strings:
                pairs.append((msgid, strings[0]))
    return pairs


def fragments(msgid: str) -> list[str]:
    """The literal parts of a message, long enough to be unmistakably English."""
    parts = re.split(r"%\(\w+\)[sd]", msgid)
    return [p.strip(" .,:()") for p in parts if len(p.strip(" .,:()")) >= 12 or (len(parts) == 1 and len(p) >= 4)]


def test_no_english_interface_text_on_spanish_pages(fixture_site):
    catalog = english_catalog()
    assert len(catalog) > 100
    offenders = []
    for page in sorted((fixture_site / "es").rglob("*.html")):
        parser = _VisibleText("es")
        parser.feed(page.read_text(encoding="utf-8"))
        visible = "\n".join(parser.texts)
        texts = set(parser.texts)
        for msgid, _ in catalog:
            for fragment in fragments(msgid):
                if fragment in texts or (len(fragment) >= 12 and fragment in visible):
                    offenders.append((page.relative_to(fixture_site).as_posix(), fragment))
    assert offenders == []


def test_fallback_text_is_marked_as_english(fixture_site):
    page = read(fixture_site, "es/models/gamma-long/index.html")
    assert '<span lang="en" class="fallback">A preview model with a million-token window.</span>' in page
    assert '<div lang="en" class="fallback"><p>Gamma Long reads whole code bases in one prompt.</p></div>' in page


def test_spanish_formats_on_the_page(fixture_site):
    page = read(fixture_site, "es/models/alpha-mini/index.html")
    assert "1,10\xa0US$" in page
    assert "200.000 tokens" in page
    assert "16 de abril de 2025" in page


def test_the_real_spanish_catalog_is_complete_and_clean():
    coverage, problems = check_po(ROOT / "locales", "es", ROOT)
    assert problems == []
    assert coverage.translated == coverage.total > 100


def write_po(path: Path, entries: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text('msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n'
                    '"Plural-Forms: nplurals=2; plural=(n != 1);\\n"\n\n' + entries, encoding="utf-8")


def test_po_checks_catch_fuzzy_and_placeholder_mismatch(tmp_path):
    write_po(po_path(tmp_path, "xx"),
             '#, fuzzy\nmsgid "Models"\nmsgstr "Modèles"\n\n'
             'msgid "Released on %(date)s"\nmsgstr "Publié le %(jour)s"\n\n'
             'msgid "Untranslated"\nmsgstr ""\n')
    coverage, problems = check_po(tmp_path, "xx", tmp_path)
    messages = sorted(p.message for p in problems)
    assert messages == [
        'fuzzy translation of "Models"',
        "placeholders differ in \"Released on %(date)s\": expected ['date'], found ['jour']",
    ]
    assert {p.line for p in problems} == {7, 10}
    assert (coverage.translated, coverage.total) == (2, 3)


def test_translations_are_compiled_once_per_version_of_the_catalog(tmp_path):
    write_po(po_path(tmp_path, "xx"), 'msgid "Models"\nmsgstr "Modèles"\n')
    first = load_translations(tmp_path, "xx", "en")
    assert first.gettext("Models") == "Modèles"
    assert load_translations(tmp_path, "xx", "en") is first  # unchanged: not parsed again
    write_po(po_path(tmp_path, "xx"), 'msgid "Models"\nmsgstr "Modèles !"\n')
    assert load_translations(tmp_path, "xx", "en").gettext("Models") == "Modèles !"


def test_a_third_language_is_a_config_entry_and_a_po_file(tmp_path, content_copy):
    site_yaml = content_copy / "site.yaml"
    site_yaml.write_text(site_yaml.read_text(encoding="utf-8").replace("locales: [en, es]", "locales: [en, es, fr]"),
                         encoding="utf-8")
    locales = tmp_path / "locales"
    shutil.copytree(ROOT / "locales", locales)
    write_po(po_path(locales, "fr"), 'msgid "Models"\nmsgstr "Modèles"\n\nmsgid "Pricing"\nmsgstr "Tarifs"\n')
    out = tmp_path / "site"
    build(fixture_project(out, content_dir=content_copy, locales_dir=locales))
    page = read(out, "fr/models/alpha-mini/index.html")
    assert '<html lang="fr">' in page
    assert ">Modèles</a>" in page and ">Tarifs</h2>" in page
    assert '<a href="/fr/models/alpha-mini/" hreflang="fr" lang="fr">Français</a>' in read(out, "models/alpha-mini/index.html")
    english = {p.relative_to(out).as_posix() for p in out.rglob("*.html") if not p.relative_to(out).parts[0] in ("es", "fr")}
    french = {p.relative_to(out / "fr").as_posix() for p in (out / "fr").rglob("*.html")}
    assert english == french
