"""Stage 1, load: read every YAML file of `content/` into plain data plus key lines.

Nothing here knows the schema. The loader is strict where YAML is lax: duplicate
keys, anchors/aliases (the 'billion laughs' vector) and oversized files are
problems, and dates stay strings so the schema can report bad ones with a line.
"""

from __future__ import annotations

import os
import pickle
import weakref
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .file_events import FolderEvents, available as file_events_available
from .incremental import digest, save_pickle
from .parallel import map_each
from .problems import Problem

try:  # libyaml's C parser is several times faster; the pure-Python one is identical in output.
    from yaml import CSafeLoader as _BaseLoader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _BaseLoader

MAX_FILE_BYTES = 1024 * 1024

KeyPath = tuple[str | int, ...]


class _ContentLoader(_BaseLoader):
    """Safe loader that leaves timestamps as strings (pydantic parses and reports them)."""


_ContentLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in _BaseLoader.yaml_implicit_resolvers.copy().items()
}


@dataclass
class Document:
    """One content file: its data, and (worked out when first asked) the line of every key."""

    file: str  # its path: a folder of ten thousand files makes no Path object per file (15 ms a load)
    display: str
    parsed: Any  # the data; None when it came from the parse cache (see `data`)
    text: str = ""  # empty when the data came from the parse cache; read again if lines are needed
    _lines: dict[KeyPath, int] | None = field(default=None, repr=False)
    digest: str = ""  # of the file's bytes: what incremental builds compare
    pickled: bytes | None = field(default=None, repr=False)  # the parse cache's copy of the data

    @property
    def path(self) -> Path:
        return Path(self.file)

    @property
    def data(self) -> Any:
        """The file's data. From the parse cache it is made anew on each call, and a build asks
        once (validation) unless the file has a problem: ten thousand files' data never sit in
        memory together, and the records made from them are not scattered among their remains."""
        if self.pickled is not None:
            return pickle.loads(self.pickled)
        return self.parsed

    @property
    def lines(self) -> dict[KeyPath, int]:
        if self._lines is None:
            # Only files with a problem need lines: compose again, keeping every node's position.
            text = self.text or self.path.read_text(encoding="utf-8").removeprefix("\ufeff")
            scratch = Document(self.file, self.display, None, text, {})
            _Builder(scratch, []).build(yaml.compose(text, Loader=_ContentLoader), ())
            self._lines = scratch._lines
        return self._lines

    def line_of(self, key_path: KeyPath) -> int | None:
        """Line of the deepest part of `key_path` that exists in the file."""
        for end in range(len(key_path), -1, -1):
            line = self.lines.get(tuple(key_path[:end]))
            if line is not None:
                return line
        return None


class _Unusual(Exception):
    """Raised by the fast loader for input only the careful path may judge."""


class _FastLoader(_ContentLoader):
    def construct_object(self, node, deep=False):
        if node in self.constructed_objects or node.tag not in _PLAIN_TAGS | _COLLECTION_TAGS:
            raise _Unusual  # an alias (a node met twice), or a tag
        return super().construct_object(node, deep)

    def construct_mapping(self, node, deep=False):
        keys = [key.value for key, _ in node.value]
        if len(keys) != len(set(keys)) or any(key.tag == "tag:yaml.org,2002:merge" for key, _ in node.value):
            raise _Unusual
        return super().construct_mapping(node, deep)


_COLLECTION_TAGS = {"tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"}


@dataclass
class ContentFiles:
    site: Document | None
    providers: dict[str, Document]
    models: dict[str, Document]
    rubric: Document | None = None  # fit-scores.yaml, optional


