"""`python build.py i18n extract|update|compile`: thin wrappers over Babel's own commands."""

from __future__ import annotations

import os

from babel.messages.frontend import CommandLineInterface

from .i18n import DOMAIN


def run(project, action: str) -> int:
    locales = project.locales_dir
    pot = locales / f"{DOMAIN}.pot"
    commands = {
        "extract": ["extract", "-F", str(project.root / "babel.cfg"), "-k", "N_", "--project", "Model Atlas",
                    "--sort-by-file", "--no-wrap", "--omit-header", "-o", str(pot),
                    "."],
        "update": ["update", "-i", str(pot), "-d", str(locales), "-D", DOMAIN, "--no-wrap",
                   "--ignore-obsolete", "--no-fuzzy-matching"],
        "compile": ["compile", "-d", str(locales), "-D", DOMAIN, "--statistics"],
    }
    # Babel matches babel.cfg's patterns against paths relative to the folder it walks.
    previous = os.getcwd()
    os.chdir(project.root)
    try:
        CommandLineInterface().run(["pybabel", *commands[action]])
    finally:
        os.chdir(previous)
    return 0
