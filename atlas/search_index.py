"""Stage 5b, search index: Pagefind over one short document per searchable page.

Pagefind (the `pagefind[bin]` package ships its binary) builds one index per `<html lang>`,
so a Spanish page searches the Spanish pages only. It does not read the rendered pages:
each model, provider and capability page gets a search document (`search/record.html`:
name, maker, tagline, description, capabilities) at the page's own path, so a result links
to the page. Indexing whole pages cost seconds per thousand pages and gigabytes at tens of
thousands, mostly spent parsing markup that search never shows.

The index is built in a temporary folder and handed back as bytes, so the build's commit and
"an unchanged build writes nothing" hold for it too. Pagefind names its files by content
hash and writes the same bytes for the same documents, except the language order in
`pagefind-entry.json` (a Rust hash map: it changes from run to run, and no option fixes
it), which is rewritten with sorted keys here, so two builds are byte-identical.
"""

from __future__ import annotations

import json
import os
import pickle
import subprocess
import tempfile
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .incremental import digest, save_pickle

if TYPE_CHECKING:
    from .pipeline import RenderResult
    from .render import Renderer
    from .routes import Route
    from .write import SiteWriter

OUTPUT_FOLDER = "pagefind"
ENTRY_FILE = "pagefind-entry.json"
SEARCHABLE_KINDS = ("model", "provider", "capability")  # the pages that get a search document
DOCUMENT_TEMPLATE = "search/record.html"
# Pagefind also writes its ready-made interfaces; the site renders results itself (static/js/search.js)
# from the JS API (pagefind.js, its worker and the WebAssembly), so these are left out.
UNUSED_PREFIXES = ("pagefind-ui.", "pagefind-component-ui.", "pagefind-modular-ui.", "pagefind-highlight.")


class SearchIndexError(RuntimeError):
    """Pagefind is missing or failed."""


def pagefind_binary() -> Path:
    try:
        from pagefind.service import get_executable
    except ImportError as error:
        raise SearchIndexError("Pagefind is not installed: pip install 'pagefind[bin]'") from error
    binary = get_executable()
    if binary is None:
        raise SearchIndexError("the Pagefind binary is missing: pip install 'pagefind[bin]'")
    return binary


def search_index(documents: dict[str, dict[str, bytes]]) -> dict[str, bytes]:
    """Pagefind's bundle for the search documents (by locale, page path -> bytes), as `pagefind/...` -> bytes.

    Pagefind runs once per language. Its memory grows with the words it indexes (about
    0.8 KB a word, so 1.3 GB for both languages of 10,000 models at once), and it indexes
    each language apart anyway: the runs make the same files as one run would, but for
    the entry file that lists the languages, whose lists are merged here.
    """
    bundle: dict[str, bytes] = {}
    languages: dict[str, Any] = {}
    entry = f"{OUTPUT_FOLDER}/{ENTRY_FILE}"
    for locale, pages in sorted(documents.items()):
        if not pages:
            continue
        for path, data in _pagefind(pages).items():
            if path == entry:
                languages.update(json.loads(data)["languages"])
                bundle[path] = data
            elif bundle.setdefault(path, data) != data:
                raise SearchIndexError(f"Pagefind wrote two versions of {path} (indexing {locale})")
    if entry in bundle:
        merged = json.loads(bundle[entry])
        merged["languages"] = languages
        bundle[entry] = _canonical_json(merged)
    return bundle


def _pagefind(documents: dict[str, bytes]) -> dict[str, bytes]:
    """One Pagefind run over these documents (page path -> bytes)."""
    with tempfile.TemporaryDirectory(prefix="atlas-pagefind-", dir=_scratch_folder()) as temp:
        site, out = Path(temp) / "site", Path(temp) / "bundle"
        for path, data in documents.items():
            target = site / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        result = subprocess.run(
            [str(pagefind_binary()), "--site", str(site), "--output-path", str(out), "--silent"],
            capture_output=True, text=True, check=False)
        if result.returncode != 0:
            raise SearchIndexError(f"Pagefind failed ({result.returncode}): {result.stderr or result.stdout}")
        return {
            f"{OUTPUT_FOLDER}/{path.relative_to(out).as_posix()}": path.read_bytes()
            for path in sorted(out.rglob("*"))
            if path.is_file() and not path.name.startswith(UNUSED_PREFIXES)
        }