class ParseCache:
    """Parsed data of unchanged files, kept between builds (parsing YAML is the slow part of loading).

    Each file's data is kept pickled: as bytes it takes a tenth of the memory, loads from disk
    at once, and comes back from the parsing workers without being rebuilt here.
    """

    def __init__(self, path: Path | None):
        self.path = path
        self.entries: dict[str, tuple] = {}
        self.used: dict[str, tuple] = {}
        self.unsaved = False  # the entries differ from the cache file's
        if path is not None and path.is_file():
            try:
                with path.open("rb") as handle:
                    self.entries = pickle.load(handle)
            except (OSError, pickle.UnpicklingError, EOFError, ValueError, TypeError):
                self.entries = {}

    @staticmethod
    def _key(stat: os.stat_result) -> tuple:
        return (stat.st_mtime_ns, stat.st_size, stat.st_ino)

    def get(self, file: str, stat: os.stat_result) -> tuple[str, bytes] | None:
        entry = self.entries.get(file)
        if entry is None or entry[0] != self._key(stat):
            return None
        self.used[file] = entry
        return entry[1], entry[2]

    def put(self, file: str, stat: os.stat_result, digest: str, data: Any) -> None:
        self.used[file] = (self._key(stat), digest, _pickled(data))

    def keep_all_but(self, files: set[str]) -> None:
        """Take every entry as used by this load but those of `files`: a load that asks only for
        the files changed since the last (LoadMemo) keeps the others' as they were."""
        self.used = dict(self.entries)
        for file in files:
            self.used.pop(file, None)

    def release(self) -> None:
        """Let go of the parsed data (saved already); the next load reads the file again."""
        self.entries, self.used, self.unsaved = {}, {}, False

    def parse_missing(self, files: dict[str, os.stat_result]) -> None:
        """Parse the files this cache lacks on every core, before the one-by-one load finds them here.

        Building Python objects from YAML is Python code even with libyaml, and the slowest
        part of a cold load. A file the fast path cannot take is left to the careful path.
        Few files are parsed here in this process (map_each decides when a pool pays).
        """
        missing = []
        for file, stat in files.items():
            entry = self.entries.get(file)
            if entry is None or entry[0] != self._key(stat):
                missing.append(file)
        for file, parsed in zip(missing, map_each(_parse_fast, missing)):
            if parsed is not None:
                self.entries[file] = parsed
                self.unsaved = True

    def _changed(self) -> bool:
        # An entry this run used unchanged is the very tuple it was given: no need to compare the data.
        entries = self.entries
        return len(self.used) != len(entries) or any(entries.get(path) is not entry for path, entry in self.used.items())

    def settle(self) -> None:
        """The entries this load used (a deleted file's goes) are those the next load looks in."""
        self.unsaved = self.unsaved or self._changed()
        self.entries, self.used = self.used, {}

    def save(self) -> None:
        """Write the entries to the cache file, when they differ from it. A one-off load saves as it
        ends; a long-lived builder when it saves its build state: writing 10,000 files' data took
        50 ms, which a dev server's rebuild need not wait for."""
        if self.path is not None and self.unsaved:
            save_pickle(self.path, self.entries)
        self.unsaved = False


@dataclass
class LoadMemo:
    """A long-lived builder's last load, brought up to date from the files the kernel says changed
    (file_events.FolderEvents) instead of asking each: at 10,000 models stat'ing every file took
    35 ms of each rebuild, and loading 75 ms in all. Where events are not to be had (no inotify,
    `serve --poll` on a network file system), or when they cannot name the files (events lost, a
    folder made or deleted), a load asks every file as a one-off build does.
    """

    events: FolderEvents | None = None
    files: ContentFiles | None = None
    problems: dict[str, list[Problem]] = field(default_factory=dict)  # the last load's, by file

    @classmethod
    def watching(cls, content_dir: Path) -> LoadMemo:
        """A memo whose loads follow the kernel's events on the folders loading reads (the content
        folder and its model and provider folders, which may be links)."""
        memo = cls()
        if file_events_available():
            try:
                memo.events = FolderEvents([content_dir, content_dir / "providers", content_dir / "models"],
                                           record=True)
            except OSError:  # no inotify instance or watch left: every load asks every file
                return memo
            weakref.finalize(memo, memo.events.close)
        return memo

    def touched(self) -> set[str] | None:
        """The files changed since the last load; None when not known. Asked before each load, so
        that every change after it comes with the next."""
        if self.events is None:
            return None
        try:
            touched = self.events.take_touched()
        except OSError:  # a folder made since, and no watch left for it
            self.events.close()
            self.events = None
            return None
        return touched if self.files is not None else None


