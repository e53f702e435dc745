"""`python build.py serve`: build, serve on loopback, rebuild what changed and reload the browser.

The pages are served by a small WSGI app of ours inside livereload's server, so we
decide exactly what is served: files under the output folder only (no `..`
escapes), and, while the content has problems, the last good site with the
problems laid over every page. Fixing the file recovers without a restart.
"""

from __future__ import annotations

import mimetypes
import signal
import sys
import threading
import time
from html import escape
from pathlib import Path
from typing import Callable
from urllib.parse import unquote

from .file_events import FolderEvents, available as file_events_available
from .output_lock import OutputBusy, will_not_wait
from .pipeline import Project, SiteBuilder
from .problems import ContentError, Problem, format_problems

mimetypes.add_type("application/manifest+json", ".webmanifest")
mimetypes.add_type("application/wasm", ".wasm")


class DevSite:
    """WSGI app: the output folder's files, and the last failed build's problems as an overlay."""

    def __init__(self, output_dir: Path):
        self.output_dir = output_dir.resolve()
        self.problems: list[Problem] = []
        self.rebuild_due = False  # a rebuild found another build writing the folder: due once it is done

    def resolve(self, url_path: str) -> Path | None:
        candidate = (self.output_dir / unquote(url_path).lstrip("/")).resolve()
        if not candidate.is_relative_to(self.output_dir):
            return None  # "/../pyproject.toml" and friends
        if candidate.is_dir():
            candidate = candidate / "index.html"
        return candidate if candidate.is_file() else None

    def __call__(self, environ, start_response):
        url_path = environ.get("PATH_INFO", "/")
        target = self.resolve(url_path)
        status = "200 OK"
        if target is None:
            status = "404 Not Found"
            locale_404 = self.resolve(url_path.lstrip("/").split("/", 1)[0] + "/404.html")
            target = locale_404 or self.resolve("404.html")
            if target is None:
                start_response(status, [("Content-Type", "text/plain; charset=utf-8")])
                return [b"not found"]
        body = target.read_bytes()
        content_type = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
        if content_type == "text/html":
            content_type += "; charset=utf-8"
            body = self._with_overlay(body)
        start_response(status, [("Content-Type", content_type), ("Content-Length", str(len(body))),
                                ("Cache-Control", "no-store")])
        return [body]

    def _with_overlay(self, body: bytes) -> bytes:
        if not self.problems:
            return body
        items = "".join(f"<li><code>{escape(p.location())}</code> {escape(p.message)}"
                        + (f"<br><small>{escape(p.hint)}</small>" if p.hint else "") + "</li>"
                        for p in self.problems)
        overlay = (
            '<div id="atlas-problems" role="alert" style="position:fixed;inset:auto 0 0 0;max-height:60vh;'
            'overflow:auto;z-index:9999;background:#3b0d0d;color:#fff;font:14px/1.5 system-ui,sans-serif;'
            'padding:1rem 1.5rem;box-shadow:0 -4px 16px rgba(0,0,0,.4)">'
            f"<strong>{len(self.problems)} content problem(s): still showing the last good site</strong>"
            f'<ul style="margin:.5rem 0 0;padding-left:1.2rem">{items}</ul></div>'
        ).encode("utf-8")
        return body.replace(b"</body>", overlay + b"</body>", 1) if b"</body>" in body else body + overlay


# Without inotify (or with `serve --poll`) the watcher walks the watched folders on each poll
# (0.11 s at 10,000 model files on tmpfs): it pauses ten times as long as the last walk
# between polls, a quarter second at least.
POLL_PAUSE_FLOOR = 0.25
POLL_PAUSE_PER_WALK = 10
# An editor's save, or a checkout, is several events close together: one rebuild for them.
SETTLE = 0.02
# A server that is killed (SIGKILL, a closed terminal) never reaches its `finally`, and the
# next one would render the whole site again: the builder's state is saved once nothing has
# changed for this long after a build.
SAVE_WHEN_IDLE = 2.0
# How often the server looks whether another build (a `build.py build` into the same folder)
# rewrote its output: then the pages served are that build's, for another base URL.
OUTPUT_CHECK = 1.0


