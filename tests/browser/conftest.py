"""Fixtures for the real-tool gates: built sites, a static host on loopback, one shared Chromium.

The tools come from `sh scripts/install-test-tools`. A missing tool skips its tests on a
developer's machine, with the reason, but fails them in CI (where the CI variable is set).
"""

from __future__ import annotations

import functools
import os
import re
import shutil
import subprocess
import sys
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from io import BytesIO
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

import pytest

from atlas.pipeline import build
from conftest import ROOT, fixture_project

TOOLS = ROOT / ".tools" / "node_modules"
AXE_JS = TOOLS / "axe-core" / "axe.min.js"
VNU_JAR = TOOLS / "vnu-jar" / "build" / "dist" / "vnu.jar"
INSTALL_HINT = "run `sh scripts/install-test-tools`"

CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]

# One page of each type, as a path under a language's prefix ("" for English, "es/" for Spanish).
PAGE_TYPES = {
    "home": "",
    "home-page-2": "page/2/",              # a later page of a long list (the fixture lists three a page)
    "model": "models/alpha-mini/",          # the fixture's fullest model page
    "provider": "providers/acme/",          # makes and serves models: both tables
    "providers": "providers/",
    "capabilities": "capabilities/",
    "capability": "capabilities/tool-calling/",
    "compare-index": "compare/",            # the picker: a JS module that reads the JSON API
    "compare": "compare/alpha-mini-vs-alpha-pro/",
    "changelog": "changelog/",
    "search": "search/?q=alpha",            # Pagefind's results, rendered by static/js/search.js
    "404": "no-such-page/",                 # a missing path: the host answers with 404.html
}
LOCALE_PREFIXES = {"en": "", "es": "es/"}
SITE_PAGES = [
    pytest.param((kind, LOCALE_PREFIXES[locale] + path), id=f"{locale}-{kind}")
    for locale in LOCALE_PREFIXES
    for kind, path in PAGE_TYPES.items()
]

# Figures the gates measure, printed at the end of the run (pytest captures plain print()).
FIGURES: list[str] = []


def require(present: bool, what: str) -> None:
    """Skips when a tool is missing on a developer's machine; fails in CI, which must have it."""
    if present:
        return
    message = f"{what} is missing: {INSTALL_HINT}"
    if os.environ.get("CI"):
        pytest.fail(message + " (CI must run every browser test)", pytrace=False)
    pytest.skip(message)


def pytest_terminal_summary(terminalreporter):
    if FIGURES:
        terminalreporter.section("Model Atlas figures")
        for line in FIGURES:
            terminalreporter.write_line(line)


# -- built sites ---------------------------------------------------------------------------

@pytest.fixture(scope="session")
def built_fixture_site(tmp_path_factory) -> Path:
    """The fixture catalog's site, built for these tests alone (read-only)."""
    out = tmp_path_factory.mktemp("browser-fixture") / "site"
    build(fixture_project(out))
    return out


@pytest.fixture(scope="session")
def real_site(tmp_path_factory) -> Path:
    """The real site, built from content/ into a temporary folder (site/ is left alone) by `build.py`
    in a process of its own: by then this one runs the static hosts' threads, and the build forks
    render workers, which must not happen while other threads run (atlas/parallel.py)."""
    out = tmp_path_factory.mktemp("browser-real") / "site"
    built = subprocess.run([sys.executable, "build.py", "--out", str(out)], cwd=ROOT, capture_output=True, text=True)
    assert built.returncode == 0, built.stdout + built.stderr
    return out


# -- a static host on loopback -------------------------------------------------------------

def parse_headers_file(path: Path) -> list[tuple[re.Pattern, list[tuple[str, str]]]]:
    """The site's `_headers` file (Netlify / Cloudflare Pages format): a URL pattern, then
    indented `Name: value` lines. `*` matches anything, `:name` one path segment."""
    rules: list[tuple[re.Pattern, list[tuple[str, str]]]] = []
    if not path.is_file():
        return rules
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if not line[0].isspace():
            pattern = re.escape(line.strip()).replace(r"\*", ".*")
            pattern = re.sub(r":[A-Za-z_]\w*", "[^/]+", pattern)
            rules.append((re.compile(pattern + r"\Z"), []))
        elif rules and ":" in line:
            name, value = line.split(":", 1)
            rules[-1][1].append((name.strip(), value.strip()))
    return rules


class StaticHost(SimpleHTTPRequestHandler):
    """Serves a built site like a static host: index.html for folders, the headers of the site's
    `_headers` file (its Content-Security-Policy included), and for a missing path the nearest
    404.html (so /es/… gets the Spanish one) with status 404."""

    header_rules: list[tuple[re.Pattern, list[tuple[str, str]]]] = []

    def log_message(self, format, *args):  # noqa: A002 - the base class's name
        pass

    def end_headers(self):
        url_path = urlsplit(self.path).path
        for pattern, headers in self.header_rules:
            if pattern.match(url_path):
                for name, value in headers:
                    self.send_header(name, value)
        super().end_headers()

    def send_head(self):
        path = Path(self.translate_path(self.path))
        if path.name == "_headers":
            return self._not_found()  # the host's configuration, not a page
        if path.is_dir():
            if (path / "index.html").is_file():
                return super().send_head()
        elif path.is_file():
            return super().send_head()
        return self._not_found()

    def _not_found(self):
        root = Path(self.directory)
        parts = [part for part in PurePosixPath(unquote(urlsplit(self.path).path)).parts if part != "/"]
        for depth in range(len(parts), -1, -1):
            page = root.joinpath(*parts[:depth], "404.html")
            if page.resolve().is_relative_to(root.resolve()) and page.is_file():
                body = page.read_bytes()
                break
        else:
            body = b"<!doctype html><title>Not found</title>"
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        return BytesIO(body)


