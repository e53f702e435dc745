"""A crawl of the served fixture site over HTTP, from / and /es/: every internal href and src
answers 200 (no redirect, no 404 page) and every #fragment exists on the page it points to."""

from __future__ import annotations

import urllib.request
from html.parser import HTMLParser
from urllib.error import HTTPError
from urllib.parse import unquote, urldefrag, urljoin, urlsplit

import pytest

pytestmark = pytest.mark.browser


class _Page(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links: list[str] = []
        self.ids: set[str] = set()
        self.canonical: str | None = None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if attributes.get("id"):
            self.ids.add(attributes["id"])
        if tag == "a" and attributes.get("name"):
            self.ids.add(attributes["name"])
        if tag == "link" and attributes.get("rel") == "canonical":
            self.canonical = attributes.get("href")
        for name in ("href", "src"):
            if attributes.get(name):
                self.links.append(attributes[name])


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # a redirect is reported as such, not followed


_opener = urllib.request.build_opener(_NoRedirects)


def fetch(url: str) -> tuple[int, str, bytes]:
    try:
        with _opener.open(url, timeout=10) as response:
            return response.status, response.headers.get_content_type(), response.read()
    except HTTPError as error:
        return error.code, error.headers.get_content_type(), error.read()


def test_crawl_reaches_every_page_with_no_broken_link_or_anchor(fixture_url, built_fixture_site):
    # Absolute links to the production address (canonical, hreflang) are checked on the local copy.
    home = _Page()
    home.feed(fetch(fixture_url)[2].decode("utf-8"))
    assert home.canonical, "the home page has no canonical link"
    production = urljoin(home.canonical, "/")

    def local(url: str) -> str | None:
        if url.startswith(production):
            return fixture_url + url[len(production):]
        return url if url.startswith(fixture_url) else None

    fetched: dict[str, tuple[int, str, _Page | None]] = {}

    def get(url: str) -> tuple[int, str, _Page | None]:
        if url not in fetched:
            status, content_type, body = fetch(url)
            parsed = None
            if status == 200 and content_type == "text/html":
                parsed = _Page()
                parsed.feed(body.decode("utf-8"))
            fetched[url] = (status, content_type, parsed)
        return fetched[url]

    broken: list[str] = []
    queue, crawled = [fixture_url, fixture_url + "es/"], set()
    while queue:
        page_url = queue.pop()
        if page_url in crawled:
            continue
        crawled.add(page_url)
        status, _, page = get(page_url)
        if page is None:
            continue
        for link in page.links:
            absolute = urljoin(page_url, link)
            if urlsplit(absolute).scheme not in ("http", "https"):
                continue  # mailto:, tel:, data:
            target_url, fragment = urldefrag(absolute)
            target_url = local(target_url)
            if target_url is None:
                continue  # another site
            status, content_type, target = get(target_url)
            where = f"{page_url[len(fixture_url) - 1:]} → {link}"
            if status != 200:
                broken.append(f"{where}: HTTP {status}")
            elif fragment and (target is None or unquote(fragment) not in target.ids):
                broken.append(f"{where}: no element with id {unquote(fragment)!r} on the target page")
            if target is not None:
                queue.append(target_url)
    assert broken == [], f"{len(broken)} broken links:\n" + "\n".join(sorted(set(broken)))

    reached = {urlsplit(url).path for url in crawled if fetched[url][2] is not None}
    built = {
        "/" + path.relative_to(built_fixture_site).as_posix().removesuffix("index.html")
        for path in built_fixture_site.rglob("*.html") if path.name != "404.html"
    }
    assert built - reached == set(), "pages no link reaches"
