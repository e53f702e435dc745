"""Data changes from the content's git history: new models, price and context changes, deprecations.

Field-level differences between consecutive versions of each model file. Two git
processes in all (one `log`, one `cat-file --batch`), however long the history.
Outside a git checkout there is no history, and the build says so.
"""

from __future__ import annotations

import datetime as dt
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from .load import _ContentLoader

TRACKED_FIELDS = (
    ("pricing", "input"),
    ("pricing", "output"),
    ("pricing", "cached_input"),
    ("limits", "context"),
    ("limits", "max_output"),
    ("status",),
)


@dataclass(frozen=True)
class Change:
    when: dt.datetime
    commit: str
    model_id: str
    kind: str  # added | removed | price | context | max_output | status
    field: str | None = None
    old: Any = None
    new: Any = None


def read_history(content_dir: Path) -> list[Change] | None:
    """Every tracked change, oldest first; None when the content is not in a git checkout."""
    top = _git(content_dir, "rev-parse", "--show-toplevel")
    if top is None:
        return None
    root = Path(top.strip())
    models_dir = (content_dir / "models").resolve()
    try:
        relative = models_dir.relative_to(root.resolve()).as_posix()
    except ValueError:
        return None
    log = _git(root, "log", "--reverse", "--no-renames", "--format=@%H %cI", "--name-status", "--", relative)
    if log is None:
        return None
    commits = _parse_log(log)
    wanted = []
    for commit, _, files in commits:
        for status, path in files:
            wanted.append(f"{commit}:{path}" if status != "D" else None)
    blobs = _cat_files(root, [w for w in wanted if w])
    return list(_changes(commits, blobs))


def _parse_log(log: str) -> list[tuple[str, dt.datetime, list[tuple[str, str]]]]:
    commits = []
    for line in log.splitlines():
        if line.startswith("@"):
            commit, when = line[1:].split(" ", 1)
            commits.append((commit, dt.datetime.fromisoformat(when), []))
        elif line.strip() and commits:
            status, path = line.split("\t", 1)
            if path.endswith(".yaml"):
                commits[-1][2].append((status[0], path))
    return commits


def _changes(commits, blobs: dict[str, Any]):
    current: dict[str, Any] = {}  # path -> last parsed version
    for commit, when, files in commits:
        for status, path in files:
            model_id = Path(path).stem
            before = current.get(path)
            if status == "D":
                current.pop(path, None)
                if before is not None:
                    yield Change(when, commit, model_id, "removed")
                continue
            after = blobs.get(f"{commit}:{path}")
            if not isinstance(after, dict):
                continue  # a broken version: it never built, so it never was published
            current[path] = after
            if before is None:
                yield Change(when, commit, model_id, "added")
                continue
            for field_path in TRACKED_FIELDS:
                old, new = _dig(before, field_path), _dig(after, field_path)
                if old != new:
                    yield Change(when, commit, model_id, _kind(field_path), ".".join(field_path), old, new)


def _kind(field_path: tuple[str, ...]) -> str:
    if field_path[0] == "pricing":
        return "price"
    return field_path[-1]


def _dig(data: Any, path: tuple[str, ...]) -> Any:
    for key in path:
        if not isinstance(data, dict):
            return None
        data = data.get(key)
    return data


def _git(cwd: Path, *args: str, stdin: bytes | None = None) -> str | None:
    try:
        result = subprocess.run(["git", *args], cwd=cwd, capture_output=True, input=stdin, check=False)
    except (FileNotFoundError, NotADirectoryError):
        return None
    return result.stdout.decode("utf-8", "replace") if result.returncode == 0 else None


def _cat_files(root: Path, specs: list[str]) -> dict[str, Any]:
    if not specs:
        return {}
    result = subprocess.run(["git", "cat-file", "--batch"], cwd=root, input="\n".join(specs).encode() + b"\n",
                            capture_output=True, check=True)
    output = result.stdout
    blobs: dict[str, Any] = {}
    position = 0
    for spec in specs:
        end = output.index(b"\n", position)
        header = output[position:end].decode()
        position = end + 1
        if header.endswith("missing"):
            continue
        size = int(header.rsplit(" ", 1)[1])
        body = output[position:position + size]
        position += size + 1
        blobs[spec] = _parse(body)
    return blobs


def _parse(body: bytes) -> Any:
    try:
        return yaml.load(body.decode("utf-8"), Loader=_ContentLoader)  # noqa: S506 - a safe loader
    except (yaml.YAMLError, UnicodeDecodeError):
        return None