def load_content(content_dir: Path, root: Path | None = None, cache: ParseCache | None = None,
                 memo: LoadMemo | None = None) -> tuple[ContentFiles, list[Problem]]:
    """Load `site.yaml`, `providers/*.yaml` and `models/*.yaml`; never raises for bad content.
    `memo`: a long-lived builder's, which loads again only the files changed since its last load."""
    root = root or content_dir.parent
    cache = cache or ParseCache(None)
    layout = _Layout(content_dir, root)
    touched = memo.touched() if memo is not None else None
    if memo is None or touched is None:  # touched() is None before a memo's first load too
        files, problems = _load_all(layout, cache)
    else:
        files, problems = _load_again(layout, cache, memo.files, memo.problems, touched)
    cache.settle()
    if memo is None:
        cache.save()
    else:
        memo.files, memo.problems = files, problems
    return files, [problem for found in problems.values() for problem in found]


class _Layout:
    """Where the content's files are, and the order their problems are told in."""

    FOLDERS = ("providers", "models")

    def __init__(self, content_dir: Path, root: Path):
        self.root = root
        self.site = str(content_dir / "site.yaml")
        self.rubric = str(content_dir / "fit-scores.yaml")  # optional
        self.folders = {name: str(content_dir / name) for name in self.FOLDERS}
        self.shown = {name: _display(content_dir / name, root) for name in self.FOLDERS}

    def display(self, file: str) -> str:
        return _display(Path(file), self.root)

    def order(self, file: str) -> tuple[int, str]:
        if file == self.site:
            return 0, ""
        if file == self.rubric:
            return 1, ""
        folder, _, name = file.rpartition("/")
        return 2 + list(self.folders.values()).index(folder), name

    def load_folder_file(self, folder: str, name: str, problems: list[Problem], cache: ParseCache,
                         stat: os.stat_result | None = None) -> Document | None:
        """One file of a record folder; None when it is none of the site's or cannot be used."""
        stem, suffix = os.path.splitext(name)
        shown = self.shown[folder]
        if suffix == ".yml":
            problems.append(Problem(f"{shown}/{name}", None, None,
                                    "content files must end in .yaml", f"rename it to {stem}.yaml"))
        elif suffix == ".yaml" and not name.startswith("."):
            return _load_document(f"{self.folders[folder]}/{name}", f"{shown}/{stem}.yaml", problems, cache,
                                  stat)
        return None

    def load_site(self, problems: list[Problem], cache: ParseCache) -> Document | None:
        if os.path.isfile(self.site):
            return _load_document(self.site, self.display(self.site), problems, cache)
        problems.append(Problem(self.display(self.site), None, None, "site.yaml is missing",
                                "every site needs content/site.yaml with at least title, tagline and base_url"))
        return None

    def load_rubric(self, problems: list[Problem], cache: ParseCache) -> Document | None:
        if os.path.isfile(self.rubric):
            return _load_document(self.rubric, self.display(self.rubric), problems, cache)
        return None


def _load_all(layout: _Layout, cache: ParseCache) -> tuple[ContentFiles, dict[str, list[Problem]]]:
    problems = _ProblemsByFile()
    site = layout.load_site(problems.of(layout.site), cache)
    rubric = layout.load_rubric(problems.of(layout.rubric), cache)
    records: dict[str, dict[str, Document]] = {}
    for folder, where in layout.folders.items():
        records[folder] = documents = {}
        if not os.path.isdir(where):
            continue
        stats: dict[str, os.stat_result] = {}  # name -> stat: strings, as Paths cost ten times more
        names = sorted(os.listdir(where))
        for name in names:
            if name.endswith(".yaml") and not name.startswith("."):
                try:
                    stats[name] = os.stat(f"{where}/{name}")  # once: the parse cache's check and the load share it
                except OSError:
                    continue  # deleted while being listed
        cache.parse_missing({f"{where}/{name}": stat for name, stat in stats.items()})
        for name in names:
            if name.endswith(".yaml") and name not in stats:
                continue  # hidden, or gone
            file = f"{where}/{name}"
            document = layout.load_folder_file(folder, name, problems.of(file), cache, stats.get(name))
            if document is not None:
                documents[name[:-5]] = document
    return ContentFiles(site, records["providers"], records["models"], rubric), problems.found()


