"""Incremental builds: after any edit, the incremental result equals a clean build, byte for byte."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from atlas.pipeline import build
from conftest import ROOT, fixture_project


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


@pytest.fixture
def workspace(tmp_path, content_copy):
    templates = tmp_path / "templates"
    locales = tmp_path / "locales"
    shutil.copytree(ROOT / "templates", templates)
    shutil.copytree(ROOT / "locales", locales)
    incremental = fixture_project(tmp_path / "incremental" / "site", content_dir=content_copy,
                                  templates_dir=templates, locales_dir=locales)
    build(incremental)  # the build the edits happen after
    return tmp_path, content_copy, templates, locales, incremental


def clean_build(tmp_path: Path, content: Path, templates: Path, locales: Path, name: str) -> dict[str, bytes]:
    out = tmp_path / f"clean-{name}" / "site"
    build(fixture_project(out, content_dir=content, templates_dir=templates, locales_dir=locales))
    return tree(out)


def replace_in(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (old, path)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


EDITS = {
    "record": lambda c, t, l: replace_in(c / "models" / "alpha-mini.yaml", "  input: 1.10\n", "  input: 0.95\n"),
    "template": lambda c, t, l: replace_in(t / "partials" / "model" / "sources.html", "<h2 id=\"sources-title\">",
                                           "<h2 id=\"sources-title\" class=\"edited\">"),
    "translation": lambda c, t, l: replace_in(l / "es" / "LC_MESSAGES" / "messages.po",
                                              'msgstr "Fuentes"', 'msgstr "Referencias"'),
    "config": lambda c, t, l: replace_in(c / "site.yaml", "requests_per_month: 100000", "requests_per_month: 50000"),
    "deleted record": lambda c, t, l: (
        (c / "models" / "gamma-long.yaml").unlink()),
}


@pytest.mark.parametrize("edit", EDITS)
def test_incremental_build_equals_clean_build(workspace, edit):
    tmp_path, content, templates, locales, incremental = workspace
    before = tree(incremental.output_dir)
    EDITS[edit](content, templates, locales)
    report = build(incremental)
    after = tree(incremental.output_dir)
    assert after == clean_build(tmp_path, content, templates, locales, edit.replace(" ", "-"))
    changed = {path for path in after if before.get(path) != after[path]}
    assert 0 < report.stats.written == len(changed)
    assert report.stats.written < len(after)  # only what the edit touched
    if edit == "deleted record":
        assert not any(path.startswith(("models/gamma-long", "es/models/gamma-long")) for path in after)


def test_only_affected_pages_are_rendered_and_only_changed_bytes_written(workspace):
    tmp_path, content, templates, locales, incremental = workspace
    before = tree(incremental.output_dir)
    replace_in(content / "models" / "alpha-pro.yaml", "tradeoffs: {en: [Expensive], es: [Caro]}",
               "tradeoffs: {en: [Very expensive], es: [Muy caro]}")
    report = build(incremental)
    after = tree(incremental.output_dir)
    changed_pages = {p for p in after if p.endswith(".html") and before.get(p) != after[p]}
    # The trade-offs show on alpha-pro's own page only, in two languages.
    assert changed_pages == {"models/alpha-pro/index.html", "es/models/alpha-pro/index.html"}
    # Pages that do not show alpha-pro at all were not even rendered.
    assert report.rendered < report.pages


def test_no_change_renders_and_writes_nothing(workspace):
    _, _, _, _, incremental = workspace
    report = build(incremental)
    assert report.stats.written == 0 and report.stats.removed == 0
    assert report.timings.stages["render"] < report.timings.stages["load"] + 1  # nothing rendered, just checked


def test_deleting_the_cache_only_costs_a_full_build(workspace):
    tmp_path, _, _, _, incremental = workspace
    before = tree(incremental.output_dir)
    shutil.rmtree(incremental.cache_dir)
    report = build(incremental)
    assert report.stats.written == 0  # everything re-rendered, same bytes: nothing rewritten
    assert tree(incremental.output_dir) == before


def test_preview_build_writes_in_place_and_matches_a_clean_build_but_for_search(workspace):
    tmp_path, content, templates, locales, incremental = workspace
    folder = incremental.output_dir
    inode = (folder / "index.html").stat().st_ino
    EDITS["record"](content, templates, locales)
    report = build(incremental, preview=True)
    assert report.stats.written > 0
    assert folder.exists() and not folder.with_name(f".{folder.name}.new").exists()
    clean = clean_build(tmp_path, content, templates, locales, "preview")
    after = tree(folder)
    without_search = lambda files: {k: v for k, v in files.items() if not k.startswith("pagefind/")}  # noqa: E731
    assert without_search(after) == without_search(clean)
    assert (folder / "index.html").stat().st_ino != inode  # replaced, not rewritten through the old inode
