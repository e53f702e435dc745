"""The build, stage by stage: load → validate → catalog → routes → render → write."""

from __future__ import annotations

import functools
import gc
import time
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from itertools import chain, compress
from operator import attrgetter, countOf, not_
from pathlib import Path
from typing import Callable, Iterator, NamedTuple

from .catalog import Catalog, CatalogMemo
from .catalog_patch import catalog_for
from .compare import PairMemo
from .data_outputs import render_data
from .history import read_history
from .incremental import CACHE_FOLDER, BuildState, Depends, Fingerprints, digest, fingerprint_files
from .load import LoadMemo, ParseCache, load_content
from .output_lock import OutputLock, current_generation, say_waiting
from .parallel import in_pool, map_each
from .problems import ContentError, Problem
from .render import Renderer, SiteUrls, asset_version
from .routes import SITE_DEPENDENCY, Route, RoutesMemo, name_dependency, routes_for, search_bundles
from .search_index import (DOCUMENT_TEMPLATE, PendingBundle, SearchCache, index_for_search, index_pending,
                           search_document, searchable)
from .template_env import CarriedFragments, load_fragments, save_fragments
from .validate import Memo, validate_content
from .write import SiteWriter, WriteStats, check_output_folder, presence_test


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

    def parse_cache(self) -> ParseCache:
        # "-2": entries hold pickled data since format 2; a cache of the first format is left unread
        return ParseCache(self.cache_dir / f"parsed-2-{digest(str(self.content_dir).encode())}.pickle")

    def pairs_cache_file(self) -> Path:
        return self.cache_dir / f"pairs-{digest(str(self.content_dir).encode())}.pickle"

    def search_cache_file(self) -> Path:
        return self.cache_dir / f"search-{digest(str(self.output_dir).encode())}.pickle"

    def fragments_file(self) -> Path:
        return self.cache_dir / f"fragments-{digest(str(self.output_dir).encode())}.pickle"


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


_DIGEST, _NAME = attrgetter("digest"), attrgetter("name")
_DEPENDS_ON, _TEMPLATE = attrgetter("depends_on"), attrgetter("template")


def load_catalog(project: Project, timings: Timings | None = None, fingerprints: Fingerprints | None = None,
                 parsed: ParseCache | None = None, validated: Memo | None = None,
                 derived: CatalogMemo | None = None, release: Callable[[], None] = lambda: None,
                 loaded: LoadMemo | None = None) -> tuple[Catalog | None, list[Problem]]:
    """Stages 1–3; returns every content problem found, or the catalog when there are none.

    With `fingerprints`, also records a fingerprint of every content file and of the history.
    `parsed`, `validated`, `derived` and `loaded` carry parsed files, validated records, derived
    figures and the last load from build to build; `release`: see catalog_patch.catalog_for.
    """
    timings = timings or Timings()
    with timings.stage("load"):
        files, problems = load_content(project.content_dir, project.root, parsed or project.parse_cache(), loaded)
    with timings.stage("validate"):
        content, validation_problems = validate_content(files, validated)
    problems += validation_problems
    if problems or content is None:
        return None, problems
    with timings.stage("history"):
        history = read_history(project.content_dir)
    with timings.stage("catalog"):
        catalog = catalog_for(content, history, derived, release)
    if fingerprints is not None:
        # zips in C: a dev server's build names every record twice (10,000 models: 16 ms in Python loops)
        fingerprints.update(zip(content.documents, map(_DIGEST, content.documents.values())))
        fingerprints.update(zip(map(name_dependency, content.models), map(_NAME, content.models.values())))
        fingerprints[SITE_DEPENDENCY] = files.site.digest + (files.rubric.digest if files.rubric else "")
        fingerprints["history"] = digest(repr(history).encode())
    return catalog, []


