"""The dev server: loopback only, nothing outside the output folder, problems shown, recovery."""

from __future__ import annotations

import http.client
import os
import socket
import subprocess
import sys
import time

import pytest

from atlas import file_events
from atlas.pipeline import Project, SiteBuilder, build
from atlas.output_lock import OutputLock, will_not_wait
from atlas.serve import AnotherBuildCheck, DevSite, SearchCatchUp, rebuild, when_idle
from atlas.problems import Problem
from conftest import FIXTURE_CONTENT, fixture_project, project_folder, tree


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def get(port: int, path: str) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    connection.putrequest("GET", path, skip_accept_encoding=True)  # the raw path, "/../" kept
    connection.endheaders()
    response = connection.getresponse()
    return response.status, response.read()


def wait_for(predicate, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.2)
    raise AssertionError("timed out")


def test_dev_site_never_serves_outside_the_output_folder(tmp_path):
    out = tmp_path / "site"
    (out / "models").mkdir(parents=True)
    (out / "index.html").write_text("<html><body>home</body></html>", encoding="utf-8")
    (tmp_path / "secret.txt").write_text("secret", encoding="utf-8")
    site = DevSite(out)
    for path in ("/../secret.txt", "/%2e%2e/secret.txt", "/models/../../secret.txt", "//etc/passwd"):
        assert site.resolve(path) is None, path
    assert site.resolve("/") == (out / "index.html").resolve()


def test_overlay_lists_problems(tmp_path):
    site = DevSite(tmp_path)
    site.problems = [Problem("content/models/x.yaml", 3, None, "unknown key '<b>'", "did you mean 'name'?")]
    body = site._with_overlay(b"<html><body><p>page</p></body></html>")
    assert b'id="atlas-problems"' in body and b"content/models/x.yaml:3" in body
    assert b"&lt;b&gt;" in body and b"<b>" not in body


@pytest.fixture
def served_project(tmp_path, request):
    """A dev server on the fixture; `@pytest.mark.serve_options(...)` adds to its command line."""
    options = request.node.get_closest_marker("serve_options")
    project = project_folder(tmp_path, FIXTURE_CONTENT)
    port = free_port()
    log = open(tmp_path / "serve.log", "wb")
    command = [sys.executable, "build.py", "serve", "--port", str(port), *(options.args if options else ())]
    process = subprocess.Popen(command, cwd=project,
                               stdout=log, stderr=subprocess.STDOUT, env={**os.environ, "PYTHONUNBUFFERED": "1"})
    try:
        wait_for(lambda: _serving(port))
        yield project, port, tmp_path / "serve.log"
    finally:  # stopped as by Ctrl-C: a search index still being made is finished, not cut short
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


def _serving(port: int) -> bool:
    try:
        return get(port, "/")[0] == 200
    except OSError:
        return False


@pytest.mark.parametrize("watcher", [
    pytest.param("inotify", marks=pytest.mark.skipif(not file_events.available(), reason="no inotify here")),
    pytest.param("walking", marks=pytest.mark.serve_options("--poll"))])
def test_serve_binds_loopback_and_recovers_from_a_yaml_error(served_project, watcher):
    project, port, log = served_project
    status, body = get(port, "/models/alpha-mini/")
    assert status == 200 and b"Alpha Mini" in body
    assert b"livereload.js" in body  # the reload script is injected
    assert get(port, "/../pyproject.toml")[0] == 404
    assert get(port, "/no/such/page/")[0] == 404
    listening = subprocess.run(["ss", "-ltnH", f"sport = :{port}"], capture_output=True, text=True).stdout
    if listening:  # ss is not on every machine
        assert all(line.split()[3].startswith(("127.0.0.1:", "[::1]:")) for line in listening.splitlines())

    record = project / "content" / "models" / "alpha-mini.yaml"
    good = record.read_text(encoding="utf-8")
    record.write_text(good.replace("family: alpha", "family: [alpha"), encoding="utf-8")
    wait_for(lambda: b"atlas-problems" in get(port, "/models/alpha-mini/")[1])
    status, body = get(port, "/models/alpha-mini/")
    assert status == 200 and b"Alpha Mini" in body  # the last good page, with the problems over it
    assert b"content/models/alpha-mini.yaml:" in body
    assert b"YAML syntax error" in log.read_bytes()

    record.write_text(good.replace("name: Alpha Mini", "name: Alpha Mini Two"), encoding="utf-8")
    wait_for(lambda: b"Alpha Mini Two" in get(port, "/models/alpha-mini/")[1])
    assert b"atlas-problems" not in get(port, "/models/alpha-mini/")[1]