def _load_again(layout: _Layout, cache: ParseCache, last: ContentFiles, last_problems: dict[str, list[Problem]],
                touched: set[str]) -> tuple[ContentFiles, dict[str, list[Problem]]]:
    """The last load, with the `touched` files loaded again (or gone); the other files' problems stay."""
    cache.keep_all_but(touched)
    problems = _ProblemsByFile({file: found for file, found in last_problems.items() if file not in touched})
    site, rubric = last.site, last.rubric
    records = {"providers": dict(last.providers), "models": dict(last.models)}
    folders = {where: folder for folder, where in layout.folders.items()}
    added: set[str] = set()  # folders with a record new since the last load
    for file in sorted(touched):
        if file == layout.site:
            site = layout.load_site(problems.of(file), cache)
            continue
        if file == layout.rubric:
            rubric = layout.load_rubric(problems.of(file), cache)
            continue
        where, _, name = file.rpartition("/")
        if where not in folders:
            continue  # in no folder the site reads
        folder, stem = folders[where], name[:-5]
        documents = records[folder]
        document = (layout.load_folder_file(folder, name, problems.of(file), cache) if os.path.isfile(file)
                    else None)
        if document is not None:
            if stem not in documents:
                added.add(folder)
            documents[stem] = document  # in its place, if it had one
        elif name.endswith(".yaml"):
            documents.pop(stem, None)
    for folder in added:
        records[folder] = dict(sorted(records[folder].items(), key=_file_order))  # as a full load lists them
    return (ContentFiles(site, records["providers"], records["models"], rubric),
            dict(sorted(problems.found().items(), key=lambda item: layout.order(item[0]))))


def _file_order(item: tuple[str, Document]) -> str:
    return item[0] + ".yaml"  # the file's name: "a-b.yaml" comes before "a.yaml", as os.listdir's names sort


class _ProblemsByFile(dict):
    """Each file's problems, in the order its files were loaded: `of(file)` gives the list a load
    of the file appends to; `found()` keeps the files that have some."""

    def of(self, file: str) -> list[Problem]:
        self[file] = found = []
        return found

    def found(self) -> dict[str, list[Problem]]:
        return {file: found for file, found in self.items() if found}


