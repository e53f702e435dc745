"""The built fixture site as a whole: both languages, links that resolve, stable rebuilds."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urldefrag, urlsplit

from atlas.pipeline import build
from atlas.write import MARKER
from conftest import fixture_project, read


def html_pages(site: Path) -> list[str]:
    return sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html"))


def test_every_english_page_has_a_spanish_twin_and_back(fixture_site):
    pages = html_pages(fixture_site)
    english = {p for p in pages if not p.startswith("es/")}
    spanish = {p[3:] for p in pages if p.startswith("es/")}
    assert english == spanish
    assert len(english) >= 20


def test_every_model_has_a_page(fixture_site):
    for model_id in ("alpha-mini", "alpha-pro", "beta-open", "gamma-long"):
        assert (fixture_site / "models" / model_id / "index.html").is_file()
        assert (fixture_site / "es" / "models" / model_id / "index.html").is_file()


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if "id" in attributes:
            self.ids.add(attributes["id"])
        for name in ("href", "src"):
            if attributes.get(name) and not (tag == "link" and attributes.get("rel") in ("canonical", "alternate")):
                self.links.append(attributes[name])


def parse(path: Path) -> _Links:
    parser = _Links()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def resolve(site: Path, base_path: str, link: str) -> tuple[Path, str]:
    url, fragment = urldefrag(link)
    path = urlsplit(url).path
    assert path.startswith(base_path), link
    target = site / path[len(base_path):]
    if path.endswith("/") or target.is_dir():
        target = target / "index.html"
    return target, fragment


def test_internal_links_and_anchors_resolve(fixture_site):
    """A crawl from the home pages reaches every page, and no link or anchor is broken."""
    broken, seen = [], set()
    queue = [fixture_site / "index.html", fixture_site / "es" / "index.html", fixture_site / "404.html"]
    while queue:
        page = queue.pop()
        if page in seen:
            continue
        seen.add(page)
        parsed = parse(page)
        for link in parsed.links:
            if urlsplit(link).scheme in ("http", "https", "mailto"):
                continue
            if link.startswith("#"):
                if link[1:] not in parsed.ids:
                    broken.append((page.relative_to(fixture_site).as_posix(), link))
                continue
            target, fragment = resolve(fixture_site, "/", link)
            if not target.is_file():
                broken.append((page.relative_to(fixture_site).as_posix(), link))
                continue
            if fragment and target.suffix == ".html" and fragment not in parse(target).ids:
                broken.append((page.relative_to(fixture_site).as_posix(), link))
            if target.suffix == ".html":
                queue.append(target)
    assert broken == []
    reached = {p.relative_to(fixture_site).as_posix() for p in seen}
    assert reached == set(html_pages(fixture_site))


def test_second_build_writes_nothing(tmp_path, fixture_site):
    out = tmp_path / "site"
    project = fixture_project(out)
    build(project)
    before = {p: (p.stat().st_ino, p.stat().st_mtime_ns) for p in out.rglob("*") if p.is_file()}
    report = build(project)
    after = {p: (p.stat().st_ino, p.stat().st_mtime_ns) for p in out.rglob("*") if p.is_file()}
    assert report.stats.written == 0 and report.stats.removed == 0
    assert before == after


def test_builds_are_byte_identical(tmp_path, fixture_content, fixture_site):
    out = tmp_path / "again"
    build(fixture_project(out, content_dir=fixture_content))
    for page in fixture_site.rglob("*"):
        if page.is_file():
            assert (out / page.relative_to(fixture_site)).read_bytes() == page.read_bytes(), page


def test_a_deleted_record_loses_its_pages(tmp_path, content_copy):
    out = tmp_path / "site"
    project = fixture_project(out, content_dir=content_copy)
    build(project)
    assert (out / "models" / "gamma-long" / "index.html").exists()
    (content_copy / "models" / "gamma-long.yaml").unlink()
    report = build(project)
    assert not (out / "models" / "gamma-long").exists()
    assert not (out / "es" / "models" / "gamma-long").exists()
    assert report.stats.removed >= 2


def test_html_lang_and_hreflang(fixture_site):
    english = read(fixture_site, "models/alpha-mini/index.html")
    spanish = read(fixture_site, "es/models/alpha-mini/index.html")
    assert '<html lang="en">' in english and '<html lang="es">' in spanish
    for page in (english, spanish):
        assert '<link rel="alternate" hreflang="en" href="https://atlas.example/models/alpha-mini/">' in page
        assert '<link rel="alternate" hreflang="es" href="https://atlas.example/es/models/alpha-mini/">' in page
        assert '<link rel="alternate" hreflang="x-default" href="https://atlas.example/models/alpha-mini/">' in page


def test_language_switcher_lands_on_the_same_page(fixture_site):
    english = read(fixture_site, "providers/acme/index.html")
    spanish = read(fixture_site, "es/providers/acme/index.html")
    assert '<a href="/es/providers/acme/" hreflang="es" lang="es">Español</a>' in english
    assert '<a href="/providers/acme/" hreflang="en" lang="en">English</a>' in spanish


def test_sitemap_lists_every_page_in_both_languages(fixture_site):
    sitemap = read(fixture_site, "sitemap.xml")
    locs = set(re.findall(r"<loc>(.*?)</loc>", sitemap))
    expected = {
        "https://atlas.example/" + p.removesuffix("index.html")
        for p in html_pages(fixture_site) if not p.endswith("404.html")
    }
    assert locs == expected
    entries = re.findall(r"<url>(.*?)</url>", sitemap, re.S)
    assert len(entries) == len(locs) and all("<lastmod>2026-" in entry for entry in entries)  # a date from the data


def test_a_large_sitemap_is_split_under_a_sitemap_index(tmp_path, monkeypatch):
    monkeypatch.setattr("atlas.sitemap.URLS_PER_SITEMAP", 9)  # the protocol's limit is 50,000; 2 locales
    out = tmp_path / "site"
    build(fixture_project(out))
    index = (out / "sitemap.xml").read_text(encoding="utf-8")
    assert "<sitemapindex" in index
    parts = re.findall(r"<loc>https://atlas\.example/(sitemaps/\d+\.xml)</loc>", index)
    assert len(parts) > 1
    locs: list[str] = []
    for part in parts:
        found = re.findall(r"<loc>(.*?)</loc>", (out / part).read_text(encoding="utf-8"))
        assert 0 < len(found) <= 9
        locs += found
    expected = {"https://atlas.example/" + p.removesuffix("index.html")
                for p in html_pages(out) if not p.endswith("404.html")}
    assert sorted(locs) == sorted(expected)  # every page once
    assert not (out / "sitemaps").exists() or len(list((out / "sitemaps").iterdir())) == len(parts)


def test_site_works_under_a_sub_path(tmp_path):
    out = tmp_path / "site"
    build(fixture_project(out), base_url="https://example.org/atlas/")
    page = read(out, "models/alpha-mini/index.html")
    assert 'href="/atlas/providers/acme/"' in page
    assert 'href="/atlas/static/style.css?v=' in page
    assert '<link rel="canonical" href="https://example.org/atlas/models/alpha-mini/">' in page
    for link in parse(out / "es" / "index.html").links:
        if not urlsplit(link).scheme and not link.startswith("#"):
            target, _ = resolve(out, "/atlas/", link)
            assert target.is_file(), link


def test_output_carries_its_marker(fixture_site):
    assert (fixture_site / MARKER).is_file()
