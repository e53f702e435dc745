"""The `import` and `new` commands: arguments, reading the file, printing the report.

    python build.py import models-dev FILE [--dry-run] [--date YYYY-MM-DD] [--content DIR]
    python build.py import openrouter FILE [...]
    python build.py new model ID --maker PROVIDER

Exit codes: 0 done (skipped records are reported, not failures), 2 for a file
that cannot be read or a record that already exists.
"""

from __future__ import annotations

import argparse
import datetime as dt
import difflib
import json
import sys
from pathlib import Path

EXIT_OK, EXIT_USAGE = 0, 2
EXAMPLES = 5  # skipped records listed per reason, without --verbose


def add_parsers(commands) -> None:
    """Add `import` and `new` to the CLI's subcommands (argparse only: nothing heavy imported)."""
    sub = commands.add_parser("import", help="add or sync models from models.dev or OpenRouter data")
    sub.add_argument("source", choices=("models-dev", "openrouter"),
                     help="models-dev: catalog.json or api.json; openrouter: GET /api/v1/models")
    sub.add_argument("file", help="the JSON file to import")
    sub.add_argument("--dry-run", action="store_true", help="print what would change; write nothing")
    sub.add_argument("--diff", action="store_true", help="also print a text diff of every changed file")
    sub.add_argument("--date", type=_date, help="import date, for last_verified (default: today)")
    sub.add_argument("--content", help="content folder to sync (default: content/)")
    sub.add_argument("-v", "--verbose", action="store_true", help="list every skipped record and note")
    new = commands.add_parser("new", help="write a skeleton record, every field commented, for an editor")
    new.add_argument("kind", choices=("model",))
    new.add_argument("id", help="the model id: lowercase slug, e.g. gpt-4.1-mini")
    new.add_argument("--maker", required=True, help="provider id of the maker, e.g. openai")
    new.add_argument("--content", help="content folder (default: content/)")


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError("write the date as YYYY-MM-DD") from None


def run(project, args) -> int:
    content_dir = Path(args.content).resolve() if getattr(args, "content", None) else project.content_dir
    if args.command == "new":
        return run_new(content_dir, args.id, args.maker)
    return run_import(content_dir, args.source, Path(args.file), dry_run=args.dry_run, date=args.date,
                      verbose=args.verbose, diff=args.diff)


def run_import(content_dir: Path, source: str, file: Path, dry_run: bool = False, date: dt.date | None = None,
               verbose: bool = False, diff: bool = False, out=None) -> int:
    from . import models_dev, openrouter
    from .sync import sync, write

    out = out or sys.stdout
    parser = models_dev if source == "models-dev" else openrouter
    try:
        data = json.loads(file.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        print(f"error: cannot read {file}: {error}", file=sys.stderr)
        return EXIT_USAGE
    known = {p.stem for p in (content_dir / "providers").glob("*.yaml")}
    try:
        result = parser.parse(data, date or dt.date.today(), known)
    except parser.FormatError as error:
        print(f"error: {file}: {error}", file=sys.stderr)
        return EXIT_USAGE
    date = date or result.data_date or dt.date.today()
    report = sync(result, content_dir, date)
    print_report(result, report, file, date, dry_run, verbose, diff, out)
    if not dry_run:
        write(report)
    return EXIT_OK


def print_report(result, report, file: Path, date: dt.date, dry_run: bool, verbose: bool, diff: bool, out) -> None:
    def say(text: str = "") -> None:
        print(text, file=out)

    catalog = f" and {result.catalog_models_read} catalog models" if result.catalog_models_read else ""
    say(f"{result.source} import of {file.name}, dated {date.isoformat()}: read {result.offerings_read} offerings "
        f"from {len(result.upstream_providers)} provider(s){catalog}; "
        f"{len(result.models)} models with {result.offering_count} offerings can be imported")
    for item in report.changed:
        say(f"~ {item.path}" + (f"  ({item.origin})" if item.origin else ""))
        for line in item.lines:
            say(f"    {line}")
        _held_and_notes(item, say, verbose)
        if diff:
            say(_diff(report, item.path))
    for item in report.unchanged:
        say(f"= {item.path} (unchanged)")
        _held_and_notes(item, say, verbose)
    for item in report.added:
        say(f"+ {item.path}  (new, from {item.origin}; {', '.join(item.lines)})")
    for item in report.providers_added:
        say(f"+ {item.path}  (new provider{'; ' + ' '.join(item.notes) if item.notes else ''})")
    for path, why in report.not_written:
        say(f"! {path} not written: {why}")
    for model_id, why in report.skipped_models:
        say(f"! model {model_id} skipped: {why}")
    if result.skipped:
        say(f"skipped {len(result.skipped)} upstream records:")
        for reason, whats in result.skipped_by_reason():
            shown = whats if verbose else whats[:EXAMPLES]
            more = f", … {len(whats) - len(shown)} more" if len(whats) > len(shown) else ""
            say(f"  {len(whats)} × {reason}")
            say(f"      {'; '.join(shown)}{more}")
    if result.notes:
        notes = result.notes if verbose else result.notes[:10]
        say(f"notes ({len(result.notes)}):")
        for note in notes:
            say(f"  - {note}")
        if len(notes) < len(result.notes):
            say(f"  … {len(result.notes) - len(notes)} more (--verbose lists them)")
    say(f"{len(report.changed)} models updated, {len(report.added)} added, "
        f"{report.matched - len(report.changed)} unchanged; {len(report.providers_added)} providers added; "
        f"offerings: {report.offerings_added} added, {report.offerings_updated} updated; "
        f"{len(result.skipped)} upstream records skipped")
    say("dry run: nothing written" if dry_run else f"{report.written} files written")


def _held_and_notes(item, say, verbose: bool) -> None:
    for line in item.held:
        say(f"    kept (pinned): {line}")
    notes = item.notes if verbose else item.notes[:EXAMPLES]
    for line in notes:
        say(f"    note: {line}")
    if len(notes) < len(item.notes):
        say(f"    note: … {len(item.notes) - len(notes)} more")


def _diff(report, display: str) -> str:
    for path, text in report.files.items():
        if path.as_posix().endswith(display):
            old = path.read_text(encoding="utf-8") if path.exists() else ""
            return "".join(difflib.unified_diff(old.splitlines(True), text.splitlines(True),
                                                f"a/{display}", f"b/{display}"))
    return ""


def run_new(content_dir: Path, model_id: str, maker: str, out=None) -> int:
    from ..schema import SLUG_PATTERN
    import re

    from .skeleton import skeleton
    from .yamlio import write_atomic

    out = out or sys.stdout
    for label, value in (("model id", model_id), ("maker", maker)):
        if not re.match(SLUG_PATTERN, value) or len(value) > 80:
            print(f"error: '{value}' is not a valid {label}: lowercase letters, digits, '-' and '.', "
                  "like gpt-4.1-mini", file=sys.stderr)
            return EXIT_USAGE
    path = content_dir / "models" / f"{model_id}.yaml"
    if path.exists():
        print(f"error: {path} already exists", file=sys.stderr)
        return EXIT_USAGE
    write_atomic(path, skeleton(model_id, maker))
    print(f"wrote models/{path.name}: fill in the facts left empty (null) and replace every TODO, "
          "then run `python build.py check`", file=out)
    if not (content_dir / "providers" / f"{maker}.yaml").exists():
        print(f"note: there is no providers/{maker}.yaml yet; add it, or fix the maker", file=out)
    return EXIT_OK
