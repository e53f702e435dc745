"""Shared fixtures: the small fixture catalog, built once per test session."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from atlas.pipeline import Project, build

ROOT = Path(__file__).resolve().parent.parent
FIXTURE_CONTENT = ROOT / "tests" / "fixtures" / "catalog"


def fixture_project(output_dir: Path, content_dir: Path = FIXTURE_CONTENT, **kwargs) -> Project:
    kwargs.setdefault("cache_dir", output_dir.parent / ".atlas-cache")  # never the repository's own cache
    return Project.at(ROOT, output_dir=output_dir, content_dir=content_dir, **kwargs)


@pytest.fixture(scope="session")
def fixture_site(tmp_path_factory) -> Path:
    """The fixture catalog's built site (read-only: copy it before changing anything)."""
    out = tmp_path_factory.mktemp("fixture") / "site"
    build(fixture_project(out))
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


def read(site: Path, relative: str) -> str:
    return (site / relative).read_text(encoding="utf-8")
