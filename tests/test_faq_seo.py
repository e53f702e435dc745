"""The generated FAQ, its JSON-LD twin, and per-page metadata."""

from __future__ import annotations

import html
import json
import re

from atlas.pipeline import build
from conftest import fixture_project, read


def json_ld(page: str) -> dict:
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
    assert len(blocks) == 1
    return json.loads(blocks[0])


def graph_item(data: dict, kind: str) -> dict:
    return next(item for item in data["@graph"] if item["@type"] == kind)


def visible_faq(page: str) -> list[tuple[str, str]]:
    block = re.search(r'<dl class="faq">(.*?)</dl>', page, re.S).group(1)
    questions = [html.unescape(q.strip()) for q in re.findall(r"<dt[^>]*>(.*?)</dt>", block, re.S)]
    answers = [html.unescape(a.strip()) for a in re.findall(r"<dd[^>]*>(.*?)</dd>", block, re.S)]
    return list(zip(questions, answers))


def test_faq_answers_from_data_in_english(fixture_site):
    faq = dict(visible_faq(read(fixture_site, "models/alpha-mini/index.html")))
    assert list(faq)[0] == "Is Alpha Mini good for chat?"  # curated first
    assert faq["How much does Alpha Mini cost?"] == (
        "Alpha Mini costs $1.10 per million input tokens and $4.40 per million output tokens at Acme AI's "
        "list price. Cached input reads cost $0.275 per million tokens, 75% less than fresh input. "
        "The batch API takes 50% off for work that can wait.")
    assert faq["What is the context window of Alpha Mini?"] == (
        "Alpha Mini has a context window of 200,000 tokens. One reply can be up to 100,000 tokens long.")
    assert faq["What can I use instead of Alpha Mini?"].startswith("Consider Alpha Pro and Beta Open 70B")


def test_faq_in_spanish(fixture_site):
    faq = dict(visible_faq(read(fixture_site, "es/models/alpha-mini/index.html")))
    assert "¿Sirve Alpha Mini para chatear?" in faq
    cost = next(answer for question, answer in faq.items() if "1,10\xa0US$" in answer)
    assert "4,40\xa0US$" in cost and "Acme AI" in cost
    assert any("16 de abril de 2025" in answer for answer in faq.values())


def test_unknown_answers_are_left_out(fixture_site):
    questions = [q for q, _ in visible_faq(read(fixture_site, "models/beta-open/index.html"))]
    # Beta Open declares no structured-output flag and no deployment facts except on-prem.
    assert "Does Beta Open 70B support structured output?" not in questions
    assert "Does Beta Open 70B support tool calling?" in questions
    assert "Where can Beta Open 70B be deployed?" in questions
    faq = dict(visible_faq(read(fixture_site, "models/beta-open/index.html")))
    assert faq["Where can Beta Open 70B be deployed?"] == "It can be run on premises."


def test_json_ld_faq_matches_the_visible_faq(fixture_site):
    for path in ("models/alpha-mini/index.html", "es/models/alpha-mini/index.html"):
        page = read(fixture_site, path)
        data = json_ld(page)
        entities = graph_item(data, "FAQPage")["mainEntity"]
        assert [(e["name"], e["acceptedAnswer"]["text"]) for e in entities] == visible_faq(page)


def test_json_ld_product_and_breadcrumbs(fixture_site):
    data = json_ld(read(fixture_site, "models/alpha-mini/index.html"))
    product = graph_item(data, "Product")
    assert product["name"] == "Alpha Mini" and product["brand"]["name"] == "Acme AI"
    assert {o["price"] for o in product["offers"]} >= {"1.1", "4.4", "0.99", "4"}
    crumbs = graph_item(data, "BreadcrumbList")["itemListElement"]
    assert [c["item"] for c in crumbs] == ["https://atlas.example/", "https://atlas.example/providers/acme/",
                                           "https://atlas.example/models/alpha-mini/"]


def test_hostile_text_cannot_break_out_of_json_ld(tmp_path, content_copy):
    record = content_copy / "models" / "alpha-pro.yaml"
    hostile = "</script><script>alert(1)</script><!-- x"
    text = record.read_text(encoding="utf-8").replace(
        "tagline: {en: The former flagship of the Alpha line.,",
        f"tagline: {{en: {json.dumps(hostile)},")
    record.write_text(text, encoding="utf-8")
    out = tmp_path / "site"
    build(fixture_project(out, content_dir=content_copy))
    page = read(out, "models/alpha-pro/index.html")
    script = re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S).group(1)
    assert "</script" not in script and "<!--" not in script
    assert "<script>alert(1)" not in page
    assert graph_item(json.loads(script), "Product")["description"] == hostile


def test_titles_and_descriptions_are_per_page(fixture_site):
    titles, descriptions = set(), set()
    for page in fixture_site.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        titles.add(re.search(r"<title>(.*?)</title>", text).group(1))
        descriptions.add(re.search(r'<meta name="description" content="(.*?)">', text).group(1))
    pages = len(list(fixture_site.rglob("*.html")))
    assert len(titles) == pages
    assert len(descriptions) > pages * 0.6


def test_open_graph_tags(fixture_site):
    page = read(fixture_site, "es/models/alpha-mini/index.html")
    assert '<meta property="og:url" content="https://atlas.example/es/models/alpha-mini/">' in page
    assert '<meta property="og:locale" content="es_ES">' in page
    assert '<meta property="og:type" content="product">' in page
    assert '<link rel="canonical" href="https://atlas.example/es/models/alpha-mini/">' in page
