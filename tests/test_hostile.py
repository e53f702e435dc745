"""Hostile and broken input: every problem reported at once, each with its exact message;
injection attempts never reach a page as markup; failed or killed builds lose nothing."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import time
import tracemalloc
from html.parser import HTMLParser
from pathlib import Path

import pytest

from atlas.pipeline import Project, build, load_catalog
from atlas.problems import ContentError
from atlas.write import OutputFolderError
from conftest import FIXTURE_CONTENT, ROOT, fixture_project, project_folder, read, tree

CORPUS = Path(__file__).parent / "corpus"

# file: (line, exact message) for every bad record in tests/corpus/, plus the generated huge file.
EXPECTED = {
    "Not_A_Slug.yaml": (None, "'Not_A_Slug' is not a valid model id"),
    "alias-bomb.yaml": (2, "anchors and aliases (&name, *name) are not allowed"),
    "bad-date.yaml": (8, "'last_verified': input should be a valid date or datetime, month value is outside expected range of 1-12"),
    "duplicate-key.yaml": (9, "duplicate key 'open_weights' (first set on line 3)"),
    "empty.yaml": (1, "file is empty"),
    "escape-id.yaml": (9, "'alternatives[0]': '../../x' is not a valid id"),
    "huge.yaml": (None, "file is 50.0 MiB; the limit is 1 MiB"),
    "inf-price.yaml": (9, "'pricing.output' must be a finite number"),
    "nan-price.yaml": (9, "'pricing.input' must be a finite number"),
    "not-utf8.yaml": (1, "file is not UTF-8 (byte 0xe9)"),
    "raw-html.yaml": (5, "raw HTML <script> in the description"),
    "tab-indent.yaml": (3, "YAML syntax error: a tab character is used for indentation"),
    "unknown-field.yaml": (9, "unknown key 'pricng'"),
    "wrong-type.yaml": (6, "'limits.context': input should be a valid integer, unable to parse string as an integer"),
    "yaml-syntax.yaml": (4, "YAML syntax error: did not find expected ',' or ']'"),
}


@pytest.fixture
def corpus_content(content_copy) -> Path:
    for path in CORPUS.glob("*.yaml"):
        shutil.copy(path, content_copy / "models" / path.name)
    with open(content_copy / "models" / "huge.yaml", "wb") as handle:
        handle.truncate(50 * 1024 * 1024)
    return content_copy


def test_corpus_reports_every_problem_at_once(tmp_path, corpus_content):
    tracemalloc.start()
    catalog, problems = load_catalog(fixture_project(tmp_path / "out", content_dir=corpus_content))
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert catalog is None
    found = {Path(p.file).name: (p.line, p.message) for p in problems}
    assert found == EXPECTED
    assert len(problems) == len(EXPECTED)  # one problem each: the alias bomb is not reported 70 times
    assert peak < 50 * 1024 * 1024  # the 50 MB file is never read, the alias bomb never expanded
    assert all(p.hint for p in problems), [p for p in problems if not p.hint]


def test_check_prints_every_error_with_file_and_line_and_exits_1(tmp_path, corpus_content):
    project_root = project_folder(tmp_path, corpus_content)
    result = subprocess.run([sys.executable, "build.py", "check"], cwd=project_root, capture_output=True, text=True)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    for name, (line, message) in EXPECTED.items():
        location = f"content/models/{name}" + (f":{line}" if line else "")
        assert any(l.startswith(location) and message in l for l in result.stderr.splitlines()), (name, result.stderr)
    assert f"{len(EXPECTED)} problem(s) found" in result.stderr


class _Markup(HTMLParser):
    def __init__(self):
        super().__init__()
        self.scripts, self.bad_attributes, self.bad_links, self.tags = [], [], [], []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        self.tags.append(tag)
        if tag == "script":
            self.scripts.append(attributes)
        for name, value in attrs:
            if name.startswith("on"):
                self.bad_attributes.append((tag, name, value))
            if name in ("href", "src") and value and value.strip().lower().startswith(("javascript:", "data:text")):
                self.bad_links.append((tag, value))


def test_injection_attempts_never_reach_the_page_as_markup(tmp_path, content_copy):
    record = content_copy / "models" / "alpha-pro.yaml"
    hostile = {
        "name": '"><img src=x onerror=alert(1)>',
        "tagline": "<script>alert('tagline')</script>",
        "family": "</title><script>alert(2)</script>",
        "description": "Click [here](javascript:alert(3)) or [there](JaVaScRiPt:alert(4)) `<b>ok</b>`",
        "works_with": ["<iframe src=//evil.example>", "' onmouseover='alert(5)"],
    }
    text = "\n" + record.read_text(encoding="utf-8")
    for key in ("name", "tagline", "family", "description"):
        start = text.index(f"\n{key}:") + 1
        end = text.index("\n", start)
        text = text[:start] + f"{key}: {yaml_quote(hostile[key])}" + text[end:]
    text += "works_with: [" + ", ".join(yaml_quote(v) for v in hostile["works_with"]) + "]\n"
    text += "faq:\n  - {question: " + yaml_quote("</script><!--") + ", answer: " + yaml_quote("<svg onload=alert(6)>") + "}\n"
    record.write_text(text.lstrip("\n"), encoding="utf-8")
    out = tmp_path / "site"
    build(fixture_project(out, content_dir=content_copy))
    pages = [p for p in out.rglob("*.html")] + [out / "feed.xml"]
    for page in pages:
        html = page.read_text(encoding="utf-8")
        parser = _Markup()
        parser.feed(html)
        assert parser.bad_attributes == [], page
        assert parser.bad_links == [], page
        assert "iframe" not in parser.tags, page
        assert parser.tags.count("svg") == html.count('class="chart__svg"'), page
        for attributes in parser.scripts:
            assert attributes.get("type") in ("application/ld+json", "application/json", "module"), (page, attributes)
        assert "<script>alert" not in html
    model_page = (out / "models" / "alpha-pro" / "index.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(&#39;tagline&#39;)&lt;/script&gt;" in model_page
    assert "<a>here</a>" in model_page  # the javascript: link lost its href


def yaml_quote(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def test_a_failed_build_leaves_the_previous_site(tmp_path, content_copy):
    out = tmp_path / "site"
    project = fixture_project(out, content_dir=content_copy)
    build(project)
    before = tree(out)
    (content_copy / "models" / "broken.yaml").write_text("name: [\n", encoding="utf-8")
    with pytest.raises(ContentError):
        build(project)
    assert tree(out) == before


KILLED_BUILD = """
import os, signal, sys
from pathlib import Path
sys.path.insert(0, {root!r})
import atlas.incremental, atlas.write
from atlas.pipeline import Project, build
calls = 0
def die_on_call(original, number, counts=lambda *args: True):
    def wrapper(*args):
        global calls
        if counts(*args):
            calls += 1
            if calls == number:
                os.kill(os.getpid(), signal.SIGKILL)  # as if the machine lost power here
        return original(*args)
    return wrapper
{patch}
build(Project.at(Path({root!r}), output_dir=Path({out!r}), content_dir=Path({content!r})))
"""
# Mid-way through writing the changed files beside the site, before the commit:
WHILE_WRITING = "Path.write_bytes = die_on_call(Path.write_bytes, 20)"
# After the commit point (the journal), five files into moving them into place:
WHILE_MOVING = "atlas.write.os.replace = die_on_call(os.replace, 5, lambda source, target: '.site.new' in str(source))"
# Once the site is in place, before its build state is saved:
BEFORE_SAVING = "atlas.incremental.BuildState.save = die_on_call(atlas.incremental.BuildState.save, 1)"


def leftovers(folder: Path) -> list[str]:
    """What a build left beside its output folder but the lock file, which stays (output_lock.py)."""
    return [p.name for p in folder.iterdir() if p.name.startswith(".site.") and p.name != ".site.lock"]


def killed_build(tmp_path: Path, content: Path, patch: str):
    """A built site, then every page changed and a build of that killed by `patch`."""
    out = tmp_path / "site"
    project = fixture_project(out, content_dir=content)
    build(project)
    before = tree(out)
    site_yaml = content / "site.yaml"  # change every page, so the killed build has much to write
    site_yaml.write_text(site_yaml.read_text(encoding="utf-8").replace("Fixture Atlas", "Renamed Atlas"), encoding="utf-8")
    script = KILLED_BUILD.format(root=str(ROOT), out=str(out), content=str(content), patch=patch)
    result = subprocess.run([sys.executable, "-c", script], capture_output=True)
    assert result.returncode == -signal.SIGKILL, result.stderr.decode()
    return project, before


def test_a_build_killed_midway_leaves_the_previous_site_intact(tmp_path, content_copy):
    project, before = killed_build(tmp_path, content_copy, WHILE_WRITING)
    out = project.output_dir
    assert tree(out) == before
    report = build(project)  # the next build cleans up and completes
    assert report.stats.written > 20
    assert "Renamed Atlas" in (out / "index.html").read_text(encoding="utf-8")
    assert leftovers(tmp_path) == []


@pytest.mark.parametrize("patch", [WHILE_MOVING, BEFORE_SAVING], ids=["while moving files in", "before saving"])
def test_a_build_killed_after_its_commit_is_finished_and_distrusted_by_the_next(tmp_path, content_copy, patch):
    project, _ = killed_build(tmp_path, content_copy, patch)
    # Killed after the commit point: the journal is left, or the site is the new one already.
    assert (tmp_path / ".site.journal").is_file() or "Renamed Atlas" in read(tmp_path / "site", "index.html")
    # Back to the content of the last build that saved its state: the next build must not
    # trust that state, since the site now holds files of the killed one.
    site_yaml = content_copy / "site.yaml"
    site_yaml.write_text(site_yaml.read_text(encoding="utf-8").replace("Renamed Atlas", "Fixture Atlas"), encoding="utf-8")
    build(project)
    clean = tmp_path / "clean"
    build(fixture_project(clean, content_dir=content_copy))
    assert tree(project.output_dir) == tree(clean)
    assert leftovers(tmp_path) == []


@pytest.mark.parametrize("where", ["root", "content", "foreign"])
def test_refuses_dangerous_output_folders(tmp_path, where):
    if where == "root":
        out = ROOT
    elif where == "content":
        out = ROOT / "content"
    else:
        out = tmp_path / "mine"
        out.mkdir()
        (out / "thesis.tex").write_text("precious", encoding="utf-8")
    with pytest.raises(OutputFolderError):
        build(fixture_project(out))
    if where == "foreign":
        assert (out / "thesis.tex").read_text(encoding="utf-8") == "precious"


def test_refuses_filesystem_root():
    with pytest.raises(OutputFolderError):
        build(Project.at(ROOT, output_dir=Path("/"), content_dir=FIXTURE_CONTENT))


PAGEFIND_RUN = """
import os, signal, subprocess, sys
sys.path.insert(0, {root!r})
from atlas import search_index
search_index._scratch_folder = lambda: {scratch!r}
if {killed!r}:  # as if the machine's user killed the build while Pagefind ran
    subprocess.run = lambda *args, **kwargs: os.kill(os.getpid(), signal.SIGKILL)
