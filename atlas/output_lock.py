"""One build at a time writes an output folder, and each can tell whether another wrote it since.

A lock file beside the output folder (`.site.lock`, next to `.site.new` and `.site.journal`)
is held (flock) by a build from before it reads its build state until that state is
saved. A second build into the same folder, a `build.py build` beside a running dev server
say, waits for the first: two builds at once deleted each other's staging tree. The dev
server does not wait (will_not_wait): it goes on serving and rebuilds once the other is done.

The file also holds the folder's generation: a new id each time a build changes what is
in it. A saved build state carries the generation of the output it describes, and a
long-lived builder remembers the last one it wrote; either is trusted only while the
folder is still at that generation. So a build killed after its commit but before saving
its state, or another build writing the folder between two of the dev server's, costs a
full build, not pages of the other build taken for current ones.
"""

from __future__ import annotations

import os
import sys
import uuid
from pathlib import Path
from typing import IO, Callable

try:
    import fcntl
except ImportError:  # pragma: no cover - not on Windows: builds there are not kept apart
    fcntl = None  # type: ignore[assignment]


class OutputBusy(Exception):
    """Another build holds the output folder, and the caller will not wait (the dev server)."""


def say_waiting(message: str) -> None:
    print(f"{message}: waiting for it to finish", file=sys.stderr, flush=True)


def will_not_wait(message: str) -> None:
    """An `on_wait` for a caller that must not block: it raises OutputBusy instead."""
    raise OutputBusy(message)


class OutputLock:
    """`with OutputLock(out_dir) as lock:` holds the output folder; `lock.generation` is its generation."""

    def __init__(self, out_dir: Path, on_wait: Callable[[str], None] = say_waiting):
        """`on_wait` hears that another build holds the folder, before this one waits for it (or,
        raising, does not: will_not_wait)."""
        self.out_dir = out_dir
        self.path = lock_file(out_dir)
        self.on_wait = on_wait
        self.generation = ""
        self._handle: IO[bytes] | None = None

    def __enter__(self) -> "OutputLock":
        self.path.parent.mkdir(parents=True, exist_ok=True)
        # Made when missing, never emptied by opening: the generation is read before it is rewritten.
        handle = self._handle = os.fdopen(os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644), "r+b")
        try:
            self._acquire(handle)
            lines = _lines(handle)
            # None known (a folder from before the lock, the file deleted): a new one, which no saved state has.
            self.generation = (lines[0].strip() if lines else "") or uuid.uuid4().hex
            self._write()  # names this process as the holder, for a build that waits
        except BaseException:
            handle.close()
            raise
        return self

    def __exit__(self, *exc_info) -> None:
        handle, self._handle = self._handle, None
        if handle is not None:
            handle.close()  # closing the descriptor releases the lock

    def new_generation(self) -> str:
        """Mark the folder as changed: before files change in place, or once a commit is done."""
        self.generation = uuid.uuid4().hex
        self._write()
        return self.generation

    def _acquire(self, handle: IO[bytes]) -> None:
        if fcntl is None:
            return
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            lines = _lines(handle)
            holder = f" (process {lines[1].strip()})" if len(lines) > 1 else ""
            self.on_wait(f"another build is writing {self.out_dir}{holder}")
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        except OSError:  # a file system without locks (some network mounts): builds there are not kept apart
            pass

    def _write(self) -> None:
        handle = self._handle
        assert handle is not None, "the lock is not held"
        handle.seek(0)
        handle.truncate()
        handle.write(f"{self.generation}\n{os.getpid()}\n".encode())
        handle.flush()


def _lines(handle: IO[bytes]) -> list[str]:
    """The lock file's lines: the generation, then the holder's process id."""
    handle.seek(0)
    return handle.read().decode("utf-8", "replace").splitlines()


def lock_file(out_dir: Path) -> Path:
    return out_dir.with_name(f".{out_dir.name}.lock")


def current_generation(out_dir: Path) -> str:
    """The folder's generation as last written, read without the lock (a look, not a decision:
    a build compares it again under the lock)."""
    try:
        with open(lock_file(out_dir), "rb") as handle:
            lines = _lines(handle)
    except OSError:
        return ""
    return lines[0].strip() if lines else ""
