"""Markdown for editorial text, with raw HTML shown as text and only safe links.

Content comes from pull requests, so it is treated as untrusted: no raw HTML at
all, links and images only to http(s) (and mailto for links), external links
opened with rel="noopener".
"""

from __future__ import annotations

from functools import lru_cache
from urllib.parse import urlsplit
from xml.etree.ElementTree import Element

import markdown
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor
from markupsafe import Markup

SAFE_LINK_SCHEMES = {"http", "https", "mailto"}
SAFE_IMAGE_SCHEMES = {"http", "https"}


class _SafeLinks(Treeprocessor):
    def run(self, root: Element) -> None:
        for element in root.iter():
            if element.tag == "a":
                href = element.get("href", "")
                if not _allowed(href, SAFE_LINK_SCHEMES):
                    element.attrib.pop("href", None)
                elif urlsplit(href).scheme in {"http", "https"}:
                    element.set("rel", "noopener noreferrer")
            elif element.tag == "img" and not _allowed(element.get("src", ""), SAFE_IMAGE_SCHEMES):
                element.attrib.pop("src", None)


def _allowed(url: str, schemes: set[str]) -> bool:
    # Browsers ignore control characters and whitespace inside a scheme ("java\nscript:"),
    # so judge the URL as a browser would read it.
    cleaned = "".join(ch for ch in url if ord(ch) > 32).strip()
    scheme = urlsplit(cleaned).scheme.lower()
    if not scheme:
        return not cleaned.startswith("//") and ":" not in cleaned.split("/")[0]
    return scheme in schemes


class _NoRawHtml(Extension):
    def extendMarkdown(self, md: markdown.Markdown) -> None:
        md.preprocessors.deregister("html_block")
        md.inlinePatterns.deregister("html")
        md.treeprocessors.register(_SafeLinks(md), "safe_links", 0)


@lru_cache(maxsize=4096)
def render_markdown(text: str) -> Markup:
    converter = markdown.Markdown(extensions=[_NoRawHtml(), "tables", "sane_lists"], output_format="html")
    return Markup(converter.convert(text))
