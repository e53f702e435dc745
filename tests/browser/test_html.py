"""The Nu HTML checker (vnu.jar) over every page of the fixture site and of the real site."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

pytestmark = pytest.mark.browser

PROBLEM_TYPES = ("error", "non-document-error")


def check_html(command: list[str], site: Path) -> tuple[int, list[str]]:
    """Runs vnu once over the whole folder; returns (pages checked, readable problems)."""
    result = subprocess.run([*command, str(site)], capture_output=True, text=True, timeout=600)
    try:
        report = json.loads(result.stderr or result.stdout)
    except json.JSONDecodeError:
        pytest.fail(f"vnu gave no JSON report (exit {result.returncode}):\n{result.stderr[-3000:]}", pytrace=False)
    problems = []
    for message in report.get("messages", []):
        if message.get("type") not in PROBLEM_TYPES:
            continue
        page = unquote(urlsplit(message.get("url", "")).path)
        where = Path(page).relative_to(site).as_posix() if page.startswith(str(site)) else page or "?"
        line = message.get("lastLine") or message.get("firstLine")
        column = message.get("firstColumn") or message.get("lastColumn")
        position = f":{line}:{column}" if line else ""
        problems.append(f"{where}{position}: {message.get('message')}")
        if message.get("extract"):
            problems.append("    " + message["extract"].replace("\n", "⏎").strip())
    if result.returncode != 0 and not problems:
        problems.append(f"vnu exited {result.returncode}: {result.stderr[-2000:]}")
    return len(list(site.rglob("*.html"))), problems


def test_fixture_site_is_valid_html(vnu_command, built_fixture_site):
    pages, problems = check_html(vnu_command, built_fixture_site)
    assert problems == [], f"{len(problems)} lines of vnu errors in {pages} pages:\n" + "\n".join(problems)


def test_real_site_is_valid_html(vnu_command, real_site):
    pages, problems = check_html(vnu_command, real_site)
    assert problems == [], f"{len(problems)} lines of vnu errors in {pages} pages:\n" + "\n".join(problems)