@dataclass
class RenderResult:
    outputs: set[str] = field(default_factory=set)  # every file of the site
    written: set[str] = field(default_factory=set)  # the files this build wrote: the others were current
    pages: int = 0  # pages in the site, rendered or kept
    rendered_paths: set[str] = field(default_factory=set)  # pages rendered by this build
    documents: dict[str, bytes] = field(default_factory=dict)  # search documents of the pages rendered
    pending_search: list[PendingBundle] = field(default_factory=list)  # bundles left to index (defer_search)
    renderer: Renderer | None = None  # the build's, for a long-lived builder's next (render_site's last_renderer)

    @property
    def rendered(self) -> int:
        return len(self.rendered_paths)

    def add(self, path: str, written: bool) -> None:
        self.outputs.add(path)
        if written:
            self.written.add(path)


@dataclass(frozen=True)
class SitePlan:
    """Stage 4, routes: every output of the site, and the fingerprints of all they depend on."""

    catalog: Catalog
    urls: SiteUrls
    routes: list[Route]
    listed: list[Route]  # the pages the sitemaps list
    assets: dict[str, bytes]  # static files, by name
    versions: dict[str, str]  # their version tags, for cache-busting URLs
    fingerprints: Fingerprints  # now, of every dependency name


def plan_site(project: Project, catalog: Catalog, timings: Timings, base_url: str | None = None,
              fingerprints: Fingerprints | None = None, kept: RoutesMemo | None = None) -> SitePlan:
    """`fingerprints`: those of the content (load_catalog's); the code's, templates', assets' and
    translations' are added here. `kept`: a builder's routes of its last build (routes_for)."""
    site = catalog.site
    urls = SiteUrls(base_url or site.base_url, site.default_locale)
    assets = static_files(project.static_dir)
    versions = {name: asset_version(data) for name, data in assets.items()}
    with timings.stage("routes"):
        routes, listed, derived = routes_for(catalog, kept)
        now = {**(fingerprints or {}), **_global_fingerprints(project, urls, versions), **derived}
    return SitePlan(catalog, urls, routes, listed, assets, versions, now)


def render_site(project: Project, plan: SitePlan, timings: Timings, writer: SiteWriter,
                state: BuildState | None = None, search: SearchCache | None = None,
                carried: dict[str, CarriedFragments] | None = None, trust_output: bool = False,
                defer_search: bool = False, keep_worker_fragments: bool = True,
                known_routes: bool = False, last_renderer: Renderer | None = None) -> RenderResult:
    """Stages 5–5b: every output file of the site, handed to `writer`; with a build state, only the stale ones.

    Pages go to the writer as they come from the render workers, so the site is never
    held in memory whole. `trust_output`: the state's files are taken to be in the output
    folder still, unasked (SiteBuilder.forget_missing_outputs). `defer_search`: the search
    bundles whose documents changed are left as they were, in `pending_search`.
    `keep_worker_fragments`: `carried` also gains the fragments render workers made (else only
    those made here, where the build renders few pages). `known_routes`: the plan's routes are
    those the state's files were made from, and the state holds every one of their files.
    `last_renderer`: the last build's (`result.renderer`), used again when only records changed.
    """
    if state is not None:
        state.compare(plan.fingerprints)
    # Only the files of routes that name a changed record can be stale (_render_all).
    records_only = known_routes and state is not None and _only_records_changed(state.changed, plan.catalog.site.locales)
    result = RenderResult()
    for name, data in plan.assets.items():
        result.add(f"static/{name}", writer.put(f"static/{name}", data))
    with nullcontext(_everything_present) if trust_output else presence_test(project.output_dir) as present:
        with timings.stage("render"):
            fragments = _carried_fragments(carried, state, plan.catalog.site.locales)
            renderer = result.renderer = (
                last_renderer if records_only and last_renderer is not None
                and last_renderer.serves_again(plan.catalog, plan.urls, plan.versions, fragments)
                else Renderer(project.templates_dir, project.locales_dir, plan.catalog, plan.urls, plan.versions,
                              project.cache_dir, fragments))
            _render_all(plan, renderer, writer, result, state, present, keep_worker_fragments, records_only)
        with timings.stage("search index"):
            result.pending_search = index_for_search(
                plan.routes, renderer, writer, result, present, search or SearchCache(),
                plan.fingerprints[f"template:{DOCUMENT_TEMPLATE}"], search_bundles(plan.routes), defer_search,
                known_routes)
    return result


