"""The build, stage by stage: load → validate → catalog → routes → render → write."""

from __future__ import annotations

import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from .catalog import Catalog, build_catalog
from .data_outputs import render_data
from .history import read_history
from .incremental import CACHE_FOLDER, BuildState, Fingerprints, digest, fingerprint_files
from .load import load_content
from .parallel import render_all
from .problems import ContentError, Problem
from .render import Renderer, SiteUrls, asset_version
from .routes import build_routes
from .search_index import OUTPUT_FOLDER as SEARCH_FOLDER
from .search_index import search_index
from .validate import validate_content
from .write import WriteStats, check_output_folder, write_site


@dataclass(frozen=True)
class Project:
    """Where a site's sources are and where its output goes."""

    root: Path
    output_dir: Path
    content_dir: Path
    templates_dir: Path
    locales_dir: Path
    static_dir: Path
    cache_dir: Path  # state kept between builds; safe to delete

    @classmethod
    def at(cls, root: Path, output_dir: Path | None = None, content_dir: Path | None = None,
           locales_dir: Path | None = None, templates_dir: Path | None = None,
           cache_dir: Path | None = None) -> "Project":
        root = root.resolve()
        return cls(
            root=root,
            output_dir=(output_dir or root / "site").resolve(),
            content_dir=(content_dir or root / "content").resolve(),
            templates_dir=(templates_dir or root / "templates").resolve(),
            locales_dir=(locales_dir or root / "locales").resolve(),
            static_dir=root / "static",
            cache_dir=(cache_dir or root / CACHE_FOLDER).resolve(),
        )


@dataclass
class Timings:
    stages: dict[str, float] = field(default_factory=dict)

    @contextmanager
    def stage(self, name: str):
        start = time.perf_counter()
        try:
            yield
        finally:
            self.stages[name] = self.stages.get(name, 0.0) + time.perf_counter() - start

    @property
    def total(self) -> float:
        return sum(self.stages.values())


@dataclass(frozen=True)
class BuildReport:
    pages: int  # pages in the site
    rendered: int  # pages rendered by this build (the others were current)
    stats: WriteStats
    timings: Timings


def load_catalog(project: Project, timings: Timings | None = None,
                 fingerprints: Fingerprints | None = None) -> tuple[Catalog | None, list[Problem]]:
    """Stages 1–3; returns every content problem found, or the catalog when there are none.

    With `fingerprints`, also records a fingerprint of every content file and of the history.
    """
    timings = timings or Timings()
    with timings.stage("load"):
        files, problems = load_content(project.content_dir, project.root,
                                       project.cache_dir / f"parsed-{digest(str(project.content_dir).encode())}.pickle")
    with timings.stage("validate"):
        content, validation_problems = validate_content(files)
    problems += validation_problems
    if problems or content is None:
        return None, problems
    with timings.stage("history"):
        history = read_history(project.content_dir)
    with timings.stage("catalog"):
        catalog = build_catalog(content, history)
    if fingerprints is not None:
        fingerprints.update({name: document.digest for name, document in content.documents.items()})
        fingerprints["site"] = files.site.digest + (files.rubric.digest if files.rubric else "")
        fingerprints["history"] = digest(repr(history).encode())
    return catalog, []


@dataclass
class RenderResult:
    files: dict[str, bytes]  # rendered now
    kept: set[str]  # unchanged since the last build: left as they are in the output folder
    pages: int  # pages in the site, rendered or kept
    rendered: int = 0  # pages rendered by this build


