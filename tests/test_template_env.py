"""The fast rendering paths say exactly what Jinja and markupsafe would, and keep dependencies."""

from __future__ import annotations

import gettext

import pytest
from jinja2 import DictLoader, Environment
from markupsafe import Markup, escape

from atlas import template_i18n
from atlas.template_env import PageEnvironment, quick_escape

TEMPLATES = {
    "constant": "{{ _('Plain') }}|{{ _('100%% sure') }}|{{ gettext('Plain') }}",
    "variables": "{{ _('%(name)s vs %(other)s', name=a, other=b) }}|{{ _('%(n)d items', n=3) }}",
    "plural": "{{ ngettext('%(num)s model', '%(num)s models', n) }}|{{ ngettext('one %(x)s', 'many %(x)s', n, x=a) }}",
    "loop": "{% for item in [a, b] %}{{ _('Item %(item)s', item=item) }};{% endfor %}",
    "unescaped": "{% autoescape false %}{{ _('%(name)s!', name=a) }}{% endautoescape %}",
}


def _environment(cls, fast: bool) -> Environment:
    env = cls(loader=DictLoader(TEMPLATES), autoescape=True, extensions=["jinja2.ext.i18n"])
    translations = gettext.NullTranslations()
    env.install_gettext_translations(translations, newstyle=True)
    if fast:
        template_i18n.install(env, translations)
    return env


@pytest.mark.parametrize("name", TEMPLATES)
@pytest.mark.parametrize("n", [1, 2])
def test_gettext_says_what_jinja_newstyle_says(name, n):
    values = {"a": "<b>&", "b": Markup("<i>ok</i>"), "n": n}
    expected = _environment(Environment, fast=False).get_template(name).render(values)
    fast = _environment(PageEnvironment, fast=True).get_template(name)
    assert fast.render(values) == expected
    assert fast.render(values) == expected  # and again, from what the first render remembered


@pytest.mark.parametrize("value", ["a<b>&'\"", Markup("<em>x</em>"), 12, 1.5, None, "", type("H", (), {
    "__html__": lambda self: "<html-ok>"})()])
def test_quick_escape_equals_markupsafe(value):
    assert quick_escape(value) == escape(value)
    assert type(quick_escape(value)) is Markup


def test_a_fragment_is_rendered_once_but_recorded_by_every_page():
    env = PageEnvironment(loader=DictLoader({
        "page.html": "[{{ fragment('chrome.html', kind=kind) }}]",
        "chrome.html": "{% include 'inner.html' %}:{{ kind }}:{{ count.append(1) or count|length }}",
        "inner.html": "inner",
    }), autoescape=True)
    env.globals.update(fragment=env.fragment, count=[])
    for _ in range(2):
        env.loaded = set()
        assert env.get_template("page.html").render(kind="a") == "[inner:a:1]"
        assert env.loaded == {"page.html", "chrome.html", "inner.html"}
    env.loaded = None
    assert env.get_template("page.html").render(kind="b") == "[inner:b:2]"