@pytest.mark.parametrize("stop", ["terminate", "kill when idle"])
def test_a_stopped_server_leaves_its_state_for_the_next_one(tmp_path, stop):
    """The dev server saves its build state when it stops (SIGTERM, as Ctrl-C), and once it has
    been idle after a build: a server killed outright (SIGKILL) leaves it too."""
    project = project_folder(tmp_path, FIXTURE_CONTENT)
    port = free_port()
    logs = []
    for run in range(2):
        log = tmp_path / f"serve-{run}.log"
        with open(log, "wb") as handle:
            process = subprocess.Popen([sys.executable, "build.py", "serve", "--port", str(port)], cwd=project,
                                       stdout=handle, stderr=subprocess.STDOUT,
                                       env={**os.environ, "PYTHONUNBUFFERED": "1"})
            try:
                wait_for(lambda: _serving(port))
                if stop == "terminate":
                    process.terminate()
                    assert process.wait(timeout=30) == 0
                else:
                    wait_for(lambda: any((project / ".atlas-cache").glob("build-*.pickle")))
                    process.kill()
                    process.wait(timeout=30)
            finally:
                process.kill()
                process.wait()
        logs.append(log.read_text(encoding="utf-8"))
    first = next(line for line in logs[0].splitlines() if line.startswith("rebuilt:"))
    second = next(line for line in logs[1].splitlines() if line.startswith("rebuilt:"))
    pages = int(first.split(" of ")[1].split()[0])
    assert first.startswith(f"rebuilt: {pages} of {pages} pages rendered")
    assert second.startswith(f"rebuilt: 0 of {pages} pages rendered, 0 files written")


def test_every_save_reloads_the_browser_even_two_in_quick_succession(served_project):
    """livereload's own loop dropped a reload within 3 s of the last: the second save was rebuilt
    but the open page kept showing the first."""
    from bench.reload_latency import drain_until_quiet, livereload_connect, wait_for_reload

    project, port, log = served_project
    record = project / "content" / "models" / "alpha-mini.yaml"
    good = record.read_text(encoding="utf-8")
    browser = livereload_connect(port)
    try:
        drain_until_quiet(browser, quiet=1.5)  # the reload livereload sends once at start
        for name in ("Alpha Mini Two", "Alpha Mini Three"):
            record.write_text(good.replace("name: Alpha Mini", f"name: {name}"), encoding="utf-8")
            started = time.monotonic()
            assert wait_for_reload(browser, timeout=20) is not None, name
            assert name.encode() in get(port, "/models/alpha-mini/")[1]
            assert time.monotonic() - started < 3  # the second within 3 s of the first reload
    finally:
        browser.close()


def test_a_page_deleted_from_the_output_by_hand_comes_back_once_the_server_is_idle(served_project):
    """A rebuild takes the output to be as the last build left it (asking for every file costs a
    tenth of a second and more on a large site); the server looks for deleted files when idle."""
    project, port, log = served_project
    page = project / "site" / "404.html"  # no edit of a model renders it again
    record = project / "content" / "models" / "alpha-mini.yaml"
    wait_for(lambda: any((project / ".atlas-cache").glob("build-*.pickle")))  # idle after the first build
    page.unlink()
    record.write_text(record.read_text(encoding="utf-8").replace("name: Alpha Mini", "name: Alpha Mini Two"),
                      encoding="utf-8")
    wait_for(lambda: b"Alpha Mini Two" in get(port, "/models/alpha-mini/")[1])
    assert not page.exists()
    wait_for(page.exists, seconds=30)
    wait_for(lambda: log.read_text(encoding="utf-8").count("rebuilt:") == 3)  # start, the edit, the restore
    rebuilds = [line for line in log.read_text(encoding="utf-8").splitlines() if line.startswith("rebuilt:")]
    assert rebuilds[2].startswith("rebuilt: 1 of ")  # the 404 page alone


def test_the_search_index_follows_the_reload_of_an_edited_page(served_project, tmp_path):
    """A rebuild sends the reload once the pages are written; Pagefind runs for the changed
    search documents after it, and leaves the index a clean build would make."""
    project, port, log = served_project
    index = project / "site" / "pagefind"
    before = tree(index)
    record = project / "content" / "models" / "alpha-mini.yaml"
    record.write_text(record.read_text(encoding="utf-8").replace("name: Alpha Mini", "name: Alpha Mini Two"),
                      encoding="utf-8")
    wait_for(lambda: "search index: 2 bundle(s) indexed" in log.read_text(encoding="utf-8"))
    lines = log.read_text(encoding="utf-8").splitlines()
    assert [line.split(":")[0] for line in lines if line.startswith(("rebuilt:", "search index:"))] == [
        "rebuilt", "rebuilt", "search index"]
    clean = tmp_path / "clean" / "site"
    build(Project.at(project, output_dir=clean, cache_dir=clean.parent / "cache"), base_url=f"http://127.0.0.1:{port}/")
    assert tree(index) == tree(clean / "pagefind") != before


