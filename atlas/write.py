"""Stage 6, write: swap a complete new site into place, touching only changed files.

The new tree is assembled beside the output folder: unchanged files are hard
links to the current ones (same bytes, same inode, same mtime), changed files are
written fresh. Only when the whole tree is ready does a rename put it in place,
so a failed or killed build leaves the previous site exactly as it was.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

MARKER = ".model-atlas-output"


class OutputFolderError(Exception):
    """The output folder is one the generator must not replace."""


@dataclass(frozen=True)
class WriteStats:
    written: int
    unchanged: int
    removed: int


def check_output_folder(out_dir: Path, project_root: Path) -> None:
    out = out_dir.resolve()
    forbidden = {Path("/").resolve(), Path.home().resolve(), project_root.resolve()}
    if out in forbidden or out in project_root.resolve().parents:
        raise OutputFolderError(f"refusing to write the site into {out}: it would replace that whole folder")
    for folder in ("content", "templates", "locales", "atlas", "tests", "static"):
        if out == (project_root / folder).resolve():
            raise OutputFolderError(f"refusing to write the site into the project's own {folder}/ folder")
    if out.is_dir() and any(out.iterdir()) and not (out / MARKER).exists():
        raise OutputFolderError(
            f"refusing to replace {out}: it holds files this generator did not write "
            f"(no {MARKER} file). Empty it or choose another --out folder.")


def write_site(files: dict[str, bytes], out_dir: Path, keep: set[str] = frozenset(),
               atomic: bool = True) -> WriteStats:
    """Make `out_dir` hold exactly `files` (relative path -> bytes) plus the `keep` files it already has.

    `atomic=False` (the dev server) replaces changed files one by one in place: each
    file is still whole at every moment, but a killed build may leave a mix of old
    and new pages, which a preview can afford and a deployed site cannot.
    """
    files = {**files, MARKER: b"Written by Model Atlas; the whole folder is replaced on each build.\n"}
    _recover_interrupted_swap(out_dir)
    keep = set(keep) - files.keys()
    changed = {relative for relative, data in files.items() if not _same_bytes(out_dir / relative, data)}
    stale = _existing_files(out_dir) - files.keys() - keep
    removed = len(stale)
    unchanged = len(files) - len(changed) + len(keep)
    if not changed and not removed:
        return WriteStats(0, unchanged, 0)  # nothing to do: the site in place is already this one
    if not atomic and out_dir.is_dir():
        _update_in_place(out_dir, files, changed, stale)
        return WriteStats(len(changed), unchanged, removed)
    staging = out_dir.with_name(f".{out_dir.name}.new")
    if staging.exists():
        shutil.rmtree(staging)
    staging.mkdir(parents=True)
    linked = keep | (files.keys() - changed)
    for folder in sorted({os.path.dirname(relative) for relative in linked | changed} - {""}):
        (staging / folder).mkdir(parents=True, exist_ok=True)
    for relative in linked:
        os.link(out_dir / relative, staging / relative)
    for relative in sorted(changed):
        (staging / relative).write_bytes(files[relative])
    _swap(staging, out_dir)
    return WriteStats(len(changed), unchanged, removed)


def _update_in_place(out_dir: Path, files: dict[str, bytes], changed: set[str], stale: set[str]) -> None:
    for relative in sorted(changed):
        target = out_dir / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        temporary = target.with_name(f".{target.name}.tmp")
        temporary.write_bytes(files[relative])
        os.replace(temporary, target)  # readers see the old file or the new one, never half of one
    for relative in stale:
        (out_dir / relative).unlink(missing_ok=True)


def _same_bytes(path: Path, data: bytes) -> bool:
    try:
        if path.stat().st_size != len(data):
            return False
        return path.read_bytes() == data
    except (FileNotFoundError, NotADirectoryError, IsADirectoryError):
        return False


def _existing_files(folder: Path) -> set[str]:
    if not folder.is_dir():
        return set()
    return {
        (Path(directory) / name).relative_to(folder).as_posix()
        for directory, _, names in os.walk(folder)
        for name in names
    }


def _swap(staging: Path, out_dir: Path) -> None:
    old = out_dir.with_name(f".{out_dir.name}.old")
    if old.exists():
        shutil.rmtree(old)
    if out_dir.exists():
        os.rename(out_dir, old)
    os.rename(staging, out_dir)
    if old.exists():
        shutil.rmtree(old)


def _recover_interrupted_swap(out_dir: Path) -> None:
    """A build killed between the two renames leaves only the old tree: put it back."""
    old = out_dir.with_name(f".{out_dir.name}.old")
    if old.is_dir() and not out_dir.exists():
        os.rename(old, out_dir)