def _scratch_folder() -> str | None:
    """Memory-backed scratch space where the system has it: Pagefind's input and output are
    thousands of small files read once, and creating files on a disk costs far more."""
    shared_memory = Path("/dev/shm")
    return str(shared_memory) if shared_memory.is_dir() and os.access(shared_memory, os.W_OK) else None


def _canonical_json(data: Any) -> bytes:
    """JSON with its keys sorted, compact as Pagefind writes it."""
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


@dataclass
class SearchCache:
    """The last build's search documents, the template they came from, and the digest its index was built from."""

    key: str = ""
    template: str = ""  # the fingerprint of search/record.html
    documents: dict[str, bytes] = field(default_factory=dict)
    bundle: list[str] = field(default_factory=list)  # the index's files in the site, so keeping it lists no folder
    changed: bool = False

    @classmethod
    def load(cls, path: Path) -> "SearchCache":
        try:
            with path.open("rb") as handle:
                key, template, documents, bundle = pickle.load(handle)
            return cls(key, template, documents, bundle)
        except (OSError, pickle.UnpicklingError, ValueError, EOFError, TypeError):
            return cls()

    def save(self, path: Path) -> None:
        if self.changed:
            save_pickle(path, (self.key, self.template, self.documents, self.bundle))
            self.changed = False


def index_for_search(routes: list[Route], renderer: Renderer, writer: SiteWriter, result: RenderResult,
                     output_dir: Path, cache: SearchCache, template_fingerprint: str) -> None:
    """Index again only when a search document changed; otherwise keep the index in place.

    The render workers make the documents of the pages they render. A page's document shows
    a subset of what the page shows, so a page that was current has the document it had
    (unless the document's template changed).
    """
    documents: dict[str, bytes] = {}
    by_locale: dict[str, dict[str, bytes]] = {locale: {} for locale in renderer.catalog.site.locales}
    for route in routes:
        if not searchable(route):
            continue
        for locale, pages in by_locale.items():
            path = renderer.urls.prefix(locale) + route.output_file
            known = result.documents.get(path)
            if known is None and cache.template == template_fingerprint:
                known = cache.documents.get(path)  # the page was current, so its document is too
            documents[path] = pages[path] = known if known is not None else search_document(renderer, route, locale)
    if cache.template == template_fingerprint and documents.keys() == cache.documents.keys() and all(
            cache.documents[path] == data for path, data in result.documents.items() if path in documents):
        key = cache.key  # the same documents: no need to hash 20 MB of them at 10,000 models
    else:
        key = digest(b"\0".join(path.encode() + b"\0" + data for path, data in sorted(documents.items())))
    if key == cache.key and (output_dir / OUTPUT_FOLDER / ENTRY_FILE).is_file():
        result.outputs.update(cache.bundle)
        return
    bundle = search_index(by_locale)
    for path, data in bundle.items():
        result.add(path, writer.put(path, data))
    cache.key, cache.template, cache.documents, cache.bundle = key, template_fingerprint, documents, sorted(bundle)
    cache.changed = True


def searchable(route: Route) -> bool:
    """Whether a page gets a search document: the later pages of a list lead nowhere its first does not."""
    return route.kind in SEARCHABLE_KINDS and (route.pager is None or route.pager.number == 1)


def search_document(renderer: Renderer, route: Route, locale: str) -> bytes:
    """The short document Pagefind indexes for a page: same path, same context, its own template."""
    return renderer.render(replace(route, template=DOCUMENT_TEMPLATE), locale).encode("utf-8")