def reloading_watcher(on_change: Callable[[], object], on_idle: Callable[[], bool] = lambda: False,
                      walk: bool = False, after_reload: Callable[[], object] = lambda: None,
                      on_tick: Callable[[], bool] = lambda: False):
    """A livereload Watcher of our own: one `on_change` (the rebuild) for whatever changed in the
    watched folders, then a browser reload and `after_reload` (the search index); `on_idle` (a
    check of the output and the save) once nothing has changed for SAVE_WHEN_IDLE seconds after
    the start or a rebuild, and a reload when it says it rebuilt; `on_tick` every OUTPUT_CHECK
    seconds, and a reload when it says it rebuilt.

    Changes come from inotify (file_events.py) where the system has it, unless `walk`; else
    from walking the folders.

    livereload's own loop polls every 0.8 s, runs the task of each folder that changed (a
    checkout that touched content and templates rebuilt twice) and drops any reload that comes
    within 3 s of the last one: an editor's second quick save was rebuilt, but the browser kept
    showing the first.
    """
    from livereload.handlers import LiveReloadHandler
    from livereload.watcher import Watcher
    from tornado.ioloop import IOLoop

    class ReloadingWatcher(Watcher):
        events: FolderEvents | None = None
        settling = False  # a rebuild is due in SETTLE seconds
        idle_timer: object | None = None

        def start(self, callback) -> bool:
            if walk or not file_events_available():
                self.walk_from_now()
            else:
                try:
                    self.events = FolderEvents(self._tasks, self.ignore)
                except OSError as error:  # no inotify instance or watch left (fs.inotify.max_user_*)
                    self.walk_instead(error)
                else:
                    IOLoop.current().add_handler(self.events.fd, self.on_events, IOLoop.READ)
            self.wait_for_idle()  # after the first build, made before serving
            IOLoop.current().call_later(OUTPUT_CHECK, self.tick)
            return True  # livereload starts no polling of its own

        def tick(self) -> None:
            try:
                if on_tick():
                    LiveReloadHandler.reload_waiters()
                    self.wait_for_idle()
            finally:
                IOLoop.current().call_later(OUTPUT_CHECK, self.tick)

        def on_events(self, fd, events) -> None:
            if self.events_changed() and not self.settling:
                self.settling = True
                IOLoop.current().call_later(SETTLE, self.rebuild)

        def events_changed(self) -> bool:
            try:
                return self.events.changed()
            except OSError as error:  # no watch left for a folder made since the start
                self.walk_instead(error)
                return True  # what inotify could not follow may have changed

        def walk_instead(self, error: OSError) -> None:
            print(f"watching by walking the folders: {error}", file=sys.stderr)
            if self.events is not None:
                IOLoop.current().remove_handler(self.events.fd)
                self.events.close()
                self.events = None
            self.walk_from_now()

        def walk_from_now(self) -> None:
            IOLoop.current().call_later(POLL_PAUSE_FLOOR, self.poll)

        def poll(self) -> None:
            walked = 0.0
            try:
                started = time.perf_counter()
                changed = self.any_changed()
                walked = time.perf_counter() - started
                if changed:
                    self.rebuild()
            finally:
                IOLoop.current().call_later(max(POLL_PAUSE_FLOOR, POLL_PAUSE_PER_WALK * walked), self.poll)

        def rebuild(self) -> None:
            self.settling = False
            if self.events is not None:
                self.events_changed()  # events of the settling time: this build reads their files
            on_change()
            LiveReloadHandler.reload_waiters()
            after_reload()
            self.wait_for_idle()

        def wait_for_idle(self) -> None:
            loop = IOLoop.current()
            if self.idle_timer is not None:
                loop.remove_timeout(self.idle_timer)
            self.idle_timer = loop.call_later(SAVE_WHEN_IDLE, self.idle)

        def idle(self) -> None:
            self.idle_timer = None
            if on_idle():
                LiveReloadHandler.reload_waiters()

        def any_changed(self) -> bool:
            """Walk every watched folder (each keeps its files' times) and tell whether any changed."""
            changed = False
            for path, task in self._tasks.items():
                self._task_mtimes = task["mtimes"]  # what livereload's examine() sets before each walk
                changed = bool(self.is_changed(path, task["ignore"])) or changed
            return changed

    return ReloadingWatcher()


class SearchCatchUp:
    """The search bundles a rebuild left for later (SiteBuilder.finish_search), indexed in a thread
    while the browser reloads the edited page: Pagefind took 0.6 s of a 0.83 s rebuild after a
    tagline edit at 1,000 models. The page is served meanwhile; the search index follows.

    `wait` comes before anything else touches the builder or forks: the next rebuild (whose
    render workers must not be forked beside another thread), the idle check, the last save.
    """

    def __init__(self, builder: SiteBuilder):
        self.builder = builder
        self.thread: threading.Thread | None = None

    def start(self) -> None:
        self.wait()
        if self.builder.pending_search:
            self.thread = threading.Thread(target=self._index, name="search-index", daemon=True)
            self.thread.start()

    @property
    def busy(self) -> bool:
        return self.thread is not None and self.thread.is_alive()

    def wait(self) -> None:
        if self.thread is not None:
            self.thread.join()
            self.thread = None

    def _index(self) -> None:
        started = time.perf_counter()
        try:
            bundles = self.builder.finish_search()
        except Exception as error:  # Pagefind failed, a disk error: the next rebuild indexes them again
            print(f"search index not updated: {error}", file=sys.stderr)
            return
        print(f"search index: {bundles} bundle(s) indexed in {time.perf_counter() - started:.2f}s", file=sys.stderr)


