"""Changes in folders as the kernel reports them (Linux inotify), for the dev server.

Polling walks every watched file: 0.11 s a walk at 10,000 model files, so the server
waited 1.1 s between walks and an edit waited half that, on average, before its rebuild
began. inotify reports a change at once, through a descriptor the server's event loop
waits on with its sockets.

No thread is started, which is why this is ctypes and not a library: watchfiles and
watchdog each run threads of their own, and the server forks render workers, which must
not happen while another thread runs (parallel.py). Elsewhere than on Linux, and with
`serve --poll` (network file systems, some container mounts), the server walks instead.
"""

from __future__ import annotations

import ctypes
import errno
import functools
import os
import struct
from pathlib import Path
from typing import Callable, Iterable

IN_MODIFY = 0x2
IN_ATTRIB = 0x4
IN_CLOSE_WRITE = 0x8
IN_MOVED_FROM = 0x40
IN_MOVED_TO = 0x80
IN_CREATE = 0x100
IN_DELETE = 0x200
IN_DELETE_SELF = 0x400
IN_MOVE_SELF = 0x800
IN_Q_OVERFLOW = 0x4000
IN_IGNORED = 0x8000
IN_ONLYDIR = 0x1000000
IN_ISDIR = 0x40000000
WATCHED = (IN_MODIFY | IN_ATTRIB | IN_CLOSE_WRITE | IN_MOVED_FROM | IN_MOVED_TO | IN_CREATE | IN_DELETE
           | IN_DELETE_SELF | IN_MOVE_SELF)
_EVENT = struct.Struct("iIII")  # struct inotify_event: wd, mask, cookie, len; then len bytes of name


class FolderEvents:
    """An inotify descriptor on some folders and every folder below them but hidden ones, read
    without blocking."""

    def __init__(self, folders: Iterable[Path], ignore: Callable[[str], bool] = lambda name: False,
                 record: bool = False):
        """`record`: keep the paths of the files events tell of, for `take_touched`."""
        self._libc = _libc()
        self._ignore = ignore
        self._record = record
        self.touched: set[str] | None = set()  # since the last take_touched; None: not known file by file
        descriptor = self._libc.inotify_init1(os.O_NONBLOCK | os.O_CLOEXEC)
        if descriptor < 0:
            raise _os_error("inotify_init1")
        self.fd = descriptor
        self._roots = [Path(folder) for folder in folders]
        self._folders: dict[int, Path] = {}  # watch descriptor -> folder
        try:
            for folder in self._roots:
                self._watch_tree(folder)
        except BaseException:
            self.close()
            raise

    def changed(self) -> bool:
        """Read every event waiting; whether any tells of a change to a file not ignored. A folder
        made or moved in is watched from now on, with the folders in it, and so is a watched folder
        made again after it was deleted or moved away (a checkout can do that)."""
        found = False
        while True:
            try:
                data = os.read(self.fd, 64 * 1024)
            except BlockingIOError:
                self._watch_lost_roots()
                return found
            offset = 0
            while offset < len(data):
                watch, mask, _cookie, length = _EVENT.unpack_from(data, offset)
                name = os.fsdecode(data[offset + _EVENT.size: offset + _EVENT.size + length].rstrip(b"\0"))
                offset += _EVENT.size + length
                found = self._take(watch, mask, name) or found

    def take_touched(self) -> set[str] | None:
        """The paths ("folder/name") of the files events told of since the last call, hidden ones
        too; None when what changed cannot be told file by file: events were lost, or a folder
        was made, moved or deleted, or watched again."""
        self.changed()
        touched, self.touched = self.touched, set()
        return touched

    def _take(self, watch: int, mask: int, name: str) -> bool:
        if mask & IN_Q_OVERFLOW:
            self.touched = None
            return True  # events were lost: something changed
        if mask & IN_IGNORED:
            self._folders.pop(watch, None)  # the folder is gone
            self.touched = None
            return False
        folder = self._folders.get(watch)
        if folder is None:
            return False
        if self._record and self.touched is not None:
            if mask & IN_ISDIR or not name:
                self.touched = None  # a folder made, moved or deleted: files in it came or went
            else:
                self.touched.add(f"{folder}/{name}")
        if name.startswith("."):
            return False  # hidden files are no part of the site (editors' locks and swap files among them)
        if mask & IN_ISDIR:
            if mask & (IN_CREATE | IN_MOVED_TO):
                self._watch_tree(folder / name)
            return True  # a folder made, moved or deleted: files in it came or went
        return not name or not self._ignore(name)

    def _watch_lost_roots(self) -> None:
        watched = set(self._folders.values())
        for root in self._roots:
            if root not in watched and root.is_dir():
                self._watch_tree(root)
                self.touched = None

    def _watch_tree(self, top: Path) -> None:
        for folder, subfolders, _ in os.walk(top):
            watch = self._libc.inotify_add_watch(self.fd, os.fsencode(folder), WATCHED | IN_ONLYDIR)
            if watch < 0:
                if ctypes.get_errno() in (errno.ENOENT, errno.ENOTDIR):
                    continue  # gone since the walk saw it
                raise _os_error(f"inotify_add_watch {folder}")  # ENOSPC: fs.inotify.max_user_watches
            self._folders[watch] = Path(folder)
            subfolders[:] = [name for name in subfolders if not name.startswith(".")]

    def close(self) -> None:
        if self.fd >= 0:
            os.close(self.fd)
            self.fd = -1


def available() -> bool:
    try:
        _libc()
    except OSError:
        return False
    return True


@functools.cache
def _libc():
    # The process's own symbols, the C library's among them: ctypes.util.find_library would
    # run ldconfig and a compiler to find it by name.
    library = ctypes.CDLL(None, use_errno=True)
    if not hasattr(library, "inotify_init1"):
        raise OSError(errno.ENOSYS, "inotify is not available here")
    library.inotify_add_watch.argtypes = (ctypes.c_int, ctypes.c_char_p, ctypes.c_uint32)
    return library


def _os_error(call: str) -> OSError:
    number = ctypes.get_errno()
    return OSError(number, f"{call}: {os.strerror(number)}")
