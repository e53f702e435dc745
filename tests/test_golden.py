"""Golden output: selected pages of the fixture site, byte for byte.

After an intended change to templates or content, regenerate with
`UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/test_golden.py` and review the diff.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

GOLDEN = Path(__file__).parent / "golden"
PAGES = [
    "index.html",
    "es/index.html",
    "es/page/2/index.html",
    "models/alpha-mini/index.html",
    "es/models/alpha-mini/index.html",
    "es/models/gamma-long/index.html",
    "providers/hostco/index.html",
    "capabilities/vision/index.html",
    "capabilities/tool-calling/page/2/index.html",
    "compare/alpha-mini-vs-alpha-pro/index.html",
    "es/compare/alpha-mini-vs-beta-open/index.html",
    "404.html",
    "sitemap.xml",
]


@pytest.mark.parametrize("page", PAGES)
def test_page_matches_golden(fixture_site, page):
    actual = (fixture_site / page).read_bytes()
    golden = GOLDEN / page
    if os.environ.get("UPDATE_GOLDEN"):
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_bytes(actual)
    assert golden.is_file(), f"no golden file for {page}: run with UPDATE_GOLDEN=1"
    assert actual.decode("utf-8") == golden.read_text(encoding="utf-8")