def _display(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def load_document(file: str | Path, display: str, problems: list[Problem]) -> Document | None:
    """Parse one file; append its problems and return None when it cannot be used."""
    return _load_document(str(file), display, problems, None)


def _load_document(file: str, display: str, problems: list[Problem], cache: ParseCache | None,
                   stat: os.stat_result | None = None) -> Document | None:
    stat = stat or os.stat(file)
    cached = cache.get(file, stat) if cache is not None else None
    if cached is not None:
        return Document(file, display, None, digest=cached[0], pickled=cached[1])
    size = stat.st_size
    if size > MAX_FILE_BYTES:
        problems.append(Problem(display, None, None, f"file is {size / 1048576:.1f} MiB; the limit is 1 MiB",
                                "a record is a few KB of YAML: is this the right file?"))
        return None
    with open(file, "rb") as handle:
        raw = handle.read()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        problems.append(Problem(display, line, None, f"file is not UTF-8 (byte 0x{raw[error.start]:02x})",
                                "save the file as UTF-8"))
        return None
    if text.startswith("\ufeff"):
        text = text[1:]
    if not text.strip() or all(not ln.strip() or ln.lstrip().startswith("#") for ln in text.splitlines()):
        problems.append(Problem(display, 1, None, "file is empty", "write the record's keys, or delete the file"))
        return None
    try:
        # Fast path: libyaml builds the data directly. Anything unusual (an alias, a
        # duplicate key, a tag) sends the file down the careful path, which says what and where.
        data = yaml.load(text, Loader=_FastLoader)  # noqa: S506 - a safe loader
        document = Document(file, display, data, text, digest=digest(raw))
        if cache is not None:
            cache.put(file, stat, document.digest, data)
        return document
    except (_Unusual, yaml.YAMLError):
        pass
    try:
        node = yaml.compose(text, Loader=_ContentLoader)
    except yaml.MarkedYAMLError as error:
        problems.append(_syntax_problem(display, error, text))
        return None
    except yaml.YAMLError as error:  # pragma: no cover - unmarked errors are rare
        problems.append(Problem(display, None, None, f"YAML error: {error}"))
        return None
    document = Document(file, display, None, text, {}, digest(raw))
    builder = _Builder(document, problems)
    document.parsed = builder.build(node, ())
    if builder.failed:
        return None
    return document


def _parse_fast(file: str) -> tuple[tuple, str, Any] | None:
    """(cache key, digest, data) of a file that loads without a problem; None for any other.

    Run in the pool's workers, which report nothing: a file with a problem is loaded again
    one by one, and its problems reported from there.
    """
    try:
        stat = os.stat(file)
    except OSError:
        return None
    problems: list[Problem] = []
    document = _load_document(file, os.path.basename(file), problems, None)
    if document is None or problems:
        return None
    return ParseCache._key(stat), document.digest, _pickled(document.data)


def _pickled(data: Any) -> bytes:
    return pickle.dumps(data, protocol=pickle.HIGHEST_PROTOCOL)


def _syntax_problem(display: str, error: yaml.MarkedYAMLError, text: str) -> Problem:
    mark = error.problem_mark or error.context_mark
    line = mark.line + 1 if mark else None
    column = mark.column + 1 if mark else None
    problem = (error.problem or "syntax error").strip()
    hint = "check the indentation and quoting around this line"
    lines = text.splitlines()
    source_line = lines[line - 1] if line and line <= len(lines) else ""
    if "\t" in problem or "\t" in source_line:
        problem = "a tab character is used for indentation"
        hint = "YAML indents with spaces only: replace the tab with spaces"
    return Problem(display, line, column, f"YAML syntax error: {problem}", hint)


class _Builder:
    """Turns a composed node tree into Python data, recording key lines on the way."""

    def __init__(self, document: Document, problems: list[Problem]):
        self.document = document
        self.problems = problems
        self.constructor = _ContentLoader("")
        self.failed = False
        self.seen: set[int] = set()
        self.alias_reported = False

    def error(self, node: yaml.Node, message: str, hint: str | None = None) -> None:
        mark = node.start_mark
        self.problems.append(Problem(self.document.display, mark.line + 1, mark.column + 1, message, hint))
        self.failed = True

    def build(self, node: yaml.Node | None, path: KeyPath) -> Any:
        if node is None:
            return None
        if id(node) in self.seen:
            # compose() resolves an alias to the very node it names; meeting a node
            # twice means an alias, which could expand exponentially (billion laughs).
            if not self.alias_reported:
                line = (self.document._lines.get(path) or self.document._lines.get(path[:-1])
                        or node.start_mark.line + 1)
                self.problems.append(Problem(self.document.display, line, None,
                                             "anchors and aliases (&name, *name) are not allowed",
                                             "write the value out in full"))
                self.alias_reported = True
            self.failed = True
            return None
        self.seen.add(id(node))
        self.document._lines.setdefault(path, node.start_mark.line + 1)
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, path)
        if isinstance(node, yaml.SequenceNode):
            return [self.build(item, path + (index,)) for index, item in enumerate(node.value)]
        if node.tag not in _PLAIN_TAGS:
            self.error(node, f"YAML tag {node.tag} is not allowed", "remove the '!' tag")
            return None
        return self.constructor.construct_object(node, deep=True)

    def _mapping(self, node: yaml.MappingNode, path: KeyPath) -> dict:
        result: dict = {}
        first_line: dict = {}
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                self.error(key_node, "merge keys (<<) are not allowed", "write the keys out in full")
                continue
            if not isinstance(key_node, yaml.ScalarNode):
                self.error(key_node, "a key must be plain text")
                continue
            key = self.constructor.construct_object(key_node)
            if not isinstance(key, (str, int)) or isinstance(key, bool):
                key = str(key_node.value)
            line = key_node.start_mark.line + 1
            if key in result:
                self.error(key_node, f"duplicate key '{key}' (first set on line {first_line[key]})",
                           "remove one of the two; YAML would silently keep only the last")
                continue
            first_line[key] = line
            self.document._lines[path + (key,)] = line
            result[key] = self.build(value_node, path + (key,))
        return result


_PLAIN_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
}