class Job(NamedTuple):
    """One output file to render: a page in one locale, or a data output (locale None).
    A tuple: a build at 10,000 models makes 110,000 of them to check which are stale."""

    route: Route
    locale: str | None
    path: str
    depends: Depends  # the route's names and the names every file of its kind shares

    @property
    def searchable(self) -> bool:
        return self.locale is not None and searchable(self.route)


def _carried_fragments(carried: dict[str, CarriedFragments] | None, state: BuildState | None,
                       locales: list[str]) -> dict[str, CarriedFragments] | None:
    """Bring a builder's fragments up to this build: what changed since, and a store per locale."""
    if carried is None or state is None:
        return None  # a one-off build: fragments live as long as the build
    for locale in locales:
        last = carried.get(locale)
        kept, naming = (last.kept, last.naming) if last is not None else ({}, None)
        carried[locale] = CarriedFragments(state.changed, _every_page_depends_on(locale), kept, naming)
    return carried


# One object a process, and one per locale below: the state's records of a long-lived builder
# then compare them by identity.
EVERY_DATA_OUTPUT_DEPENDS_ON = frozenset({SITE_DEPENDENCY, "code", "base_url"})


@functools.cache
def _every_page_depends_on(locale: str) -> frozenset[str]:
    return frozenset({SITE_DEPENDENCY, "code", "static", "base_url", f"locale:{locale}"})


def _render_all(plan: SitePlan, renderer: Renderer, writer: SiteWriter, result: RenderResult,
                state: BuildState | None, present: Callable[[str], bool], keep_worker_fragments: bool = True,
                records_only: bool = False) -> None:
    """Every stale page and data output, rendered on every core and written by this process as they come;
    `present` tells whether a file is still in the output folder; `records_only`: the plan's routes are
    those the state's files were made from, the state holds every one of their files, and only records
    changed since."""
    routes, jobs, kept, pages = plan.routes, [], 0, None
    if records_only and state is not None:
        # Only the files of routes that name a changed record can be stale: asking each of 120,000
        # files took 0.18 s of a rebuild at 10,000 models. The others are the state's, as they were.
        named = map(not_, map(state.changed.isdisjoint, map(_DEPENDS_ON, routes)))
        routes = list(compress(routes, named))  # in C, as the count below: 30,000 routes at 10,000 models
        result.outputs.update(state.files)
        pages = (len(plan.routes) - countOf(map(_TEMPLATE, plan.routes), None)) * len(plan.catalog.site.locales)
    for job in _jobs(routes, renderer):
        if state is not None and state.is_current(job.path, job.depends, present):
            result.outputs.add(job.path)
            kept += job.locale is not None
        else:
            jobs.append(job)
    result.pages = pages if pages is not None else kept + sum(job.locale is not None for job in jobs)
    pooled = in_pool(len(jobs))
    if pooled:
        renderer.compile_all()  # once here, not in every worker
    keep_fragments = keep_worker_fragments or not pooled
    listed = plan.listed
    last_locale = plan.catalog.site.locales[-1]  # a page's jobs come one locale after another (_jobs)

    def render(job: Job) -> tuple[bytes, frozenset[str], bytes | None, dict | None]:
        if job.locale is None:
            data = render_data(job.route, renderer.catalog, renderer.urls, listed)
            return data.encode("utf-8"), frozenset(), None, None
        html, templates = renderer.render_recording(job.route, job.locale)
        document = search_document(renderer, job.route, job.locale) if job.searchable else None
        if job.locale == last_locale:
            job.route.forget_page_figures()
        fresh = renderer.take_fresh_fragments(job.locale)
        return html.encode("utf-8"), templates, document, fresh if keep_fragments else None

    here = []
    if pooled and keep_worker_fragments:
        # The API index's line of each model is kept with its figures (data_outputs._summary_line)
        # for a long-lived builder's next build. Made in a worker, the lines would be lost, and the
        # first edit after this build would make all of them again (5,000 models: 0.1 s).
        here = [job for job in jobs if job.route.kind == "api-index"]
        jobs = [job for job in jobs if job.route.kind != "api-index"]
    for job, (data, templates, document, fragments) in chain(zip(here, map(render, here)),
                                                             zip(jobs, map_each(render, jobs))):
        if fragments:  # made here or in a worker: kept here, for the next build of a long-lived builder
            renderer.keep_fragments(job.locale, fragments)
        result.add(job.path, writer.put(job.path, data))
        if job.locale is not None:
            result.rendered_paths.add(job.path)
        if document is not None:
            result.documents[job.path] = document
        if state is not None:
            state.record(job.path, job.depends, templates)


