"""Page weight: what a browser downloads for a model page (HTML + CSS + JS), gzip-compressed."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from .conftest import FIGURES

pytestmark = pytest.mark.browser

BUDGET = 60 * 1024  # bytes, gzip-compressed
COUNTED = ("document", "stylesheet", "script")


def weigh(page, url: str) -> tuple[int, int, list[str]]:
    """(raw bytes, gzip bytes, resources) of the HTML, CSS and JS that loading url fetches."""
    responses = []
    page.on("response", lambda response: response.request.resource_type in COUNTED and responses.append(response))
    page.goto(url, wait_until="load")
    raw = packed = 0
    resources = []
    for response in responses:
        body = response.body()
        size = len(gzip.compress(body, compresslevel=6))  # a static host's usual level
        raw += len(body)
        packed += size
        resources.append(f"{response.request.resource_type} {response.url} {len(body)} B → {size} B gzip")
    return raw, packed, resources


def heaviest_model_page(site: Path) -> str:
    pages = sorted(site.glob("**/models/*/index.html"), key=lambda path: path.stat().st_size)
    assert pages, f"no model page in {site}"
    return pages[-1].relative_to(site).as_posix().removesuffix("index.html")


@pytest.mark.parametrize("which", ["fixture", "real"])
def test_model_page_weight_is_under_budget(request, new_page, serve, which):
    site = request.getfixturevalue("built_fixture_site" if which == "fixture" else "real_site")
    path = heaviest_model_page(site)
    raw, packed, resources = weigh(new_page(), serve(site) + path)
    figure = (f"page weight, {which} site, heaviest model page /{path}: "
              f"{packed / 1024:.1f} KB gzip ({raw / 1024:.1f} KB raw) of a {BUDGET // 1024} KB budget")
    print(figure)
    FIGURES.append(figure)
    assert any(line.startswith("document") for line in resources)
    assert any(line.startswith("stylesheet") for line in resources), "the stylesheet was not loaded"
    assert packed < BUDGET, figure + "\n" + "\n".join(resources)
