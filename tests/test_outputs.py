"""Data outputs: the JSON API, JSON Schemas, headers, manifest, and structured data on pages."""

from __future__ import annotations

import json
import re

from atlas.data_outputs import SCHEMAS, schema_text
from conftest import ROOT, read


def test_api_lists_every_model_with_derived_figures(fixture_site):
    index = json.loads(read(fixture_site, "api/models.json"))
    ids = [m["id"] for m in index["models"]]
    assert sorted(ids) == ["alpha-mini", "alpha-pro", "beta-open", "gamma-long"]
    alpha = json.loads(read(fixture_site, "api/models/alpha-mini.json"))
    assert alpha["input_price"] == 1.1 and alpha["output_price"] == 4.4
    assert alpha["blended_price"] == round(1.1 * 0.7 + 4.4 * 0.3, 6)
    assert alpha["derived"]["cheapest_provider"] == "hostco"
    assert alpha["record"]["tagline"]["es"].startswith("El modelo")


def test_open_weight_model_is_priced_from_its_cheapest_host(fixture_site):
    beta = json.loads(read(fixture_site, "api/models/beta-open.json"))
    assert beta["derived"]["price_source"] == "hostco"
    assert beta["input_price"] == 0.10


def test_repository_schemas_are_current():
    for name in SCHEMAS:
        committed = (ROOT / "schema" / f"{name}.json").read_text(encoding="utf-8")
        assert committed == schema_text(name), f"schema/{name}.json is stale: run python build.py schema"


def test_published_schema_matches(fixture_site):
    assert read(fixture_site, "schema/model.json") == schema_text("model")


def test_content_files_carry_the_schema_modeline():
    for path in (ROOT / "content" / "models").glob("*.yaml"):
        assert path.read_text(encoding="utf-8").startswith("# yaml-language-server: $schema=../../schema/model.json"), path


def test_headers_set_a_strict_policy(fixture_site):
    headers = read(fixture_site, "_headers")
    # Site search's WebAssembly needs 'wasm-unsafe-eval'; no inline script and no JS eval.
    assert "Content-Security-Policy: default-src 'self'; script-src 'self' 'wasm-unsafe-eval';" in headers
    for page in fixture_site.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        scripts = re.findall(r"<script\b([^>]*)>", html)
        data_types = ('type="application/ld+json"', 'type="application/json"')
        assert all(any(t in attrs for t in data_types) or "src=" in attrs for attrs in scripts), page
        assert " style=" not in html and "<style" not in html, page
        assert not re.search(r"\son[a-z]+=", html), page


def test_manifest_and_robots(fixture_site):
    manifest = json.loads(read(fixture_site, "manifest.webmanifest"))
    assert manifest["name"] == "Fixture Atlas"
    assert "Sitemap: https://atlas.example/sitemap.xml" in read(fixture_site, "robots.txt")
