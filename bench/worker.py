"""One measurement in a fresh Python process: `worker.py build|floor JSON-ARGS`.

The parent (bench/run.py) gives each measurement its own process so that peak memory
is that measurement's alone and nothing stays warm in memory between them. The result
is one JSON line on stdout, after RESULT_MARKER.

build: a cold build() into a fresh output folder; then one record edited and build() run
       again on the same output folder with a new builder (what `build.py build` does, less
       the interpreter's start); then the same edit made 3 times through one long-lived
       SiteBuilder(preview=True), as the dev server rebuilds.
floor: the catalog and routes prepared first (not timed), then only the rendering of
       every page route x locale and every data route.
"""

from __future__ import annotations

import gc
import json
import os
import resource
import shutil
import sys
import time
from contextlib import contextmanager
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

RESULT_MARKER = "@@bench-result "
EDITS = 3  # timed rebuilds of each builder


def main() -> int:
    mode, args = sys.argv[1], json.loads(sys.argv[2])
    sys.path.insert(0, args["code"])  # the run's snapshot of atlas/, before the repository's
    phase_file = Path(args["phase_file"])
    started = time.perf_counter()
    import atlas.pipeline  # (the import cost is reported apart from the build)

    result = {"import_seconds": time.perf_counter() - started, "atlas": str(Path(atlas.pipeline.__file__).parent)}
    if mode == "build":
        result.update(_build(args, phase_file))
    elif mode == "floor":
        result.update(_floor(args, phase_file))
    else:
        raise SystemExit(f"unknown mode {mode}")
    print(RESULT_MARKER + json.dumps(result), flush=True)
    return 0


