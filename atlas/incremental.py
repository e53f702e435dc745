"""What a build can skip: each page's dependencies and their fingerprints, kept between runs.

A page is rendered again only when something it depends on changed: a record it
shows, a template or partial it loaded, its locale's translations, the site
configuration, the static assets or the generator itself. The state lives in
`.atlas-cache/` beside the project; deleting that folder only costs one full build.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import sys
import tempfile
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

CACHE_FOLDER = ".atlas-cache"
FORMAT = 6  # bump when the state's shape changes; an old state is then ignored

Fingerprints = dict[str, str]
Depends = tuple[frozenset[str], ...]  # a file's dependency names, in shared parts (its route's, its locale's)


def digest(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=12).hexdigest()


def record_name(kind: str, record_id: str) -> str:
    """A record's dependency name, "models/o4-mini": one string object however many pages name it
    (a 10,000-model site names its records in hundreds of thousands of dependency sets)."""
    return sys.intern(f"{kind}/{record_id}")


def save_pickle(path: Path, value) -> None:
    """Replace `path` whole; a temporary name of its own, so two builds of one project never collide."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as stream:
            pickle.dump(value, stream, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(temporary, path)
    except BaseException:
        os.unlink(temporary)
        raise


def fingerprint_files(prefix: str, folder: Path, pattern: str) -> Fingerprints:
    return {f"{prefix}{path.relative_to(folder).as_posix()}": digest(path.read_bytes())
            for path in sorted(folder.rglob(pattern)) if path.is_file()}


_ABSENT = object()  # a name the last build had no fingerprint for


@dataclass
class BuildState:
    """What the last build depended on: each output file's dependency names, and one value per name.

    One set of values is enough: after a build, every file in the state is current with
    the fingerprints that build saw (it was rendered with them, or kept because they had
    not changed). So a file is stale exactly when one of its names changed since then,
    and a build works out the changed names once instead of comparing every file's.
    """

    path: Path
    files: dict[str, tuple[Depends, frozenset[str]]] = field(default_factory=dict)  # -> (depends, template names)
    fingerprints: Fingerprints = field(default_factory=dict)  # what the last build saw
    changed: frozenset[str] = frozenset()  # names whose fingerprint differs now; set by `compare`
    outputs: set[str] | None = None  # every file the last build left in the output folder, when known
    # Names the saved state, anew at each save: what is kept beside it for the same build (the
    # fragments a one-off builder keeps) carries the token, and goes unused if they differ.
    token: str = ""
    # The output folder's generation (output_lock.py) these files are in: the saved state is
    # trusted while the folder is still at it.
    generation: str = ""
    _templates: dict[frozenset[str], frozenset[str]] = field(default_factory=dict, repr=False)

    @classmethod
    def load(cls, cache_dir: Path, output_dir: Path, generation: str) -> "BuildState":
        """The state the last build saved, when the output folder is at the `generation` it describes;
        else an empty one (a full build)."""
        key = digest(str(output_dir.resolve()).encode())
        path = cache_dir / f"build-{key}.pickle"
        try:
            with path.open("rb") as handle:
                version, files, fingerprints, outputs, token, saved_generation = pickle.load(handle)
            if version == FORMAT and generation and saved_generation == generation:
                return cls(path, files, fingerprints, outputs=outputs, token=token, generation=generation)
        except (OSError, pickle.UnpicklingError, ValueError, EOFError, TypeError):
            pass
        return cls(path)

    def compare(self, now: Fingerprints) -> None:
        """Note which fingerprints changed since the last build; call once per build, before `is_current`."""
        before = self.fingerprints.get
        changed = [name for name, value in now.items() if before(name, _ABSENT) != value]
        self.changed = frozenset(changed).union(self.fingerprints.keys() - now.keys())
        self.fingerprints = dict(now)

    def is_current(self, output_file: str, depends_on: Depends, present: Callable[[str], bool]) -> bool:
        """Whether the file is as this build would make it; `present` tells whether it is still in the output."""
        recorded = self.files.get(output_file)
        if recorded is None:
            return False
        depends, templates = recorded
        if depends != depends_on:
            return False  # the page now shows other records (new neighbours, say)
        changed = self.changed
        if changed:
            if not templates.isdisjoint(changed):
                return False
            for part in depends_on:  # a loop, not all(<generator>): 130,000 files a build at 10,000 models
                if not part.isdisjoint(changed):
                    return False
        return present(output_file)  # not deleted by hand since

    def record(self, output_file: str, depends_on: Depends, templates: frozenset[str]) -> None:
        # The parts are shared by many files (a route's two languages, every page of one
        # locale) and so is a template set: one object each keeps the state small in memory
        # and on disk (pickle stores a shared object once).
        names = self._templates.get(templates)
        if names is None:
            names = self._templates[templates] = frozenset(f"template:{name}" for name in templates)
        self.files[output_file] = (depends_on, names)

    def forget(self, output_files: list[str]) -> None:
        """Forget what these files depend on, so that the next build makes them again."""
        for output_file in output_files:
            self.files.pop(output_file, None)

    def settle(self, outputs: set[str], generation: str) -> None:
        """Keep what the files in `outputs`, the whole site now at `generation`, depend on."""
        for name in self.files.keys() - outputs:  # a deleted record's pages; usually none
            del self.files[name]
        self.outputs, self.generation = outputs, generation

    def save(self) -> None:
        self.token = uuid.uuid4().hex
        save_pickle(self.path, (FORMAT, self.files, self.fingerprints, self.outputs, self.token, self.generation))
