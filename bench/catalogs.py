"""The catalogs the benchmark builds, each in its own temporary project folder.

A project folder is made the way tests/test_hostile.py makes one: symlinks to
templates/, static/, locales/, atlas/ and build.py, and a content/ folder of its own.
The symlinks point at a snapshot of the repository taken when the run starts, so one
run measures one state of the code even while someone edits the repository (and the
dev server's watcher does not see those edits). Making a catalog is never timed.
"""

from __future__ import annotations

import compileall
import hashlib
import json
import math
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent
SHARED = ("templates", "static", "locales", "atlas", "build.py")
CONTENT_COPIED = ("site.yaml", "fit-scores.yaml", "providers")
MODELS_DEV_FILE = Path("/work/shared/data/models-dev-catalog.json")
IMPORT_DATE = "2026-07-02"
EDITED_MODEL = "o4-mini"  # edited in every catalog when it is there (it is in all of them today)


@dataclass(frozen=True)
class Catalog:
    name: str  # "import" or "synthetic-1000"
    kind: str  # "import" | "synthetic"
    root: Path  # the temporary project folder
    out: Path  # the output folder the benchmark builds into (outside the project)

    @property
    def content(self) -> Path:
        return self.root / "content"

    @property
    def models(self) -> int:
        return sum(1 for _ in (self.content / "models").glob("*.yaml"))

    @property
    def providers(self) -> int:
        return sum(1 for _ in (self.content / "providers").glob("*.yaml"))


