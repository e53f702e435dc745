"""Stage 5b, search index: Pagefind over one short document per searchable page.

Pagefind (the `pagefind[bin]` package ships its binary) indexes the pages of one language
so a Spanish page searches the Spanish pages only. It does not read the rendered pages:
each model, provider and capability page gets a search document (`search/record.html`:
name, maker, tagline, description, capabilities) at the page's own path, so a result links
to the page. Indexing whole pages cost seconds per thousand pages and gigabytes at tens of
thousands, mostly spent parsing markup that search never shows.

A language's documents are split into bundles of at most `search.pages_per_index` pages
(`pagefind/<locale>/<n>/`), one Pagefind run each: Pagefind holds about 0.8 KB per word it
indexes (860 MB for the 10,000 documents of one language of a 10,000-model site), so this
bounds its memory whatever the catalog's size. The search page loads the first bundle and
merges the others (Pagefind's `mergeIndex`), which rank their results together. A build runs
Pagefind again only for the bundles whose documents changed.

A page's bundle comes from a hash of its path (bundle_members), not from its place in path
order: a model added or deleted then changes one bundle a language, where runs in path order
shifted every bundle after it; and each bundle is a sample of the whole, so the word
statistics each one ranks with are alike.

The dev server indexes after the reload: its rebuild leaves the bundles whose documents
changed as they were (`defer`), tells the browser to reload, and then runs Pagefind for them
(SiteBuilder.finish_search). Pagefind took 0.6 s of a 0.83 s rebuild after a tagline edit at
1,000 models; the edited page need not wait for the search index. A bundle that has no files
yet (the catalog outgrew its bundles) is indexed before the reload: the reloaded search page
lists it.

Each bundle is built in a temporary folder and handed back as bytes, so the build's commit and
"an unchanged build writes nothing" hold for it too. Pagefind names its files by content
hash and writes the same bytes for the same documents; its entry file is rewritten with
sorted keys all the same (its maps are Rust hash maps), so two builds are byte-identical.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import pickle
import shutil
import subprocess
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterable, Iterator

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
# The search engine itself: only a language's first bundle needs it, the page merges the others into it
# (they are read with its worker and WebAssembly).
ENGINE_PREFIXES = ("pagefind.js", "pagefind-worker.js", "wasm.")


class SearchIndexError(RuntimeError):
    """Pagefind is missing or failed."""


# The digest a bundle is kept under while its indexing waits (PendingBundle): no digest of
# documents, so a later build indexes the bundle whether or not its documents changed again.
PENDING = "pending"


@dataclass(frozen=True)
class PendingBundle:
    """A bundle whose documents changed: indexed by the build, or left for Pagefind until after the
    dev server's reload."""

    folder: str
    members: dict[str, bytes]  # page path -> search document
    merged: bool  # not a language's first bundle: no engine files
    key: str  # the documents' digest


def pagefind_binary() -> Path:
    try:
        from pagefind.service import get_executable
    except ImportError as error:
        raise SearchIndexError("Pagefind is not installed: pip install 'pagefind[bin]'") from error
    binary = get_executable()
    if binary is None:
        raise SearchIndexError("the Pagefind binary is missing: pip install 'pagefind[bin]'")
    return binary


def bundle_folder(locale: str, number: int) -> str:
    """Where the `number`th (from 1) search bundle of a language goes in the site."""
    return f"{OUTPUT_FOLDER}/{locale}/{number}/"