def _build(args: dict, phase_file: Path) -> dict:
    from atlas.pipeline import Project, SiteBuilder, build
    from catalogs import count_files

    project = Project.at(Path(args["root"]), output_dir=Path(args["out"]))
    cache_dir = str(getattr(project, "cache_dir", ""))  # where the build keeps state, if it says
    phase_file.write_text("cold")
    cpu = cpu_seconds()
    started = time.perf_counter()
    with stages_named_in(phase_file, "cold"):
        report = build(project)
    seconds = time.perf_counter() - started
    cold = {
        "seconds": seconds,
        "cpu_seconds": cpu_seconds() - cpu,
        "pages": report.pages,
        "files_in_output": count_files(project.output_dir),
        "written": report.stats.written,
        "stages": dict(report.timings.stages),
        "peak_rss_bytes": peak_rss(),
        "children_peak_rss_bytes": children_peak_rss(),
    }
    phase_file.write_text("disk floor")
    cold["disk_floor_seconds"] = disk_floor(project.output_dir)

    edited = Path(args["edit_file"])
    phase_file.write_text("rebuild")
    # The cold build and the disk floor leave gigabytes not yet on disk; the rebuild's one
    # fsync (its commit journal) would wait for their write-back too. Not timed.
    os.sync()
    # Each builder's rebuilds after the same edits (_timed_edits): a new builder for each, as
    # `build.py build` makes one; then the dev server's, one SiteBuilder for the session (parsed
    # files, records, build state kept in memory) that replaces changed files in place. Its first
    # build (nothing changed, not timed) is the one `serve` makes at start.
    samples = _timed_edits(edited, lambda: build(project), fresh_heap=True)
    rebuild = {**samples[len(samples) // 2], "edited": edited.name, "samples": [s["seconds"] for s in samples],
               "peak_rss_bytes": peak_rss()}  # the process's peak so far: cold build and rebuilds
    phase_file.write_text("dev-server rebuild")
    server = SiteBuilder(project, preview=True)
    server.build()
    os.sync()
    samples = _timed_edits(edited, server.build)
    server.build()  # back in step with the restored record
    rebuild["preview"] = {**samples[len(samples) // 2], "samples": [s["seconds"] for s in samples]}
    phase_file.write_text("done")
    return {"cold": cold, "rebuild": rebuild, "cache_dir": cache_dir}


def _timed_edits(edited: Path, rebuild, fresh_heap: bool = False) -> list[dict]:
    """EDITS edits of one record's input price (+0.02, +0.03, +0.04 of its own, each undone before
    the next: the first moves the price away from the record's, the others nudge it), each followed
    by `rebuild()`, timed; fastest first.

    `fresh_heap`: the garbage earlier builds left (their catalogs are cyclic, so only the
    collector frees them) is collected before the timer starts, as a new `build.py build`
    process has none; else one timed rebuild pays for a full collection of it (1.1 s at 5,000
    models)."""
    from catalogs import set_input_price

    samples = []
    for step in range(1, EDITS + 1):
        original, value = set_input_price(edited, 0.01 * (step + 1))
        if fresh_heap:
            gc.collect()
        try:
            cpu = cpu_seconds()
            started = time.perf_counter()
            report = rebuild()
            seconds = time.perf_counter() - started
            cpu = cpu_seconds() - cpu
        finally:
            edited.write_text(original, encoding="utf-8")  # the catalog stays as generated
        samples.append({"seconds": seconds, "cpu_seconds": cpu, "new_input_price": value, "pages": report.pages,
                        "rendered": report.rendered, "written": report.stats.written,
                        "unchanged": report.stats.unchanged, "removed": report.stats.removed,
                        "stages": dict(report.timings.stages)})
    return sorted(samples, key=lambda sample: sample["seconds"])


@contextmanager
def stages_named_in(phase_file: Path, phase: str):
    """Each pipeline stage written to the phase file as it starts ("cold:render"), so the parent's
    memory samples say which stage they fell in. Timings.stage is the pipeline's one way into
    every stage; it is wrapped here, in the benchmark's own process, and put back after."""
    from atlas import pipeline

    timed = pipeline.Timings.stage

    @contextmanager
    def stage(timings, name: str):
        phase_file.write_text(f"{phase}:{name}")
        with timed(timings, name):
            yield
        phase_file.write_text(phase)

    pipeline.Timings.stage = stage
    try:
        yield
    finally:
        pipeline.Timings.stage = timed


def _floor(args: dict, phase_file: Path) -> dict:
    from atlas.data_outputs import render_data
    from atlas.pipeline import Project, load_catalog, static_files
    from atlas.render import Renderer, SiteUrls, asset_version
    from atlas.routes import build_routes, listed_pages

    project = Project.at(Path(args["root"]), output_dir=Path(args["out"]))
    phase_file.write_text("prepare")
    started = time.perf_counter()
    catalog, problems = load_catalog(project)
    if catalog is None:
        raise SystemExit(f"{len(problems)} content problem(s), first: {problems[0]}")
    site = catalog.site
    urls = SiteUrls(site.base_url, site.default_locale)
    assets = static_files(project.static_dir)
    routes = build_routes(catalog)
    renderer = Renderer(project.templates_dir, project.locales_dir, catalog, urls,
                        {name: asset_version(data) for name, data in assets.items()})
    listed = listed_pages(routes)
    compiled = _compile_templates(renderer)
    prepare_seconds = time.perf_counter() - started
    gc.collect()

    phase_file.write_text("floor")
    cpu = cpu_seconds()
    pages = data = 0
    page_seconds = data_seconds = 0.0
    for route in routes:
        if not route.is_page:
            started = time.perf_counter()
            render_data(route, catalog, urls, listed)
            data_seconds += time.perf_counter() - started
            data += 1
            continue
        started = time.perf_counter()
        for locale in site.locales:
            renderer.render(route, locale)
        page_seconds += time.perf_counter() - started
        pages += len(site.locales)
    cpu = cpu_seconds() - cpu
    phase_file.write_text("done")
    return {"floor": {
        "seconds": page_seconds + data_seconds,
        "cpu_seconds": cpu,
        "page_seconds": page_seconds,
        "data_seconds": data_seconds,
        "pages": pages,
        "data_files": data,
        "templates_compiled_first": compiled,
        "prepare_seconds": prepare_seconds,
        "peak_rss_bytes": peak_rss(),
    }}


def _compile_templates(renderer) -> int:
    """Compile every template of every locale before timing, so the floor is rendering alone."""
    compiled = 0
    for env in renderer.environments.values():
        for name in env.list_templates(extensions=("html", "xml", "txt", "svg", "json")):
            try:
                env.get_template(name)
                compiled += 1
            except Exception:  # a file that is not a template: the pages never load it either
                pass
    return compiled


def disk_floor(site: Path) -> float:
    """Seconds to copy the cold build's files, just written and so read from memory, into a new
    folder beside it (one process, each folder made once): what writing the site costs the disk."""
    files = sorted(path.relative_to(site) for path in site.rglob("*") if path.is_file())
    copy = site.with_name(site.name + ".disk-floor")
    shutil.rmtree(copy, ignore_errors=True)
    started = time.perf_counter()
    for folder in sorted({relative.parent for relative in files}):
        (copy / folder).mkdir(parents=True, exist_ok=True)
    for relative in files:
        (copy / relative).write_bytes((site / relative).read_bytes())
    seconds = time.perf_counter() - started
    shutil.rmtree(copy)
    return seconds


def cpu_seconds() -> float:
    """User + system CPU time of this process and of its children that have ended (a pool, Pagefind)."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def children_peak_rss() -> int:
    """The largest peak resident set of any ended child (a pool worker, Pagefind), in bytes."""
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024


def peak_rss() -> int:
    """This process's peak resident set (VmHWM), in bytes."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


if __name__ == "__main__":
    sys.exit(main())