# The static hosts' threads stop with the browser tests (package scope): the tests after them
# fork render workers, which must not happen while other threads run (atlas/parallel.py).
@pytest.fixture(scope="package")
def serve():
    """serve(folder) -> base URL such as http://127.0.0.1:41234/ (ephemeral port, loopback only)."""
    servers: list[ThreadingHTTPServer] = []

    def start(folder: Path) -> str:
        host = type("SiteHost", (StaticHost,), {"header_rules": parse_headers_file(folder / "_headers")})
        handler = functools.partial(host, directory=str(folder))
        server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        server.daemon_threads = True
        threading.Thread(target=server.serve_forever, name=f"static-host-{folder.name}", daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}/"

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="package")
def fixture_url(serve, built_fixture_site) -> str:
    return serve(built_fixture_site)


# -- one Chromium for the whole session ----------------------------------------------------

@pytest.fixture(scope="session")
def chromium():
    path = shutil.which("chromium")
    require(path is not None, "Debian's chromium (/usr/bin/chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        require(False, "the playwright Python package (pip install -e '.[test]')")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True}


@pytest.fixture(scope="session")
def desktop_context(chromium):
    """One desktop context shared by the page checks (a static site keeps no state)."""
    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    yield context
    context.close()


@pytest.fixture(scope="session")
def axe_context(chromium):
    """For axe-core, which is injected as an inline script: the site's CSP would block it."""
    context = chromium.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True)
    yield context
    context.close()


@pytest.fixture(scope="session")
def phone_context(chromium):
    """A phone: 390×844 CSS pixels, touch, and the meta viewport honoured."""
    context = chromium.new_context(**PHONE)
    yield context
    context.close()


@pytest.fixture
def page(desktop_context):
    page = desktop_context.new_page()
    yield page
    page.close()


@pytest.fixture
def axe_page(axe_context):
    page = axe_context.new_page()
    yield page
    page.close()


@pytest.fixture
def phone_page(phone_context):
    page = phone_context.new_page()
    yield page
    page.close()


@pytest.fixture
def new_page(chromium):
    """new_page(**context_options) -> a page in a fresh context (empty cache), closed after the test."""
    contexts = []

    def make(**options):
        context = chromium.new_context(**options)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


@pytest.fixture(params=SITE_PAGES)
def site_page(request) -> tuple[str, str]:
    """(page type, path) for one page of each type in each language."""
    return request.param


@pytest.fixture
def axe_js() -> Path:
    require(AXE_JS.is_file(), f"axe-core ({AXE_JS.relative_to(ROOT)})")
    return AXE_JS


@pytest.fixture(scope="session")
def vnu_command() -> list[str]:
    java = shutil.which("java")
    require(java is not None, "a Java runtime (java)")
    require(VNU_JAR.is_file(), f"the Nu HTML checker ({VNU_JAR.relative_to(ROOT)})")
    return [java, "-jar", str(VNU_JAR), "--errors-only", "--format", "json", "--skip-non-html"]


class VnuRun:
    """One run of the Nu HTML checker over a whole site folder, in the background."""

    def __init__(self, command: list[str], site: Path, report: Path):
        self.site = site
        self.report = report
        with report.open("w") as sink:  # a file, not a pipe: a full pipe would stall vnu
            self.process = subprocess.Popen([*command, str(site)], stdout=subprocess.DEVNULL, stderr=sink)

    def wait(self) -> tuple[int, str]:
        """(exit status, vnu's JSON report, which it writes to stderr)."""
        return self.process.wait(timeout=600), self.report.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def vnu_runs(vnu_command, built_fixture_site, real_site, tmp_path_factory):
    """vnu once per site (the fixture site and the real one), both started at once."""
    reports = tmp_path_factory.mktemp("vnu")
    runs = {name: VnuRun(vnu_command, site, reports / f"{name}.json")
            for name, site in (("fixture", built_fixture_site), ("real", real_site))}
    yield runs
    for run in runs.values():
        if run.process.poll() is None:
            run.process.kill()
            run.process.wait()


@pytest.fixture(scope="session", autouse=True)
def start_html_checks_early(request):
    """vnu takes seconds per site: when the session has its tests, start it with the first test
    so that it runs while Chromium works (its tests, in test_vnu.py, come last)."""
    wanted = any("vnu_runs" in getattr(item, "fixturenames", ()) for item in request.session.items)
    if wanted and shutil.which("java") and VNU_JAR.is_file():
        request.getfixturevalue("vnu_runs")