def _everything_present(output_file: str) -> bool:
    return True


def _only_records_changed(changed: frozenset[str], locales: list[str]) -> bool:
    """Whether only names that some files depend on changed: no template, and nothing every file depends on."""
    every = EVERY_DATA_OUTPUT_DEPENDS_ON.union(*(_every_page_depends_on(locale) for locale in locales))
    return changed.isdisjoint(every) and not any(name.startswith("template:") for name in changed)


def _jobs(routes: list[Route], renderer: Renderer) -> Iterator[Job]:
    """Data outputs first: the sitemap and the API index are the longest single jobs."""
    data = EVERY_DATA_OUTPUT_DEPENDS_ON
    for route in routes:
        if not route.is_page:
            yield Job(route, None, route.output_file, (route.depends_on, data))
    locales = [(locale, renderer.urls.prefix(locale), _every_page_depends_on(locale))
               for locale in renderer.catalog.site.locales]
    for route in routes:
        if route.is_page:
            output_file, depends_on = route.output_file, route.depends_on
            for locale, prefix, shared in locales:
                yield Job(route, locale, prefix + output_file, (depends_on, shared))


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


class SiteBuilder:
    """Builds one project, as often as asked, reusing what the last build left.

    Between builds of one builder (the dev server's, the benchmark's rebuild) the parsed
    files, validated records, build state and search documents stay in memory; a new
    builder (each `build.py build`) reads them from the cache folder. Either way a
    build's output is the same as a clean build's (tests/test_incremental.py).
    """

    def __init__(self, project: Project, base_url: str | None = None, preview: bool = False, again: bool = True,
                 on_wait: Callable[[str], None] = say_waiting, watch_content: bool = True):
        self.project = project
        self.base_url = base_url
        self.preview = preview  # the dev server's build: changed files are replaced in place, no journal
        self.again = again  # False: one build only, so parsed files and records are let go once used
        self.parsed = project.parse_cache()
        # The last load, brought up to date from the files the kernel says changed since: not with
        # `watch_content=False` (`serve --poll`: a file system whose changes inotify may not see).
        self.loaded = LoadMemo.watching(project.content_dir) if again and watch_content else None
        self.validated: Memo = {}
        # The neighbours pair selection chose last time (kept on disk too); figures of unchanged records
        # only in a builder that builds again.
        self.derived = CatalogMemo(PairMemo.load(project.pairs_cache_file()), keeps_figures=again)
        self.routes = RoutesMemo() if again else None  # for a catalog the next build patches (catalog_patch.py)
        self.last_routes: list[Route] | None = None  # those of the last good build
        self.last_files = 0  # the files of its state then: all those of its routes
        self.renderer: Renderer | None = None  # the last good build's, with its compiled templates
        self.state: BuildState | None = None
        self.search: SearchCache | None = None
        self.fragments: dict[str, CarriedFragments] | None = None  # per locale: table rows, navigation
        self.pending_search: list[PendingBundle] = []  # left by the last build for finish_search
        self.generation: str | None = None  # the output folder's, as this builder's last build left it (None: no build yet)
        self.on_wait = on_wait  # told when another build holds the output folder

    def build(self, defer_search: bool = False) -> BuildReport:
        """The whole build; raises ContentError with every problem, before touching the output.

        `defer_search` (the dev server's rebuilds, with `preview`): the search bundles whose
        documents changed keep their last files, for `finish_search` to index once the browser
        has the edited page. Until then the site is the new one but for its search index.
        """
        if defer_search and not self.preview:
            raise ValueError("only a preview build may leave its search index for later")
        # Loading makes long-lived objects only (records, the catalog, routes), so the cyclic
        # collector's repeated scans of a growing heap are wasted work there: on 10,000 models
        # they took 40 % of the catalog stage. It runs again for rendering, which makes
        # garbage, with everything made so far (and the caches of earlier builds) frozen
        # out of its scans.
        collecting = gc.isenabled()
        gc.freeze()
        gc.disable()
        try:
            return self._build(collecting, defer_search)
        finally:
            gc.unfreeze()
            if collecting:
                gc.enable()

    def _build(self, resume_collecting: bool, defer_search: bool) -> BuildReport:
        project = self.project
        self.pending_search = []  # this build indexes them, or defers them again
        check_output_folder(project.output_dir, project.root)
        timings = Timings()
        fingerprints: Fingerprints = {}
        catalog, problems = load_catalog(project, timings, fingerprints, self.parsed, self.validated, self.derived,
                                         self._release_routes, self.loaded)
        if catalog is None:
            raise ContentError(problems)
        if not self.again:
            self.parsed.release()  # the files' pickled data (tens of MB at 10,000 models), no longer needed
            self.validated = {}
        plan = plan_site(project, catalog, timings, self.base_url, fingerprints, self.routes)
        with OutputLock(project.output_dir, self.on_wait) as lock:
            writer = SiteWriter(project.output_dir, atomic=not self.preview, lock=lock)  # finishes a commit cut short
            if lock.generation != self.generation:  # another build wrote the folder since this builder's last
                self.state = self.search = self.fragments = None
            state = self.state or BuildState.load(project.cache_dir, project.output_dir, lock.generation)
            search = self.search or SearchCache.load(project.search_cache_file())
            gc.freeze()
            if resume_collecting:
                gc.enable()
            fragments = self._carried_fragments(state)
            # The dev server's rebuild takes its last build's files to be there still (forget_missing_outputs),
            # unless the whole output folder went.
            trust_output = self.preview and self.state is not None and project.output_dir.is_dir()
            # The routes of the last build, patched (routes_for), and every file of theirs still in its state.
            known_routes = trust_output and plan.routes is self.last_routes and len(state.files) == self.last_files
            last_renderer, self.renderer = self.renderer, None
            self.state = self.search = self.fragments = None  # until this build succeeds
            try:
                result = render_site(project, plan, timings, writer, state, search, fragments, trust_output,
                                     defer_search, keep_worker_fragments=self.again, known_routes=known_routes,
                                     last_renderer=last_renderer)
                with timings.stage("write"):
                    stats = writer.finish(result.outputs, result.written, state.outputs)
            except BaseException:
                writer.abort()
                self.generation = lock.generation  # what it wrote before failing is its own doing, not another build's
                raise
            state.settle(outputs=result.outputs, generation=lock.generation)
            self.state, self.search, self.fragments, self.generation = state, search, fragments, lock.generation
            self.last_routes, self.last_files = plan.routes, len(state.files)
            self.renderer = result.renderer if self.again else None
            self.pending_search = result.pending_search
            # The dev server's builder saves when the server stops: pickling the state of 110,000
            # files took 0.3 s of each edit's rebuild, and the state on disk is only read by the
            # next server (its base URL makes every page differ from a `build.py build`).
            if not self.preview:
                self._save()
        return BuildReport(result.pages, result.rendered, stats, timings)

    def _release_routes(self) -> None:
        """Let go of the last build's routes and renderer, and through them of its catalog, before a
        catalog is built anew."""
        self.last_routes = self.renderer = None
        if self.routes is not None:
            self.routes = RoutesMemo()

    def _carried_fragments(self, state: BuildState) -> dict[str, CarriedFragments] | None:
        """The table rows and other fragments this build may reuse, and keeps for the next.

        A builder that builds again keeps them in memory. A one-off builder (`build.py build`)
        reads those the last one saved with the build state, when this build is incremental:
        the rows of the list pages an edit touches (4,700 at 1,000 models) were most of its
        rendering. A full build keeps none (rows of every model, from every worker, would
        cost memory and a large file for the next build to read)."""
        if self.again:
            return self.fragments if self.state is not None else {}
        if not state.files:
            return None
        return load_fragments(self.project.fragments_file(), state.token)

    def finish_search(self) -> int:
        """Index the search bundles the last build deferred, and write them in place; how many.

        Not to be run beside a build of this builder (the dev server runs it in a thread of its
        own and waits for it before the next build). A failure leaves the bundles marked for the
        next build to index."""
        pending, self.pending_search = self.pending_search, []
        if not pending or self.state is None or self.search is None or self.state.outputs is None:
            return 0
        with OutputLock(self.project.output_dir, self.on_wait) as lock:
            if lock.generation != self.generation:
                return 0  # another build wrote the folder, and its own index: the next build starts from its state
            writer = SiteWriter(self.project.output_dir, atomic=False, lock=lock)
            outputs, written = set(self.state.outputs), set()
            try:
                index_pending(pending, self.search, writer, outputs, written)
            finally:  # what was written before a failure is the site's, for the next build to keep or remove
                outputs |= written
                writer.finish(outputs, written, self.state.outputs)  # removes the bundles' last files
                self.state.outputs, self.state.generation = outputs, lock.generation
                self.generation = lock.generation
        return len(pending)

    def generation_elsewhere(self) -> str | None:
        """The output folder's generation when another build has changed the folder since this
        builder's last build; else None."""
        found = current_generation(self.project.output_dir)
        return found if self.generation is not None and found != self.generation else None

    def forget_missing_outputs(self) -> int:
        """Forget the last build's files that are no longer in the output folder (deleted by hand),
        so that the next build writes them again; how many there were.

        A dev server's rebuild does not ask for each file whether it is still there: at 10,000
        models that took 0.19 s of every rebuild (112,000 files). The server asks here instead,
        once it is idle after a build.
        """
        if self.state is None or self.state.outputs is None or self.search is None:
            return 0
        with presence_test(self.project.output_dir) as present:
            missing = [output_file for output_file in self.state.outputs if not present(output_file)]
        self.state.forget(missing)
        self.search.forget_bundles_of(missing)
        return len(missing)

    def save(self) -> None:
        """Write the last good build's state, search documents and chosen pairs to the cache folder, and
        a one-off builder's fragments (the rows it used or made); not when another build has written
        the output folder since, whose state is the one to keep."""
        with OutputLock(self.project.output_dir, self.on_wait) as lock:
            if lock.generation == self.generation:
                self._save()

    def _save(self) -> None:
        """`save`, with the output folder's lock held."""
        self.parsed.save()  # a long-lived builder's parsed files (a one-off build's are saved as loaded)
        if self.state is None or self.search is None:
            return  # no build succeeded, or the last one failed
        self.state.save()
        if self.fragments is not None and not self.again:
            save_fragments(self.project.fragments_file(), self.state.token, self.fragments)
        else:  # they would go with another state: never read, but not left to take room
            self.project.fragments_file().unlink(missing_ok=True)
        self.search.save(self.project.search_cache_file())
        self.derived.partners.save(self.project.pairs_cache_file())


def build(project: Project, base_url: str | None = None, preview: bool = False) -> BuildReport:
    """One build with a new builder: what `build.py build` runs."""
    return SiteBuilder(project, base_url, preview, again=False).build()


def static_files(static_dir: Path) -> dict[str, bytes]:
    """The static assets, by name: copied into the site and hashed for their URLs' version tags."""
    if not static_dir.is_dir():
        return {}
    return {
        path.relative_to(static_dir).as_posix(): path.read_bytes()
        for path in sorted(static_dir.rglob("*"))
        if path.is_file() and not path.name.startswith(".")
    }
