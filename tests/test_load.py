"""The loader: strict YAML, key lines, and bad files reported rather than raised."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from atlas import file_events
from atlas.load import LoadMemo, ParseCache, load_content, load_document
from conftest import FIXTURE_CONTENT


def load(tmp_path: Path, text: str | bytes):
    path = tmp_path / "record.yaml"
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    problems = []
    return load_document(path, "record.yaml", problems), problems


def test_lines_of_nested_keys_and_items(tmp_path):
    document, problems = load(tmp_path, "name: x\npricing:\n  input: 1\n  output: 2\nlist:\n  - a\n  - b\n")
    assert problems == []
    assert document.line_of(("pricing", "output")) == 4
    assert document.line_of(("list", 1)) == 7
    assert document.line_of(("pricing", "missing")) == 2  # falls back to the parent


def test_dates_stay_text_for_the_schema_to_judge(tmp_path):
    document, _ = load(tmp_path, "released: 2025-04-16\n")
    assert document.data == {"released": "2025-04-16"}


def test_duplicate_key_is_an_error(tmp_path):
    document, problems = load(tmp_path, "name: a\nname: b\n")
    assert document is None
    assert problems[0].line == 2
    assert problems[0].message == "duplicate key 'name' (first set on line 1)"


def test_alias_is_refused(tmp_path):
    document, problems = load(tmp_path, "a: &x [1, 2]\nb: *x\n")
    assert document is None
    assert "anchors and aliases" in problems[0].message and problems[0].line == 2


def test_tab_indentation_gets_a_plain_message(tmp_path):
    document, problems = load(tmp_path, "pricing:\n\tinput: 1\n")
    assert document is None
    assert problems[0].line == 2
    assert "tab" in problems[0].message


def test_not_utf8(tmp_path):
    document, problems = load(tmp_path, b"name: caf\xe9\n")
    assert document is None
    assert problems[0].message.startswith("file is not UTF-8")
    assert problems[0].line == 1


def test_empty_file(tmp_path):
    document, problems = load(tmp_path, "# only a comment\n\n")
    assert document is None
    assert problems[0].message == "file is empty"


def test_syntax_error_has_line_and_column(tmp_path):
    document, problems = load(tmp_path, "name: ok\nfamily: [unclosed\nother: 1\n")
    assert document is None
    assert problems[0].line is not None and problems[0].column is not None
    assert problems[0].message.startswith("YAML syntax error")


def test_the_parse_cache_gives_back_the_same_data_and_lines(tmp_path):
    """A file unchanged since the last run comes from the cache (pickled data), with lines still at hand."""
    content = tmp_path / "content"
    shutil.copytree(FIXTURE_CONTENT, content)
    cache_file = tmp_path / "parsed.pickle"
    _, problems = load_content(content, tmp_path, ParseCache(cache_file))
    assert problems == [] and cache_file.is_file()
    cached, problems = load_content(content, tmp_path, ParseCache(cache_file))
    assert problems == []
    after = cached.models["alpha-mini"]
    before = load_document(after.path, after.display, [])  # parsed, not cached
    assert before.pickled is None and after.pickled is not None
    assert after.data == before.data and after.digest == before.digest
    assert after.data is not after.data  # made anew on each call, never kept
    assert after.line_of(("pricing", "input")) == before.line_of(("pricing", "input"))


def _same_load(found: tuple, expected: tuple) -> bool:
    """Two loads' files and problems alike: the same records, in the same order, from the same bytes."""
    (files, problems), (full, full_problems) = found, expected

    def described(loaded):
        return [(d.display, d.digest) if d is not None else None for d in
                [loaded.site, loaded.rubric, *loaded.providers.values(), *loaded.models.values()]], \
            list(loaded.providers), list(loaded.models)
    return described(files) == described(full) and problems == full_problems


@pytest.mark.skipif(not file_events.available(), reason="no inotify on this system")
def test_a_long_lived_load_reads_only_the_files_events_name_and_equals_a_full_load(tmp_path):
    """LoadMemo: after edits, a new record, a deleted one, a misnamed file and a broken one, the
    load that reads only the files changed gives what a full load gives, the problems of files
    not touched since included; the records it did not read are the last load's."""
    content = tmp_path / "content"
    shutil.copytree(FIXTURE_CONTENT, content)
    models = content / "models"
    memo = LoadMemo.watching(content)
    try:
        first = load_content(content, tmp_path, ParseCache(None), memo)
        assert first[1] == []
        (models / "alpha-mini.yaml").write_text((models / "alpha-mini.yaml").read_text(encoding="utf-8")
                                                .replace("  input: 1.10\n", "  input: 0.95\n"), encoding="utf-8")
        shutil.copy(models / "beta-open.yaml", models / "a-beta.yaml")  # new, and listed first
        (models / "gamma-long.yaml").unlink()
        (models / "beta-open.yml").write_text("name: x\n", encoding="utf-8")
        (content / "providers" / "openlab.yaml").write_text("name: [unclosed\n", encoding="utf-8")
        again = load_content(content, tmp_path, ParseCache(None), memo)
        assert _same_load(again, load_content(content, tmp_path))
        assert len(again[1]) == 2
        assert again[0].models["beta-open"] is first[0].models["beta-open"]  # not read again
        assert again[0].models["alpha-mini"].digest != first[0].models["alpha-mini"].digest
        assert list(again[0].models)[0] == "a-beta"

        (models / "beta-open.yml").unlink()
        third = load_content(content, tmp_path, ParseCache(None), memo)
        assert _same_load(third, load_content(content, tmp_path))
        assert [p.file for p in third[1]] == ["content/providers/openlab.yaml"]  # not touched, still reported

        (models / "holder").mkdir()  # a folder made: the next load asks every file
        fourth = load_content(content, tmp_path, ParseCache(None), memo)
        assert _same_load(fourth, third)
        assert fourth[0].models["beta-open"] is not third[0].models["beta-open"]
    finally:
        memo.events.close()


def test_a_long_lived_builder_writes_its_parsed_files_when_it_saves(tmp_path):
    """A dev server's rebuild does not wait for the parse cache's file (50 ms at 10,000 models): its
    builder writes it with its state; a one-off load writes it as it ends."""
    content = tmp_path / "content"
    shutil.copytree(FIXTURE_CONTENT, content)
    cache_file = tmp_path / "parsed.pickle"
    cache = ParseCache(cache_file)
    load_content(content, tmp_path, cache, LoadMemo())
    assert not cache_file.exists() and cache.unsaved
    cache.save()
    assert cache_file.is_file() and not cache.unsaved
    assert set(ParseCache(cache_file).entries) == {document.file for document in
                                                   load_content(content, tmp_path)[0].models.values()} | {
        str(content / "site.yaml"), *(str(p) for p in (content / "providers").glob("*.yaml")),
        *([str(content / "fit-scores.yaml")] if (content / "fit-scores.yaml").exists() else [])}