def bundle_count(pages: int, pages_per_index: int) -> int:
    """The fewest bundles that can hold a language's `pages` search documents."""
    return -(-pages // pages_per_index)


# Buckets are made for this share of `pages_per_index` on average, so that the spread of a
# hash (a few dozen pages either way in buckets of thousands) stays under the limit.
BUCKET_FILL = 0.9
BUCKET_TRIES = 64  # bucket counts tried, one more each time, before falling back to path order


def bundle_members(paths: list[str], pages_per_index: int) -> list[list[str]]:
    """Page paths (without a language's prefix) by bundle, in bundle order, each bundle in path order.

    A path goes to bucket `hash(path) mod buckets`; the buckets are as few as hold every
    page within `pages_per_index`, from BUCKET_FILL of it on average (more when a bucket
    overflows, which at real sizes it does not), and the bundles are the buckets that got
    pages. The same paths give the same bundles whatever came before.
    """
    ordered = sorted(paths)
    hashes = [_path_hash(path) for path in ordered]
    buckets = bundle_count(len(paths), max(1, int(pages_per_index * BUCKET_FILL)))
    for _ in range(BUCKET_TRIES):
        groups: dict[int, list[str]] = {}
        for path, number in zip(ordered, hashes):
            groups.setdefault(number % buckets, []).append(path)
        if all(len(group) <= pages_per_index for group in groups.values()):
            return [groups[bucket] for bucket in sorted(groups)]
        buckets += 1
    # A limit of a page or two a bundle, which a hash's spread cannot keep: runs in path order.
    return [ordered[start:start + pages_per_index] for start in range(0, len(ordered), pages_per_index)]


@functools.lru_cache(maxsize=None)
def _path_hash(path: str) -> int:
    """Stable from run to run (Python's own string hash is not); kept for a long-lived builder's next build."""
    return int.from_bytes(hashlib.blake2b(path.encode(), digest_size=8).digest(), "big")


def split_into_bundles(documents: dict[str, bytes], locale: str, prefix: str,
                       groups: list[list[str]]) -> dict[str, dict[str, bytes]]:
    """A language's search documents (page path, under the language's `prefix`, -> bytes), by bundle
    folder: `groups` are the bundles' paths without the prefix (bundle_members)."""
    return {bundle_folder(locale, number): {prefix + path: documents[prefix + path] for path in group}
            for number, group in enumerate(groups, start=1)}


def search_bundle(documents: dict[str, bytes], folder: str, merged: bool) -> dict[str, bytes]:
    """Pagefind's bundle for these documents (page path -> bytes), as site paths under `folder` -> bytes;
    without the engine when `merged` into a first bundle."""
    bundle = {folder + path: data for path, data in _pagefind(documents).items()
              if not (merged and path.startswith(ENGINE_PREFIXES))}
    entry = folder + ENTRY_FILE
    if entry in bundle:
        bundle[entry] = _canonical_json(json.loads(bundle[entry]))
    return bundle


def _pagefind(documents: dict[str, bytes]) -> dict[str, bytes]:
    """One Pagefind run over these documents (page path -> bytes): its files, by path in the bundle."""
    scratch = _scratch_folder()
    _sweep_scratch(scratch)
    with tempfile.TemporaryDirectory(prefix=f"{SCRATCH_PREFIX}{os.getpid()}-", dir=scratch) as temp:
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
            path.relative_to(out).as_posix(): path.read_bytes()
            for path in sorted(out.rglob("*"))
            if path.is_file() and not path.name.startswith(UNUSED_PREFIXES)
        }


def _scratch_folder() -> str | None:
    """Memory-backed scratch space where the system has it: Pagefind's input and output are
    thousands of small files read once, and creating files on a disk costs far more."""
    shared_memory = Path("/dev/shm")
    return str(shared_memory) if shared_memory.is_dir() and os.access(shared_memory, os.W_OK) else None


SCRATCH_PREFIX = "atlas-pagefind-"  # then the process id, a dash, and tempfile's random part
# A run takes seconds; a folder untouched for this long whose process is not running here is left
# over. The age also spares a run in another PID namespace sharing /dev/shm (a container with the
# host's IPC), whose process this one cannot see.
SCRATCH_LEFT_OVER_SECONDS = 3600


@functools.cache
def _sweep_scratch(scratch: str | None) -> None:
    """Delete the scratch folders of Pagefind runs whose process is gone, once a process. One killed
    outright (SIGKILL, a closed terminal) leaves its folder, in memory under /dev/shm until the
    machine restarts."""
    if os.name != "posix":  # os.kill(pid, 0) asks whether a process runs on POSIX only
        return
    before = time.time() - SCRATCH_LEFT_OVER_SECONDS
    for path in Path(scratch or tempfile.gettempdir()).glob(f"{SCRATCH_PREFIX}*-*"):
        owner = path.name[len(SCRATCH_PREFIX):].split("-", 1)[0]
        try:
            found = path.stat()
            if owner.isdigit() and found.st_uid == os.getuid() and found.st_mtime < before and not _running(int(owner)):
                shutil.rmtree(path, ignore_errors=True)
        except OSError:  # gone already: its own process finished with it
            continue


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's
        return True
    return True


def _canonical_json(data: Any) -> bytes:
    """JSON with its keys sorted, compact as Pagefind writes it."""
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