def snapshot(folder: Path) -> tuple[Path, str]:
    """Copy the code, templates, static files, translations and content; returns (folder, fingerprint).

    The fingerprint is a SHA-256 over every copied file, so results from an uncommitted
    state of the code can be told apart (the commit alone does not say).
    """
    folder.mkdir(parents=True)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "*.mo")
    for name in (*SHARED, "content"):
        source = REPO / name
        if source.is_dir():
            shutil.copytree(source, folder / name, ignore=ignore)
        else:
            shutil.copy2(source, folder / name)
    compileall.compile_dir(folder / "atlas", quiet=1)  # no bytecode compiling inside a timed build
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
        digest.update(path.relative_to(folder).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return folder, digest.hexdigest()


def new_project(folder: Path, code: Path) -> Path:
    """A project folder sharing the snapshot's code and templates, with a content/ of its own."""
    root = folder / "project"
    root.mkdir(parents=True)
    for name in SHARED:
        (root / name).symlink_to(code / name)
    content = root / "content"
    content.mkdir()
    for name in CONTENT_COPIED:
        source = code / "content" / name
        if source.is_dir():
            shutil.copytree(source, content / name)
        else:
            shutil.copy2(source, content / name)
    (content / "models").mkdir(exist_ok=True)
    return root


def import_catalog(folder: Path, code: Path, source: Path, env: dict[str, str], log: Path) -> Catalog:
    """The real models.dev snapshot, imported by the project's own importer."""
    root = new_project(folder, code)
    command = [sys.executable, "build.py", "import", "models-dev", str(source),
               "--content", str(root / "content"), "--date", IMPORT_DATE]
    with open(log, "w", encoding="utf-8") as handle:
        result = subprocess.run(command, cwd=root, stdout=handle, stderr=subprocess.STDOUT, env=env)
    if result.returncode != 0:
        raise RuntimeError(f"the import failed (exit {result.returncode}); see {log}")
    return Catalog("import", "import", root, folder / "out")


def synthetic_catalog(folder: Path, code: Path, size: int) -> Catalog:
    """`size` models: the real content/models/*.yaml records, replicated under suffixed ids.

    Replica 0 keeps the real ids (so site.yaml's declared compare pairs still resolve);
    replica k renames `<id>` to `<id>-r<k>`, points `alternatives` and `successor` at
    the same replica and suffixes the display `name` (validation refuses two models of
    one maker with the same name). Everything else is the original text, byte for byte.
    The last replica may be partial: a reference to a record it lacks points at replica 0.
    """
    root = new_project(folder, code)
    models = root / "content" / "models"
    templates = [RecordTemplate(path) for path in sorted((code / "content" / "models").glob("*.yaml"))]
    ids = [t.id for t in templates]
    written = 0
    for replica in range(math.ceil(size / len(templates))):
        members = templates[: min(len(templates), size - written)]
        present = {t.id for t in members}
        for template in members:
            suffix = f"-r{replica}" if replica else ""

            def ref(target: str, suffix=suffix, present=present) -> str | None:
                if target in present:
                    return target + suffix
                return target if target in ids and size >= len(ids) else None

            (models / f"{template.id}{suffix}.yaml").write_text(template.render(replica, ref), encoding="utf-8")
            written += 1
    return Catalog(f"synthetic-{size}", "synthetic", root, folder / "out")


class RecordTemplate:
    """One real record's text, with its top-level name / alternatives / successor lines replaceable."""

    KEYS = ("name", "alternatives", "successor")

    def __init__(self, path: Path):
        self.id = path.stem
        self.text = path.read_text(encoding="utf-8")
        self.data = yaml.safe_load(self.text)
        self.lines = self.text.splitlines(keepends=True)
        self.spans: dict[str, tuple[int, int]] = {}  # key -> (first line, end line) in self.lines
        for index, line in enumerate(self.lines):
            key = line.split(":", 1)[0]
            if key in self.KEYS and not line.startswith((" ", "\t", "#")):
                end = index + 1
                while end < len(self.lines) and self.lines[end].startswith((" ", "-")) and \
                        not self.lines[end].strip().startswith("#") and self.lines[end].strip():
                    end += 1  # a block list or folded value under the key
                self.spans[key] = (index, end)
        self._check()

    def render(self, replica: int, ref) -> str:
        if replica == 0 and all(ref(a) == a for a in self._references()):
            return self.text
        values = {"name": json.dumps(f"{self.data['name']} (r{replica})" if replica else self.data["name"],
                                     ensure_ascii=False)}
        if "alternatives" in self.spans:
            values["alternatives"] = json.dumps([r for r in map(ref, self.data.get("alternatives") or []) if r])
        if "successor" in self.spans and self.data.get("successor"):
            target = ref(self.data["successor"])
            values["successor"] = json.dumps(target) if target else "null"
        lines = list(self.lines)
        for key, (start, end) in sorted(self.spans.items(), key=lambda item: -item[1][0]):
            if key in values:
                lines[start:end] = [f"{key}: {values[key]}\n"]
        return "".join(lines)

    def _references(self) -> list[str]:
        return [*(self.data.get("alternatives") or []), *([self.data["successor"]] if self.data.get("successor") else [])]

    def _check(self) -> None:
        """The rewrite changes exactly the three keys and nothing else (checked on replica 1)."""
        rendered = yaml.safe_load(self.render(1, lambda target: target + "-r1"))
        expected = dict(self.data)
        expected["name"] = f"{self.data['name']} (r1)"
        if self.data.get("alternatives"):
            expected["alternatives"] = [a + "-r1" for a in self.data["alternatives"]]
        if self.data.get("successor"):
            expected["successor"] = self.data["successor"] + "-r1"
        if rendered != expected:
            raise RuntimeError(f"cannot replicate {self.id}.yaml: rewriting name/alternatives/successor "
                               f"changed other fields")


# --- the one-record edit ---------------------------------------------------------

PRICING = re.compile(r"^pricing:\s*(#.*)?$")
INPUT = re.compile(r"^(  input:\s*)([0-9.eE+-]+)(.*)$")


def edit_target(content: Path) -> Path:
    """The record the benchmark edits: o4-mini when present, else the first with a pricing.input line."""
    preferred = content / "models" / f"{EDITED_MODEL}.yaml"
    candidates = [preferred] if preferred.exists() else []
    candidates += sorted((content / "models").glob("*.yaml"))
    for path in candidates:
        if _input_line(path.read_text(encoding="utf-8").splitlines(keepends=True)) is not None:
            return path
    raise RuntimeError(f"no model in {content} has a pricing.input line to edit")


def set_input_price(path: Path, change: float) -> tuple[str, str]:
    """Add `change` to the model's pricing.input, in place; returns (old text, new value)."""
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines(keepends=True)
    index = _input_line(lines)
    if index is None:
        raise RuntimeError(f"{path} has no pricing.input line")
    match = INPUT.match(lines[index].rstrip("\n"))
    value = f"{round(float(match.group(2)) + change, 4):g}"
    lines[index] = f"{match.group(1)}{value}{match.group(3)}\n"
    path.write_text("".join(lines), encoding="utf-8")
    return text, value


def append_to_tagline(path: Path, words: str) -> str:
    """Add `words` to the end of the record's (English) tagline, in place; returns the old text.

    A tagline is in the record's search document, so this edit also sends its bundle in
    each language through Pagefind, where a price edit does not. The tagline is a plain
    or quoted scalar on its own line, or a map of languages whose `en:` follows it."""
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines(keepends=True)
    index = next((i for i, line in enumerate(lines) if line.startswith("tagline:")), None)
    if index is None:
        raise RuntimeError(f"{path} has no tagline")
    if lines[index].rstrip("\n") == "tagline:":
        index = next(i for i in range(index + 1, len(lines)) if lines[i].startswith("  en:"))
    key, _, value = lines[index].rstrip("\n").partition(": ")
    if value[:1] in ("{", "[", "|", ">", ""):
        raise RuntimeError(f"{path}: the benchmark edits a tagline on one line, not {lines[index].strip()!r}")
    quoted = len(value) >= 2 and value[0] == value[-1] and value[0] in "'\""
    value = f"{value[:-1]} {words}{value[-1]}" if quoted else f"{value} {words}"
    lines[index] = f"{key}: {value}\n"
    path.write_text("".join(lines), encoding="utf-8")
    return text


def _input_line(lines: list[str]) -> int | None:
    inside = False
    for index, line in enumerate(lines):
        if PRICING.match(line.rstrip("\n")):
            inside = True
        elif inside and line.strip() and not line.startswith((" ", "#")):
            return None
        elif inside and INPUT.match(line.rstrip("\n")):
            return index
    return None


# --- caches ----------------------------------------------------------------------

CACHE_NAME = re.compile(r"cache", re.IGNORECASE)


def clear_caches(folders: list[Path]) -> list[str]:
    """Delete every folder named like a cache (.atlas-cache, cache/, ...) under `folders`.

    Symlinks are never followed or removed (the project's atlas/ is the repository's),
    and __pycache__ (Python bytecode, not the build's) is kept.
    """
    removed = []
    for folder in folders:
        if not folder.is_dir():
            continue
        for directory, dirs, _ in os.walk(folder):
            for name in list(dirs):
                path = Path(directory) / name
                if path.is_symlink():
                    dirs.remove(name)
                elif CACHE_NAME.search(name) and name != "__pycache__":
                    shutil.rmtree(path)
                    removed.append(str(path))
                    dirs.remove(name)
    return removed


def count_files(folder: Path) -> int:
    return sum(len(names) for _, _, names in os.walk(folder))


def remove_output(out: Path) -> None:
    """The output folder and the staging folders write.py keeps beside it."""
    for path in (out, *out.parent.glob(f".{out.name}.*")):
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)
