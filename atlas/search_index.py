"""Stage 5b, search index: Pagefind over the rendered pages, into the site's file dict.

Pagefind (the `pagefind[bin]` package ships its binary) indexes the pages that mark their
content with `data-pagefind-body`, one index per `<html lang>`, so a Spanish page searches
the Spanish pages only. It runs on a temporary copy of those pages and its output is added to
the in-memory site before `write_site`, so the atomic swap and "an unchanged build writes
nothing" hold for the index too. Pagefind names its files by content hash and writes the same
bytes for the same pages, except the language order in `pagefind-entry.json` (a Rust hash map:
it changes from run to run, and no option fixes it), which is rewritten with sorted keys here,
so two builds are byte-identical.
"""

from __future__ import annotations

import json
import subprocess
import tempfile
from pathlib import Path

OUTPUT_FOLDER = "pagefind"
ENTRY_FILE = "pagefind-entry.json"
INDEXED_MARK = b"data-pagefind-body"
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


def search_index(files: dict[str, bytes]) -> dict[str, bytes]:
    """Pagefind's bundle for the pages in `files` (path -> bytes), as `pagefind/...` -> bytes."""
    pages = {path: data for path, data in files.items() if path.endswith(".html") and INDEXED_MARK in data}
    if not pages:
        return {}
    with tempfile.TemporaryDirectory(prefix="atlas-pagefind-") as temp:
        site, out = Path(temp) / "site", Path(temp) / "bundle"
        for path, data in pages.items():
            target = site / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        result = subprocess.run(
            [str(pagefind_binary()), "--site", str(site), "--output-path", str(out), "--silent"],
            capture_output=True, text=True, check=False)
        if result.returncode != 0:
            raise SearchIndexError(f"Pagefind failed ({result.returncode}): {result.stderr or result.stdout}")
        bundle = {
            f"{OUTPUT_FOLDER}/{path.relative_to(out).as_posix()}": path.read_bytes()
            for path in sorted(out.rglob("*"))
            if path.is_file() and not path.name.startswith(UNUSED_PREFIXES)
        }
    entry = f"{OUTPUT_FOLDER}/{ENTRY_FILE}"
    if entry in bundle:
        bundle[entry] = _canonical_json(bundle[entry])
    return bundle


def _canonical_json(data: bytes) -> bytes:
    """The same JSON with its keys sorted, compact as Pagefind writes it."""
    return json.dumps(json.loads(data), sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