@dataclass
class SearchCache:
    """The last build's search documents, the template they came from, and each bundle's documents' digest and files."""

    template: str = ""  # the fingerprint of search/record.html
    pages_per_index: int = 0
    documents: dict[str, bytes] = field(default_factory=dict)
    bundles: dict[str, tuple[str, list[str]]] = field(default_factory=dict)  # folder -> (digest, its files)
    changed: bool = False

    @classmethod
    def load(cls, path: Path) -> "SearchCache":
        try:
            with path.open("rb") as handle:
                version, template, pages_per_index, documents, bundles = pickle.load(handle)
            if version == CACHE_FORMAT:
                return cls(template, pages_per_index, documents, bundles)
        except (OSError, pickle.UnpicklingError, ValueError, EOFError, TypeError):
            pass
        return cls()

    def forget_bundles_of(self, files: Iterable[str]) -> None:
        """Forget the bundles that made any of these files, so that the next build indexes them again."""
        files = set(files)
        for folder, (_, made) in list(self.bundles.items()):
            if not files.isdisjoint(made):
                del self.bundles[folder]
                self.changed = True

    def save(self, path: Path) -> None:
        if self.changed:
            save_pickle(path, (CACHE_FORMAT, self.template, self.pages_per_index, self.documents, self.bundles))
            self.changed = False


CACHE_FORMAT = 2


def index_for_search(routes: list[Route], renderer: Renderer, writer: SiteWriter, result: RenderResult,
                     present: Callable[[str], bool], cache: SearchCache, template_fingerprint: str,
                     groups: list[list[str]], defer: bool = False, known_routes: bool = False) -> list[PendingBundle]:
    """Run Pagefind again for the bundles whose documents changed; keep the others in place (those whose
    files are all `present` in the output). `groups`: each bundle's pages (bundle_members).

    With `defer`, the bundles whose documents changed keep their last files for now and are
    returned, for `index_pending` to run Pagefind over later. `known_routes`: the routes are those
    the cache's documents and bundles were made from (pipeline.render_site), whose files are in place."""
    pages_per_index = renderer.catalog.site.search.pages_per_index
    folders = {bundle_folder(locale, number) for locale in renderer.catalog.site.locales
               for number in range(1, len(groups) + 1)}
    if known_routes and _all_as_they_were(cache, result, template_fingerprint, pages_per_index, folders):
        # A price edit changes no document: at 10,000 models, gathering and comparing the 20,000
        # documents and splitting them into bundles again took 50 ms of its rebuild.
        for _, files in cache.bundles.values():
            result.outputs.update(files)
        return []
    by_locale = _documents(routes, renderer, result, cache, template_fingerprint)
    documents = {path: data for pages in by_locale.values() for path, data in pages.items()}
    # Bundles hold what they held last time when the pages and the split are the same; those
    # whose documents are the same bytes keep their digest unhashed (20 MB at 10,000 models).
    same_split = documents.keys() == cache.documents.keys() and pages_per_index == cache.pages_per_index
    changed = {path for path, data in documents.items()
               if (before := cache.documents.get(path)) is not data and before != data}
    bundles: dict[str, tuple[str, list[str]]] = {}
    pending: list[PendingBundle] | None = [] if defer else None
    now: list[PendingBundle] = []  # to index in this build
    for locale, pages in by_locale.items():
        split = split_into_bundles(pages, locale, renderer.urls.prefix(locale), groups)
        first = next(iter(split), None)
        for folder, members in split.items():
            known = cache.bundles.get(folder)
            unchanged = known is not None and known[0] != PENDING and same_split and changed.isdisjoint(members)
            kept = _keep_or_defer(PendingBundle(folder, members, folder != first, known[0] if unchanged else ""),
                                  known, result, present, pending, now)
            if kept is not None:
                bundles[folder] = kept
    for bundle, found in _indexed(now, pages_per_index):
        files = _write_bundle(found, writer)
        for path, was_written in files.items():
            result.add(path, was_written)
        bundles[bundle.folder] = (bundle.key, sorted(files))
    cache.changed = (cache.changed or bundles != cache.bundles or bool(changed) or not same_split
                     or cache.template != template_fingerprint)
    cache.template, cache.pages_per_index, cache.documents, cache.bundles = (
        template_fingerprint, pages_per_index, documents, bundles)
    return pending or []


def _all_as_they_were(cache: SearchCache, result: RenderResult, template_fingerprint: str, pages_per_index: int,
                      folders: set[str]) -> bool:
    """Whether the cache's bundles are those of the site (`folders`), indexed and current: made with
    this template and split, and the documents of the pages rendered now are the bytes they were."""
    return (cache.template == template_fingerprint and cache.pages_per_index == pages_per_index
            and cache.bundles.keys() == folders and all(key != PENDING for key, _ in cache.bundles.values())
            and all(cache.documents.get(path) == data for path, data in result.documents.items()))


