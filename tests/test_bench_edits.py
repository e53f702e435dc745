"""The benchmark's edits of a record: the YAML stays valid and only the edited value changes."""

from __future__ import annotations

import sys

import pytest
import yaml

from conftest import FIXTURE_CONTENT, ROOT

sys.path.insert(0, str(ROOT / "bench"))
from catalogs import append_to_tagline, set_input_price  # noqa: E402


@pytest.mark.parametrize("source, tagline", [
    (ROOT / "content" / "models" / "o4-mini.yaml", None),  # a map of languages, `en:` on its own line
    (FIXTURE_CONTENT / "models" / "gamma-long.yaml", None),  # a plain scalar
    (None, "'Seed 1.6 by ByteDance: 256K context.'"),  # quoted, as the importer writes it
])
def test_a_tagline_edit_changes_the_english_tagline_only(tmp_path, source, tagline):
    record = tmp_path / "record.yaml"
    record.write_text(source.read_text(encoding="utf-8") if source else f"id: seed\ntagline: {tagline}\nname: Seed\n",
                      encoding="utf-8")
    original = record.read_text(encoding="utf-8")
    before = yaml.safe_load(original)
    assert append_to_tagline(record, "edit1") == original
    after = yaml.safe_load(record.read_text(encoding="utf-8"))
    english = (lambda data: data["tagline"]["en"] if isinstance(data["tagline"], dict) else data["tagline"])
    assert english(after) == english(before) + " edit1"
    if isinstance(before["tagline"], dict):
        assert after["tagline"]["es"] == before["tagline"]["es"]
    assert {k: v for k, v in after.items() if k != "tagline"} == {k: v for k, v in before.items() if k != "tagline"}


def test_a_tagline_the_edit_cannot_take_is_refused_not_broken(tmp_path):
    record = tmp_path / "record.yaml"
    record.write_text((FIXTURE_CONTENT / "models" / "alpha-mini.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    before = record.read_text(encoding="utf-8")
    with pytest.raises(RuntimeError, match="one line"):
        append_to_tagline(record, "edit1")  # a flow map: {en: ..., es: ...}
    assert record.read_text(encoding="utf-8") == before


def test_a_price_edit_moves_the_input_price(tmp_path):
    record = tmp_path / "record.yaml"
    record.write_text((ROOT / "content" / "models" / "o4-mini.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    before = yaml.safe_load(record.read_text(encoding="utf-8"))
    set_input_price(record, 0.02)
    after = yaml.safe_load(record.read_text(encoding="utf-8"))
    assert after["pricing"]["input"] == pytest.approx(before["pricing"]["input"] + 0.02)
