"""The command line as the README gives it: `python build.py` builds, with its options before or after `build`."""

from __future__ import annotations

import subprocess
import sys

import pytest

from atlas.cli import _parser
from conftest import FIXTURE_CONTENT, project_folder


@pytest.mark.parametrize("argv, command, out, base_url", [
    ([], None, None, None),
    (["--out", "public"], None, "public", None),
    (["--out", "public", "--base-url", "https://example.org/atlas/"], None, "public", "https://example.org/atlas/"),
    (["build", "--out", "public"], "build", "public", None),
    (["--out", "public", "build"], "build", "public", None),
    (["--out", "public", "serve"], "serve", "public", None),
    (["serve", "--out", "public"], "serve", "public", None),
])
def test_build_options_hold_before_and_after_the_command(argv, command, out, base_url):
    args = _parser().parse_args(argv)
    assert (args.command, getattr(args, "out", None), args.base_url, args.format) == (command, out, base_url, "text")


def test_check_takes_its_format_before_or_after_the_command():
    assert _parser().parse_args(["check", "--format", "json"]).format == "json"
    assert _parser().parse_args(["--format", "github", "check"]).format == "github"


def test_python_build_py_with_an_output_folder_builds_there(tmp_path):
    """The README's `python build.py --out DIR`: argparse refused it ("invalid choice") when only
    the `build` command took --out."""
    project = project_folder(tmp_path, FIXTURE_CONTENT)
    built = subprocess.run([sys.executable, "build.py", "--out", str(tmp_path / "public")], cwd=project,
                           capture_output=True, text=True)
    assert built.returncode == 0, built.stderr
    assert (tmp_path / "public" / "models" / "alpha-mini" / "index.html").is_file()
    assert not (project / "site").exists()
