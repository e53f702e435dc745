"""The build, stage by stage: load → validate → catalog → routes → render → write."""

from __future__ import annotations

import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from .catalog import Catalog, build_catalog
from .history import read_history
from .load import load_content
from .problems import ContentError, Problem
from .render import Renderer, SiteUrls, asset_version
from .routes import build_routes
from .data_outputs import render_data
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

    @classmethod
    def at(cls, root: Path, output_dir: Path | None = None, content_dir: Path | None = None,
           locales_dir: Path | None = None) -> "Project":
        root = root.resolve()
        return cls(
            root=root,
            output_dir=(output_dir or root / "site").resolve(),
            content_dir=(content_dir or root / "content").resolve(),
            templates_dir=root / "templates",
            locales_dir=(locales_dir or root / "locales").resolve(),
            static_dir=root / "static",
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
    pages: int
    stats: WriteStats
    timings: Timings


def load_catalog(project: Project, timings: Timings | None = None) -> tuple[Catalog | None, list[Problem]]:
    """Stages 1–3; returns every content problem found, or the catalog when there are none."""
    timings = timings or Timings()
    with timings.stage("load"):
        files, problems = load_content(project.content_dir, project.root)
    with timings.stage("validate"):
        content, validation_problems = validate_content(files)
    problems += validation_problems
    if problems or content is None:
        return None, problems
    with timings.stage("history"):
        history = read_history(project.content_dir)
    with timings.stage("catalog"):
        catalog = build_catalog(content, history)
    return catalog, []


def render_site(project: Project, catalog: Catalog, timings: Timings,
                base_url: str | None = None) -> tuple[dict[str, bytes], int]:
    """Stages 4–5: every output file of the site, in memory."""
    site = catalog.site
    urls = SiteUrls(base_url or site.base_url, site.default_locale)
    assets = _static_files(project.static_dir)
    with timings.stage("routes"):
        routes = build_routes(catalog)
    files: dict[str, bytes] = {f"static/{name}": data for name, data in assets.items()}
    with timings.stage("render"):
        renderer = Renderer(project.templates_dir, project.locales_dir, catalog, urls,
                            {name: asset_version(data) for name, data in assets.items()})
        listed = [route for route in routes if route.is_page and route.output_file.endswith("index.html")]
        pages = 0
        for route in routes:
            if not route.is_page:
                files[route.output_file] = render_data(route, catalog, urls, listed).encode("utf-8")
                continue
            for locale in site.locales:
                files[urls.prefix(locale) + route.output_file] = renderer.render(route, locale).encode("utf-8")
                pages += 1
    return files, pages


def build(project: Project, base_url: str | None = None) -> BuildReport:
    """The whole build; raises ContentError with every problem, before touching the output."""
    check_output_folder(project.output_dir, project.root)
    timings = Timings()
    catalog, problems = load_catalog(project, timings)
    if catalog is None:
        raise ContentError(problems)
    files, pages = render_site(project, catalog, timings, base_url)
    with timings.stage("write"):
        stats = write_site(files, project.output_dir)
    return BuildReport(pages, stats, timings)


def _static_files(static_dir: Path) -> dict[str, bytes]:
    if not static_dir.is_dir():
        return {}
    return {
        path.relative_to(static_dir).as_posix(): path.read_bytes()
        for path in sorted(static_dir.rglob("*"))
        if path.is_file() and not path.name.startswith(".")
    }
