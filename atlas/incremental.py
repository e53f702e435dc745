"""What a build can skip: each page's dependencies and their fingerprints, kept between runs.

A page is rendered again only when something it depends on changed: a record it
shows, a template or partial it loaded, its locale's translations, the site
configuration, the static assets or the generator itself. The state lives in
`.atlas-cache/` beside the project; deleting that folder only costs one full build.
"""

from __future__ import annotations

import hashlib
import pickle
from dataclasses import dataclass, field
from pathlib import Path

CACHE_FOLDER = ".atlas-cache"
FORMAT = 1  # bump when the state's shape changes; an old state is then ignored

Fingerprints = dict[str, str]


def digest(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=12).hexdigest()


def fingerprint_files(prefix: str, folder: Path, pattern: str) -> Fingerprints:
    return {f"{prefix}{path.relative_to(folder).as_posix()}": digest(path.read_bytes())
            for path in sorted(folder.rglob(pattern)) if path.is_file()}


@dataclass
class BuildState:
    """Per output file: the fingerprints of everything it depended on when it was written."""

    path: Path
    pages: dict[str, dict[str, str]] = field(default_factory=dict)

    @classmethod
    def load(cls, cache_dir: Path, output_dir: Path) -> "BuildState":
        key = digest(str(output_dir.resolve()).encode())
        path = cache_dir / f"build-{key}.pickle"
        try:
            with path.open("rb") as handle:
                version, pages = pickle.load(handle)
            if version == FORMAT:
                return cls(path, pages)
        except (OSError, pickle.UnpicklingError, ValueError, EOFError, TypeError):
            pass
        return cls(path)

    def is_current(self, output_file: str, depends_on: frozenset[str], now: Fingerprints, output_dir: Path) -> bool:
        recorded = self.pages.get(output_file)
        if recorded is None or not (output_dir / output_file).is_file():
            return False
        data_deps = {name for name in recorded if not name.startswith("template:")}
        if data_deps != set(depends_on):
            return False  # the page now shows other records (new neighbours, say)
        return all(now.get(name, "") == value for name, value in recorded.items())

    def record(self, output_file: str, depends_on: frozenset[str], templates: frozenset[str],
               now: Fingerprints) -> None:
        names = set(depends_on) | {f"template:{name}" for name in templates}
        self.pages[output_file] = {name: now.get(name, "") for name in names}

    def save(self, keep: set[str]) -> None:
        self.pages = {name: deps for name, deps in self.pages.items() if name in keep}
        self.path.parent.mkdir(parents=True, exist_ok=True)
        temporary = self.path.with_suffix(".tmp")
        with temporary.open("wb") as handle:
            pickle.dump((FORMAT, self.pages), handle, protocol=pickle.HIGHEST_PROTOCOL)
        temporary.replace(self.path)
