"""Builds of one output folder take turns, and a builder notices when another build wrote
the folder since its last (atlas/output_lock.py)."""

from __future__ import annotations

import os
import subprocess
import sys

from atlas.output_lock import OutputLock
from atlas.pipeline import SiteBuilder, build
from conftest import FIXTURE_CONTENT, fixture_project, project_folder, tree
from test_serve import wait_for

ELSEWHERE = "https://elsewhere.example/"


def test_a_second_build_of_one_output_folder_waits_for_the_first(tmp_path):
    project = project_folder(tmp_path, FIXTURE_CONTENT)
    out = project / "site"
    log = tmp_path / "build.log"
    with OutputLock(out), open(log, "wb") as handle:
        process = subprocess.Popen([sys.executable, "build.py", "build"], cwd=project,
                                   stdout=handle, stderr=subprocess.STDOUT, env={**os.environ, "PYTHONUNBUFFERED": "1"})
        try:
            wait_for(lambda: b"waiting for it to finish" in log.read_bytes())
            assert process.poll() is None and not out.exists()  # it read the content, and waits to write
        except BaseException:
            process.kill()
            raise
    assert process.wait(timeout=120) == 0, log.read_text(encoding="utf-8")
    assert f"another build is writing {out} (process {os.getpid()}): waiting" in log.read_text(encoding="utf-8")
    assert (out / "index.html").is_file()


def test_a_long_lived_builder_redoes_what_another_build_wrote_between_its_builds(tmp_path, content_copy):
    """A dev server's builder, then a `build.py build` of another base URL into its folder: the
    server's next build must not take the other build's pages for its own."""
    out = tmp_path / "site"
    server = SiteBuilder(fixture_project(out, content_dir=content_copy), preview=True)
    server.build()
    preview = tree(out)
    build(fixture_project(out, content_dir=content_copy), base_url=ELSEWHERE)
    assert tree(out) != preview
    server.save()  # not saved: the folder and the saved state are the other build's now
    assert build(fixture_project(out, content_dir=content_copy), base_url=ELSEWHERE).rendered == 0
    server.build()
    assert tree(out) == preview


def test_a_folder_without_a_generation_gets_one_and_keeps_it_while_unchanged(tmp_path):
    """A site from before the lock (or with its lock file deleted) costs one full build, not one each time."""
    out = tmp_path / "site"
    build(fixture_project(out))
    (tmp_path / ".site.lock").unlink()
    assert build(fixture_project(out)).rendered > 0
    assert build(fixture_project(out)).rendered == 0


def test_a_file_system_without_locks_still_builds(tmp_path, monkeypatch):
    """Some network mounts refuse flock (ENOLCK): builds there go on, unguarded, as before the lock."""
    import errno
    import fcntl

    def refuse(descriptor, operation):
        raise OSError(errno.ENOLCK, "No locks available")

    monkeypatch.setattr(fcntl, "flock", refuse)
    out = tmp_path / "site"
    assert build(fixture_project(out)).rendered > 0
    assert build(fixture_project(out)).rendered == 0