search_index._pagefind({{"models/a/index.html": b"<html lang='en'><body><h1>Alpha</h1></body></html>"}})
"""


def test_the_scratch_folder_of_a_pagefind_run_killed_outright_is_deleted_by_a_later_one(tmp_path):
    """Pagefind's input and output go to /dev/shm, which is memory: a folder a killed run leaves
    there would stay until the machine restarts."""
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    (scratch / "atlas-pagefind-abc_12").mkdir()  # not named by this generator's runs: left alone

    def pagefind_run(killed: bool) -> list[str]:
        script = PAGEFIND_RUN.format(root=str(ROOT), scratch=str(scratch), killed=killed)
        process = subprocess.Popen([sys.executable, "-c", script], stderr=subprocess.PIPE)
        _, errors = process.communicate(timeout=120)
        assert process.returncode == (-signal.SIGKILL if killed else 0), errors.decode()
        return sorted(path.name for path in scratch.iterdir())

    left = pagefind_run(killed=True)
    assert len(left) == 2 and re.fullmatch(r"atlas-pagefind-\d+-\w+", left[0])
    assert pagefind_run(killed=False) == left  # an hour old at least: a run in a process unseen from here may be young
    two_hours_ago = time.time() - 7200
    os.utime(scratch / left[0], (two_hours_ago, two_hours_ago))
    assert pagefind_run(killed=False) == ["atlas-pagefind-abc_12"]
