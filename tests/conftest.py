"""Shared fixtures: the small fixture catalog, built once per test session."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from atlas.pipeline import Project, build

ROOT = Path(__file__).resolve().parent.parent
FIXTURE_CONTENT = ROOT / "tests" / "fixtures" / "catalog"


def fixture_project(output_dir: Path, content_dir: Path = FIXTURE_CONTENT, **kwargs) -> Project:
    kwargs.setdefault("cache_dir", output_dir.parent / ".atlas-cache")  # never the repository's own cache
    return Project.at(ROOT, output_dir=output_dir, content_dir=content_dir, **kwargs)


# Who and when for the fixture content's one commit: its history, and so its changelog and
# sitemap dates, must not depend on how (or how shallowly) the project was cloned.
FIXTURE_COMMIT_ENV = {
    "GIT_AUTHOR_NAME": "Editor", "GIT_AUTHOR_EMAIL": "editor@example.org",
    "GIT_COMMITTER_NAME": "Editor", "GIT_COMMITTER_EMAIL": "editor@example.org",
    "GIT_AUTHOR_DATE": "2026-07-06T09:00:00+00:00", "GIT_COMMITTER_DATE": "2026-07-06T09:00:00+00:00",
    "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1",
}


@pytest.fixture(scope="session")
def fixture_content(tmp_path_factory) -> Path:
    """The fixture catalog's content, committed once at a fixed date in a repository of its own (read-only)."""
    content = tmp_path_factory.mktemp("fixture-content") / "content"
    shutil.copytree(FIXTURE_CONTENT, content)
    for command in (["init", "-q", "-b", "main"], ["add", "-A"], ["commit", "-q", "-m", "the fixture catalog"]):
        git(content, *command)
    return content


def git(folder: Path, *command: str, when: str | None = None) -> None:
    """git in `folder` as the fixture's editor; a commit is dated `when` (default: the fixture's date)."""
    dates = {"GIT_AUTHOR_DATE": when, "GIT_COMMITTER_DATE": when} if when else {}
    subprocess.run(["git", *command], cwd=folder, env={**os.environ, **FIXTURE_COMMIT_ENV, **dates},
                   check=True, capture_output=True)


@pytest.fixture(scope="session")
def fixture_site(tmp_path_factory, fixture_content) -> Path:
    """The fixture catalog's built site, from `fixture_content` (read-only: copy it before changing anything)."""
    out = tmp_path_factory.mktemp("fixture") / "site"
    build(fixture_project(out, content_dir=fixture_content))
    return out


@pytest.fixture
def content_copy(tmp_path) -> Path:
    """A writable copy of the fixture content, for tests that edit records."""
    target = tmp_path / "content"
    shutil.copytree(FIXTURE_CONTENT, target)
    return target


def project_folder(tmp_path: Path, content: Path) -> Path:
    """A project of its own for command-line tests: the repository's code and templates, this content."""
    project = tmp_path / "project"
    project.mkdir()
    for name in ("templates", "static", "locales", "atlas", "build.py"):
        (project / name).symlink_to(ROOT / name)
    shutil.copytree(content, project / "content")
    return project


def tree(folder: Path) -> dict[str, bytes]:
    """Every file under `folder`, by its path in the folder: two trees compare byte for byte."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def read(site: Path, relative: str) -> str:
    return (site / relative).read_text(encoding="utf-8")
