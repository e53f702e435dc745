"""The Nu HTML checker (vnu.jar) over every page of the fixture site and of the real site.

Both runs start with the session (see `start_html_checks_early`) and are collected here.
"""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

pytestmark = pytest.mark.browser

PROBLEM_TYPES = ("error", "non-document-error")


def readable_problems(status: int, output: str, site: Path) -> list[str]:
    """vnu's JSON report as `page:line:column: message` lines, each with the source extract."""
    try:
        report = json.loads(output)
    except json.JSONDecodeError:
        pytest.fail(f"vnu gave no JSON report (exit {status}):\n{output[-3000:]}", pytrace=False)
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
    if status != 0 and not problems:
        problems.append(f"vnu exited {status}: {output[-2000:]}")
    return problems


@pytest.mark.parametrize("which", ["fixture", "real"])
def test_site_is_valid_html(vnu_runs, which):
    run = vnu_runs[which]
    problems = readable_problems(*run.wait(), run.site)
    pages = len(list(run.site.rglob("*.html")))
    assert problems == [], f"vnu, {which} site: errors in {pages} pages:\n" + "\n".join(problems)