def index_pending(pending: list[PendingBundle], cache: SearchCache, writer: SiteWriter,
                  outputs: set[str], written: set[str]) -> None:
    """Run Pagefind for the bundles a build deferred, and write their files: `outputs`, the site's
    files, loses each bundle's last files and gains its new ones, and `written` gains those written,
    bundle by bundle (a failure leaves the bundles after it pending in `cache`)."""
    for bundle, found in _indexed(pending, cache.pages_per_index):
        files = _write_bundle(found, writer)
        written.update(path for path, was_written in files.items() if was_written)
        outputs.difference_update(cache.bundles.get(bundle.folder, (PENDING, []))[1])
        outputs.update(files)
        cache.bundles[bundle.folder] = (bundle.key, sorted(files))
        cache.changed = True


def _documents(routes: list[Route], renderer: Renderer, result: RenderResult, cache: SearchCache,
               template_fingerprint: str) -> dict[str, dict[str, bytes]]:
    """Every searchable page's document, by locale and page path.

    The render workers make the documents of the pages they render. A page's document shows
    a subset of what the page shows, so a page that was current has the document it had
    (unless the document's template changed).
    """
    by_locale: dict[str, dict[str, bytes]] = {locale: {} for locale in renderer.catalog.site.locales}
    for route in routes:
        if not searchable(route):
            continue
        for locale, pages in by_locale.items():
            path = renderer.urls.prefix(locale) + route.output_file
            known = result.documents.get(path)
            if known is None and cache.template == template_fingerprint:
                known = cache.documents.get(path)  # the page was current, so its document is too
            pages[path] = known if known is not None else search_document(renderer, route, locale)
    return by_locale


def _keep_or_defer(bundle: PendingBundle, known: tuple[str, list[str]] | None, result: RenderResult,
                   present: Callable[[str], bool], pending: list[PendingBundle] | None,
                   now: list[PendingBundle]) -> tuple[str, list[str]] | None:
    """One bundle: kept in place when its documents are those it was built from (`known`: their
    digest and its files; `bundle.key`: their digest now, when known without hashing); else added
    to `pending` with its last files kept until then (when it has some), or to `now` (None)."""
    key = bundle.key or digest(b"\0".join(path.encode() + b"\0" + data for path, data in bundle.members.items()))
    bundle = replace(bundle, key=key)
    in_place = known is not None and all(map(present, known[1]))
    if in_place and known[0] == key:
        result.outputs.update(known[1])
        return known
    # A bundle without files yet is indexed now: the search page lists it from the reload on.
    if pending is not None and in_place and known[1]:
        pending.append(bundle)
        result.outputs.update(known[1])
        return PENDING, known[1]
    now.append(bundle)
    return None


def _indexed(bundles: list[PendingBundle], pages_per_index: int) -> Iterator[tuple[PendingBundle, dict[str, bytes]]]:
    """Each bundle with its files (site path -> bytes), in order. Bundles whose documents together
    fit in one bundle (`pages_per_index`, the bound on Pagefind's memory) run at once, one a
    core: together they hold no more than one full bundle's run. At 1,000 models the two
    languages' bundles took 0.97–1.13 s one after the other, 0.74–0.83 s at once."""
    def index(bundle: PendingBundle) -> dict[str, bytes]:
        return search_bundle(bundle.members, bundle.folder, bundle.merged)

    for batch in _batches(bundles, pages_per_index, os.cpu_count() or 1):
        if len(batch) == 1:
            yield batch[0], index(batch[0])
            continue
        with ThreadPoolExecutor(len(batch), thread_name_prefix="pagefind") as runs:  # each waits on its process
            yield from zip(batch, runs.map(index, batch))


def _write_bundle(files: dict[str, bytes], writer: SiteWriter) -> dict[str, bool]:
    """A bundle's files handed to `writer`: each file, and whether it was written."""
    return {path: writer.put(path, data) for path, data in files.items()}


def _batches(bundles: list[PendingBundle], pages_per_index: int, cores: int) -> Iterator[list[PendingBundle]]:
    """Consecutive bundles, as many at once as cores allow and their documents together fit in one bundle."""
    batch: list[PendingBundle] = []
    documents = 0
    for bundle in bundles:
        if batch and (documents + len(bundle.members) > pages_per_index or len(batch) == cores):
            yield batch
            batch, documents = [], 0
        batch.append(bundle)
        documents += len(bundle.members)
    if batch:
        yield batch


def searchable(route: Route) -> bool:
    """Whether a page gets a search document: the later pages of a list lead nowhere its first does not."""
    return route.kind in SEARCHABLE_KINDS and (route.pager is None or route.pager.number == 1)


def search_document(renderer: Renderer, route: Route, locale: str) -> bytes:
    """The short document Pagefind indexes for a page: same path, same context, its own template."""
    return renderer.render(replace(route, template=DOCUMENT_TEMPLATE), locale).encode("utf-8")