class AnotherBuildCheck:
    """The preview built again when another build (a `build.py build` into the served folder, for
    the public base URL) wrote the output since the server's last build, or held the folder when
    a rebuild was due. Once per generation of the folder: a rebuild that fails on the content
    waits for the content's fix."""

    def __init__(self, builder: SiteBuilder, site: DevSite, search: SearchCatchUp):
        self.builder, self.site, self.search = builder, site, search
        self.tried: str | None = None

    def __call__(self) -> bool:
        if self.search.busy:  # the search thread writes the folder too: its change is not another build's
            return False
        found = self.builder.generation_elsewhere()
        if not self.site.rebuild_due:
            if found is None or found == self.tried:
                return False
            print("another build wrote the output folder: rebuilding the preview", file=sys.stderr)
        self.tried = found
        self.search.wait()
        return rebuild(self.builder, self.site)


def rebuild(builder: SiteBuilder, site: DevSite, defer_search: bool = False) -> bool:
    """One rebuild for the watcher; a content error keeps the last good site in place.
    `defer_search`: leave the search bundles whose documents changed to a SearchCatchUp."""
    try:
        report = builder.build(defer_search)
    except ContentError as error:
        site.problems, site.rebuild_due = error.problems, False
        print(format_problems(error.problems), file=sys.stderr)
        print(f"{len(error.problems)} problem(s); still serving the last good site.", file=sys.stderr)
        return False
    except OutputBusy as busy:  # the server keeps serving meanwhile; AnotherBuildCheck tries again
        if not site.rebuild_due:
            print(f"{busy}: the preview is rebuilt once it is done", file=sys.stderr)
        site.rebuild_due = True
        return False
    site.problems, site.rebuild_due = [], False
    print(f"rebuilt: {report.rendered} of {report.pages} pages rendered, {report.stats.written} files written "
          f"in {report.timings.total:.2f}s", file=sys.stderr)
    return True


def when_idle(builder: SiteBuilder, site: DevSite) -> bool:
    """Bring back the files deleted from the output by hand since the last build (a rebuild takes
    its last build's files to be there), then save the build state; whether it rebuilt."""
    rebuilt = builder.forget_missing_outputs() > 0 and rebuild(builder, site)
    _save(builder)
    return rebuilt


def _save(builder: SiteBuilder) -> None:
    try:
        builder.save()
    except OutputBusy:  # the other build saves its own state; the server's is saved when it is idle again
        pass


def serve(project: Project, host: str = "127.0.0.1", port: int = 8000, open_browser: bool = False,
          poll: bool = False) -> int:
    from livereload import Server

    base_url = f"http://{'127.0.0.1' if host in ('0.0.0.0', '::') else host}:{port}/"
    site = DevSite(project.output_dir)
    # One for the session: rebuilds reuse what it keeps. It never waits for another build writing
    # the folder, which would stop the server answering until that build is done.
    builder = SiteBuilder(project, base_url, preview=True, on_wait=will_not_wait, watch_content=not poll)
    if not rebuild(builder, site) and not site.rebuild_due and not project.output_dir.is_dir():
        print("the first build failed and there is no earlier site to serve; fix the problems above",
              file=sys.stderr)
    search = SearchCatchUp(builder)

    def on_change() -> None:
        search.wait()
        rebuild(builder, site, defer_search=True)

    def on_idle() -> bool:
        search.wait()
        return when_idle(builder, site)

    server = Server(app=site, watcher=reloading_watcher(on_change, on_idle, walk=poll, after_reload=search.start,
                                                        on_tick=AnotherBuildCheck(builder, site, search)))
    for folder in (project.content_dir, project.templates_dir, project.locales_dir, project.static_dir):
        server.watch(str(folder))
    print(f"serving {project.output_dir} on {base_url}", file=sys.stderr)
    # livereload stops on Ctrl-C (KeyboardInterrupt); a SIGTERM stops it the same way.
    signal.signal(signal.SIGTERM, _interrupt)
    try:
        server.serve(host=host, port=port, debug=False, open_url_delay=1 if open_browser else None)
    finally:
        search.wait()
        _save(builder)  # the next server's first build starts from this one's last (saved when idle too)
    return 0


def _interrupt(signum, frame) -> None:
    raise KeyboardInterrupt
