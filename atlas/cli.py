"""Command line: `python build.py [build|check|serve|i18n|schema|import|new ...]`.

Exit codes: 0 success, 1 content problems, 2 usage errors (argparse's own code).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from . import i18n_commands
from .coverage import content_coverage
from .data_outputs import SCHEMAS, schema_text
from .i18n import check_po
from .pipeline import Project, build, load_catalog
from .problems import ContentError, format_problems
from .write import OutputFolderError

EXIT_OK, EXIT_CONTENT, EXIT_USAGE = 0, 1, 2


def main(argv: list[str] | None = None, root: Path | None = None) -> int:
    root = root or Path(__file__).resolve().parent.parent
    args = _parser().parse_args(argv)
    project = Project.at(root, Path(args.out) if getattr(args, "out", None) else None)
    command = args.command or "build"
    if command == "build":
        return _build(project, args)
    if command == "check":
        return _check(project, args)
    if command == "serve":
        from .serve import serve

        return serve(project, host=args.host, port=args.port, open_browser=False, poll=args.poll)
    if command == "i18n":
        return i18n_commands.run(project, args.action)
    if command == "schema":
        return _write_schemas(project)
    if command in ("import", "new"):
        from .importers.command import run

        return run(project, args)
    return EXIT_USAGE  # pragma: no cover - argparse rejects other commands


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="build.py", description="Build the Model Atlas static site.")
    _build_options(parser, out=True, defaults=True)  # `python build.py --out DIR`: it builds without a command
    commands = parser.add_subparsers(dest="command")
    for name, help_text in (("build", "build the site into site/ (the default)"),
                            ("check", "validate content and translations without writing anything")):
        # No defaults here: an option left out keeps what was given before the command (`build.py --out DIR build`).
        _build_options(commands.add_parser(name, help=help_text), out=name == "build", defaults=False)
    serve = commands.add_parser("serve", help="build, serve on 127.0.0.1 and rebuild on every change")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--host", default="127.0.0.1", help="address to bind (default: loopback only)")
    serve.add_argument("--out", default=argparse.SUPPRESS, help="output folder (default: site/)")
    serve.add_argument("--poll", action="store_true",
                       help="find changes by walking the folders, not from inotify (for network file systems)")
    commands.add_parser("schema", help="write the JSON Schemas of content files into schema/ (for editors' YAML plugins)")
    i18n = commands.add_parser("i18n", help="extract, update or compile interface translations (Babel)")
    i18n.add_argument("action", choices=("extract", "update", "compile"))
    from .importers.command import add_parsers  # import and new: argparse only, nothing heavy

    add_parsers(commands)
    return parser


def _build_options(parser: argparse.ArgumentParser, out: bool, defaults: bool) -> None:
    parser.add_argument("--format", choices=("text", "github", "json"), default="text" if defaults else argparse.SUPPRESS,
                        help="how to print problems (github: workflow annotations)")
    if out:
        unset = None if defaults else argparse.SUPPRESS
        parser.add_argument("--out", default=unset, help="output folder (default: site/)")
        parser.add_argument("--base-url", default=unset, help="public URL of the site, overriding site.yaml")


def _write_schemas(project: Project) -> int:
    folder = project.root / "schema"
    folder.mkdir(exist_ok=True)
    for name in SCHEMAS:
        (folder / f"{name}.json").write_text(schema_text(name), encoding="utf-8")
        print(f"wrote schema/{name}.json")
    return EXIT_OK


def _build(project: Project, args) -> int:
    started = time.perf_counter()
    try:
        report = build(project, base_url=args.base_url)
    except ContentError as error:
        _print_problems(error.problems, args.format)
        return EXIT_CONTENT
    except OutputFolderError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_USAGE
    seconds = time.perf_counter() - started
    stats = report.stats
    print(f"built {report.pages} pages ({report.rendered} rendered) in {seconds:.2f}s "
          f"({stats.written} files written, {stats.unchanged} unchanged, {stats.removed} removed) "
          f"-> {project.output_dir}")
    print("  " + ", ".join(f"{name} {spent:.2f}s" for name, spent in report.timings.stages.items()))
    return EXIT_OK


def _check(project: Project, args) -> int:
    catalog, problems = load_catalog(project)
    coverage_lines = []
    # With broken content, still check every translation there is: all problems in one run.
    locales = ([code for code in catalog.site.locales if code != catalog.site.default_locale] if catalog
               else sorted(folder.parent.name for folder in project.locales_dir.glob("*/LC_MESSAGES")))
    for locale in locales:
        coverage, po_problems = check_po(project.locales_dir, locale, project.root)
        problems += po_problems
        if catalog is not None:
            coverage_lines.append(_coverage_line(catalog, locale, coverage))
    if problems:
        _print_problems(problems, args.format)
        return EXIT_CONTENT
    if args.format == "text":
        print(f"content ok: {len(catalog.models)} models, {len(catalog.providers)} providers")
        for line in coverage_lines:
            print(line)
    return EXIT_OK


def _coverage_line(catalog, locale: str, coverage) -> str:
    translated, total = content_coverage(catalog, locale)
    content_share = translated / total if total else 1.0
    return (f"{locale}: interface {coverage.translated}/{coverage.total} strings ({coverage.share:.0%}), "
            f"content {translated}/{total} fields ({content_share:.0%})")


def _print_problems(problems, style: str) -> None:
    stream = sys.stdout if style in ("json", "github") else sys.stderr
    print(format_problems(problems, style), file=stream)
    if style == "text":
        print(f"{len(problems)} problem(s) found; nothing was written.", file=sys.stderr)
