"""`python build.py i18n extract|update|compile`: thin wrappers over Babel's own commands."""

from __future__ import annotations

from babel.messages.frontend import CommandLineInterface

from .i18n import DOMAIN


def run(project, action: str) -> int:
    locales = project.locales_dir
    pot = locales / f"{DOMAIN}.pot"
    commands = {
        "extract": ["extract", "-F", str(project.root / "babel.cfg"), "-k", "N_", "-k", "ngettext",
                    "--sort-by-file", "--no-wrap", "--omit-header", "-o", str(pot),
                    str(project.root / "atlas"), str(project.templates_dir)],
        "update": ["update", "-i", str(pot), "-d", str(locales), "-D", DOMAIN, "--no-wrap",
                   "--ignore-obsolete", "--no-fuzzy-matching"],
        "compile": ["compile", "-d", str(locales), "-D", DOMAIN, "--statistics"],
    }
    CommandLineInterface().run(["pybabel", *commands[action]])
    return 0
