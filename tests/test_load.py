"""The loader: strict YAML, key lines, and bad files reported rather than raised."""

from __future__ import annotations

import shutil
from pathlib import Path

from atlas.load import ParseCache, load_content, load_document
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