@pytest.mark.parametrize("refused", ["at the start", "later"])
def test_the_watcher_walks_the_folders_when_inotify_cannot_watch_them(tmp_path, monkeypatch, capsys, refused):
    """Out of inotify instances or watches (fs.inotify.max_user_*), at the start or for a folder made
    later: the server says so, and walking the folders, still sees every edit."""
    import asyncio
    import errno
    import threading

    from livereload.handlers import LiveReloadHandler
    from tornado.ioloop import IOLoop

    from atlas import serve

    def no_watches(*args, **kwargs):
        raise OSError(errno.ENOSPC, "inotify_add_watch: No space left on device")

    if refused == "at the start":
        monkeypatch.setattr(serve, "FolderEvents", no_watches)
    elif file_events.available():
        monkeypatch.setattr(serve.FolderEvents, "changed", no_watches)
    else:
        pytest.skip("no inotify here")
    record = tmp_path / "content" / "a.yaml"
    record.parent.mkdir()
    record.write_text("name: A\n", encoding="utf-8")
    changes = []

    def rebuilt() -> None:
        changes.append(record.read_text(encoding="utf-8"))
        if changes[-1] == "name: C\n":
            IOLoop.current().stop()

    def serve_a_while() -> None:
        # An event loop of its own, in a thread of its own: the browser tests' loop runs in this one.
        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
        io_loop = IOLoop.current()
        try:
            watcher = serve.reloading_watcher(rebuilt)
            monkeypatch.setattr(LiveReloadHandler, "watcher", watcher)  # what livereload's Server sets
            watcher.watch(str(record.parent))
            assert watcher.start(None)
            io_loop.call_later(0.5, lambda: record.write_text("name: B\n", encoding="utf-8"))
            io_loop.call_later(1.5, lambda: record.write_text("name: C\n", encoding="utf-8"))
            io_loop.call_later(15, io_loop.stop)
            io_loop.start()
        finally:
            loop.close()

    thread = threading.Thread(target=serve_a_while)
    thread.start()
    thread.join(30)
    assert changes and changes[0] == "name: B\n" and changes[-1] == "name: C\n", changes
    assert capsys.readouterr().err.count("watching by walking the folders: [Errno 28]") == 1


def test_a_build_into_the_served_folder_is_replaced_by_the_preview(served_project):
    """A `build.py build` into the folder the server serves writes pages for the public base URL;
    the server notices the folder's new generation and builds its preview again."""
    project, port, log = served_project
    result = subprocess.run([sys.executable, "build.py", "build", "--base-url", "https://elsewhere.example/"],
                            cwd=project, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    wait_for(lambda: b"another build wrote the output folder" in log.read_bytes(), seconds=60)
    wait_for(lambda: b"elsewhere.example" not in get(port, "/models/alpha-mini/")[1], seconds=60)
    assert f"http://127.0.0.1:{port}/".encode() in get(port, "/models/alpha-mini/")[1]


def test_another_builds_output_is_rebuilt_once_a_generation_not_every_second_while_content_is_broken(
        tmp_path, content_copy, capsys):
    out = tmp_path / "site"
    builder = SiteBuilder(fixture_project(out, content_dir=content_copy), "http://127.0.0.1:9/", preview=True)
    builder.build()
    site = DevSite(out)
    check = AnotherBuildCheck(builder, site, SearchCatchUp(builder))
    assert check() is False  # no other build wrote the folder
    build(fixture_project(out, content_dir=content_copy))  # the public base URL
    record = content_copy / "models" / "alpha-mini.yaml"
    good = record.read_text(encoding="utf-8")
    record.write_text(good.replace("family: alpha", "family: [alpha"), encoding="utf-8")
    assert check() is False and site.problems  # the rebuild met the broken record
    assert check() is False  # and is not tried again for the same generation
    assert capsys.readouterr().err.count("another build wrote the output folder") == 1
    record.write_text(good, encoding="utf-8")
    build(fixture_project(out, content_dir=content_copy), base_url="https://elsewhere.example/")  # a new generation
    assert check() is True and not site.problems
    assert builder.generation_elsewhere() is None
    assert b"http://127.0.0.1:9/" in (out / "index.html").read_bytes()


def test_the_dev_server_does_not_wait_for_another_build_and_rebuilds_once_it_is_done(tmp_path, content_copy, capsys):
    """Waiting for the lock would stop the server answering for as long as the other build takes."""
    out = tmp_path / "site"
    builder = SiteBuilder(fixture_project(out, content_dir=content_copy), "http://127.0.0.1:9/", preview=True,
                          on_wait=will_not_wait)
    site = DevSite(out)
    check = AnotherBuildCheck(builder, site, SearchCatchUp(builder))
    with OutputLock(out):  # another build holds the folder
        assert rebuild(builder, site) is False and site.rebuild_due
        assert check() is False and site.rebuild_due
        assert when_idle(builder, site) is False  # its save does not wait either
        assert not out.exists()
    assert check() is True and not site.rebuild_due
    assert b"http://127.0.0.1:9/" in (out / "index.html").read_bytes()
    assert capsys.readouterr().err.count("the preview is rebuilt once it is done") == 1
