"""The templates' `_`, `gettext` and `ngettext`, with Jinja's newstyle semantics but cheaper.

Jinja's own newstyle `_` goes through three context calls and builds a fresh Markup for
every string of every page; a page asks for about two hundred. These keep the same
contract (the translation is trusted markup, every variable is escaped, and `%` is always
applied, so `%%` means `%` even without variables) and remember, for one environment
(which lives for one build), each constant string and each translation's markup.
"""

from __future__ import annotations

import re
from typing import Any

from jinja2 import Environment, pass_eval_context
from jinja2.nodes import EvalContext
from markupsafe import Markup

from .template_env import quick_escape

# A translation whose only placeholders are these can take escaped values in plain `str %`;
# Markup's own `%` wraps each value in a helper object first, to support every conversion.
_SIMPLE_PLACEHOLDER = re.compile(r"%\(\w+\)s|%%")


def install(env: Environment, translations: Any) -> None:
    """Replace the i18n extension's template callables (it stays installed for extraction)."""
    gettext = _gettext(translations)
    env.globals.update(_=gettext, gettext=gettext, ngettext=_ngettext(translations))


def _gettext(translations: Any):
    constants: dict[str, Markup] = {}
    formats: dict[str, tuple[Markup, bool]] = {}

    @pass_eval_context
    def gettext(eval_ctx: EvalContext, string: str, /, **variables: Any) -> str:
        if not eval_ctx.autoescape:
            return translations.gettext(string) % variables
        if variables:
            if string not in formats:
                formats[string] = _format(translations.gettext(string))
            return _fill(*formats[string], variables)
        said = constants.get(string)
        if said is None:
            said = constants[string] = Markup(translations.gettext(string)) % variables
        return said

    return gettext


def _ngettext(translations: Any):
    @pass_eval_context
    def ngettext(eval_ctx: EvalContext, singular: str, plural: str, num: int, /, **variables: Any) -> str:
        variables.setdefault("num", num)
        text = translations.ngettext(singular, plural, num)
        return (Markup(text) if eval_ctx.autoescape else text) % variables

    return ngettext


def _format(translation: str) -> tuple[Markup, bool]:
    """The translation as markup, and whether it only has `%(name)s` placeholders."""
    return Markup(translation), "%" not in _SIMPLE_PLACEHOLDER.sub("", translation)


def _fill(template: Markup, simple: bool, variables: dict[str, Any]) -> Markup:
    if not simple:
        return template % variables
    return Markup(str.__mod__(template, {key: quick_escape(value) for key, value in variables.items()}))