def render_site(project: Project, catalog: Catalog, timings: Timings, base_url: str | None = None,
                state: BuildState | None = None, fingerprints: Fingerprints | None = None) -> RenderResult:
    """Stages 4–5: every output file of the site, in memory; with a build state, only the stale ones."""
    site = catalog.site
    urls = SiteUrls(base_url or site.base_url, site.default_locale)
    assets = _static_files(project.static_dir)
    versions = {name: asset_version(data) for name, data in assets.items()}
    now = {**(fingerprints or {}), **_global_fingerprints(project, urls, versions)}
    with timings.stage("routes"):
        routes = build_routes(catalog)
    result = RenderResult({f"static/{name}": data for name, data in assets.items()}, set(), 0)
    with timings.stage("render"):
        renderer = Renderer(project.templates_dir, project.locales_dir, catalog, urls, versions, project.cache_dir)
        jobs = []
        for route in routes:
            for locale in (site.locales if route.is_page else ()):
                path = urls.prefix(locale) + route.output_file
                depends = route.depends_on | {"code", "static", "base_url", f"locale:{locale}"}
                if state is not None and state.is_current(path, depends, now, project.output_dir):
                    result.kept.add(path)
                else:
                    jobs.append((route, locale, path, depends))
        result.pages, result.rendered = len(jobs) + len(result.kept), len(jobs)
        if jobs:
            renderer.compile_all()

        def render_page(job) -> tuple[str, bytes, frozenset[str]]:
            route, locale, path, _ = job
            html, templates = renderer.render_recording(route, locale)
            return path, html.encode("utf-8"), templates

        for (_, _, _, depends), (path, data, templates) in zip(jobs, render_all(jobs, render_page)):
            result.files[path] = data
            if state is not None:
                state.record(path, depends, templates, now)
        listed = [route for route in routes if route.is_page and route.output_file.endswith("index.html")]
        for route in routes:
            if route.is_page:
                continue
            depends = route.depends_on | {"code", "base_url"}
            if state is not None and state.is_current(route.output_file, depends, now, project.output_dir):
                result.kept.add(route.output_file)
                continue
            result.files[route.output_file] = render_data(route, catalog, urls, listed).encode("utf-8")
            if state is not None:
                state.record(route.output_file, depends, frozenset(), now)
    return result


def _global_fingerprints(project: Project, urls: SiteUrls, versions: dict[str, str]) -> Fingerprints:
    """What every page depends on: the generator's code, static assets, the base URL, translations."""
    code = fingerprint_files("", Path(__file__).parent, "*.py")
    found = {
        "code": digest(repr(sorted(code.items())).encode()),
        "static": digest(repr(sorted(versions.items())).encode()),
        "base_url": urls.base_url,
    }
    found.update(fingerprint_files("template:", project.templates_dir, "*.*"))
    for locale_dir in sorted(project.locales_dir.glob("*/LC_MESSAGES")):
        found[f"locale:{locale_dir.parent.name}"] = digest(b"".join(p.read_bytes() for p in sorted(locale_dir.glob("*.po"))))
    return found


def build(project: Project, base_url: str | None = None, preview: bool = False) -> BuildReport:
    """The whole build; raises ContentError with every problem, before touching the output.

    `preview=True` is the dev server's build: it keeps the last search index instead of
    indexing again (Pagefind re-reads every page, which takes seconds) and replaces
    changed files in place instead of swapping in a whole new tree.
    """
    check_output_folder(project.output_dir, project.root)
    timings = Timings()
    fingerprints: Fingerprints = {}
    catalog, problems = load_catalog(project, timings, fingerprints)
    if catalog is None:
        raise ContentError(problems)
    state = BuildState.load(project.cache_dir, project.output_dir)
    result = render_site(project, catalog, timings, base_url, state, fingerprints)
    with timings.stage("search index"):
        _index_for_search(result, project.output_dir, refresh=not preview)
    with timings.stage("write"):
        stats = write_site(result.files, project.output_dir, keep=result.kept, atomic=not preview)
    state.save(keep=set(result.files) | result.kept)
    return BuildReport(result.pages, result.rendered, stats, timings)


def _index_for_search(result: RenderResult, output_dir: Path, refresh: bool = True) -> None:
    """Re-index when a page changed (Pagefind indexes whole sites); otherwise keep the index."""
    if not refresh or not any(path.endswith(".html") for path in result.files):
        index = output_dir / SEARCH_FOLDER
        if index.is_dir():
            result.kept.update(p.relative_to(output_dir).as_posix() for p in index.rglob("*") if p.is_file())
        if index.is_dir() or not refresh:
            return
    every_page = dict(result.files)
    every_page.update({path: (output_dir / path).read_bytes() for path in result.kept if path.endswith(".html")})
    result.files.update(search_index(every_page))


def _static_files(static_dir: Path) -> dict[str, bytes]:
    if not static_dir.is_dir():
        return {}
    return {
        path.relative_to(static_dir).as_posix(): path.read_bytes()
        for path in sorted(static_dir.rglob("*"))
        if path.is_file() and not path.name.startswith(".")
    }
