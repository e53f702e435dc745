"""The Jinja environment pages render in: it records template dependencies and renders fast.

One environment serves one locale for one build, or for the next builds of a long-lived builder
while only records change (Renderer.serves_again): its compiled templates are then still
current, and the fragments it rendered once are forgotten before each of those builds.
"""

from __future__ import annotations

import pickle
from collections import ChainMap
from dataclasses import dataclass, field
from pathlib import Path
from types import BuiltinFunctionType, FunctionType, MethodType
from typing import Any, Hashable

from jinja2 import Environment, Template, pass_eval_context
from jinja2.runtime import Context
from markupsafe import Markup, escape

from .incremental import save_pickle

try:
    from markupsafe import _escape_inner  # the C core of `escape`, since markupsafe 3.0
except ImportError:  # pragma: no cover
    def _escape_inner(text: str) -> str:
        return str(escape(text))


class _Globals(ChainMap):
    """A template's globals, whose keys Jinja subtracts from a set on every `{% import %}`.

    ChainMap's keys view answers that one `in` at a time, in Python; a dict's keys view
    answers it in C.
    """

    def keys(self):
        merged: dict = {}
        for mapping in reversed(self.maps):
            merged.update(mapping)
        return merged.keys()


class _Template(Template):
    """A compiled template whose every `{{ value }}` is escaped by `quick_escape`."""

    @classmethod
    def from_code(cls, environment, code, globals, uptodate=None):
        template = super().from_code(environment, code, globals, uptodate)
        # Compiled templates call the `escape` of their module namespace, shared by every
        # block and macro of the template.
        template.root_render_func.__globals__["escape"] = quick_escape
        return template


class _Context(Context):
    """Jinja's context, with a shorter road for the calls a page makes most.

    A page calls a global (`_`, `url`, ...) two to three hundred times. For plain functions
    and methods, Jinja's probe of `__call__` can find nothing, so only their own
    `jinja_pass_arg` is looked at; what else is called (macros, callable objects, functions
    that want the context) takes Jinja's road.
    """

    def call(__self, __obj, *args, **kwargs):  # Jinja's spelling: leaves every keyword to the callee
        if __obj.__class__ not in _PLAIN_CALLABLES:
            return super().call(__obj, *args, **kwargs)
        pass_arg = getattr(__obj, "jinja_pass_arg", None)
        if pass_arg is _EVAL_CONTEXT:
            args = (__self.eval_ctx, *args)
        elif pass_arg is not None:
            return super().call(__obj, *args, **kwargs)
        kwargs.pop("_block_vars", None)
        kwargs.pop("_loop_vars", None)
        try:
            return __obj(*args, **kwargs)
        except StopIteration:
            return __self.environment.undefined(
                "value was undefined because a callable raised a StopIteration exception")


_PLAIN_CALLABLES = frozenset({FunctionType, MethodType, BuiltinFunctionType})
_EVAL_CONTEXT = pass_eval_context(lambda: None).jinja_pass_arg


def quick_escape(value) -> Markup:
    """markupsafe's `escape`, the same result without its costs on the two common cases.

    A page writes about a thousand values: `escape` copies those that are markup already
    and builds every result through `Markup.__new__`, in Python.
    """
    kind = value.__class__
    if kind is Markup:
        return value
    if kind is str:
        return _new_str(Markup, _escape_inner(value))
    return escape(value)


_new_str = str.__new__


Fragment = tuple[Markup, frozenset[str], frozenset[str]]  # html, templates it loaded, names it was made from


@dataclass
class CarriedFragments:
    """Fragments a builder keeps from one build to the next, each with the names of what it was made from.

    A fragment made in an earlier build is reused while none of its names (records,
    templates, translations, configuration) changed since; `changed` is what changed since
    the last build (BuildState.changed). A builder drops them all after a failed build.
    `naming` indexes the kept fragments by each of their names but the `always` ones, so that
    a build finds the few an edit made stale without asking each (60,000 at 10,000 models:
    15 ms a locale). It may name keys gone since: dropping those again costs a render, no more.
    """

    changed: frozenset[str]
    always: frozenset[str]  # names every fragment depends on: its locale, the config, the code
    kept: dict[tuple[str, Hashable], Fragment] = field(default_factory=dict)
    naming: dict[str, set[tuple[str, Hashable]]] | None = None  # None: made here from `kept`
    fresh: dict[tuple[str, Hashable], Fragment] = field(default_factory=dict)
    used: set[tuple[str, Hashable]] = field(default_factory=set)  # kept ones this build used or made

    def __post_init__(self) -> None:
        # A fragment older than this build whose names changed is dropped now: were it left
        # until a page asked for it, a later build, which compares against its own changes
        # only, would take it for current.
        if not self.changed.isdisjoint(self.always):
            self.kept.clear()
            self.naming = {}
            return
        if self.naming is None:
            self.naming = {}
            self._index(self.kept)
        naming, kept = self.naming, self.kept
        for name in self.changed.intersection(naming):
            for key in naming.pop(name):
                kept.pop(key, None)

    def _index(self, fragments: dict[tuple[str, Hashable], Fragment]) -> None:
        naming, always = self.naming, self.always
        for key, (_, _, depends) in fragments.items():
            for name in depends:
                if name not in always:
                    found = naming.get(name)
                    if found is None:
                        naming[name] = {key}
                    else:
                        found.add(key)

    def get(self, key: tuple[str, Hashable]) -> tuple[Markup, frozenset[str]] | None:
        found = self.kept.get(key)  # current: the stale ones went in __post_init__
        if found is None:
            return None
        self.used.add(key)
        return found[0], found[1]

    def keep(self, fragments: dict[tuple[str, Hashable], Fragment]) -> None:
        """Fragments made in this build (here or in a render worker), for the next."""
        self.kept.update(fragments)
        self.used.update(fragments)
        self._index(fragments)

    def put(self, key: tuple[str, Hashable], html: Markup, templates: frozenset[str], depends: frozenset[str]) -> None:
        """A fragment made in this build; the page environment reuses it for the rest of the build,
        and the builder keeps it for the next once `take_fresh` hands it over."""
        self.fresh[key] = (html, templates, depends | self.always | {f"template:{name}" for name in templates})

    def take_fresh(self) -> dict[tuple[str, Hashable], Fragment]:
        """The fragments made since the last call, in this process or in a render worker."""
        fresh, self.fresh = self.fresh, {}
        return fresh


FRAGMENTS_FORMAT = 1


def save_fragments(path: Path, token: str, carried: dict[str, CarriedFragments]) -> None:
    """Keep the fragments a one-off builder used or made for the next, with the token of the build
    state saved with them. Only those: the file stays the size of what an edit touches (the rows
    of the lists that show the edited model), not of every row a series of builds ever made."""
    kept = {locale: {key: store.kept[key] for key in store.used if key in store.kept}
            for locale, store in carried.items()}
    save_pickle(path, (FRAGMENTS_FORMAT, token, kept))


def load_fragments(path: Path, token: str) -> dict[str, CarriedFragments]:
    """The fragments saved with the build state named `token`; none when they came with another
    state (one the next build would compare against other changes), or there are none."""
    try:
        with path.open("rb") as handle:
            version, saved_with, kept = pickle.load(handle)
    except (OSError, pickle.UnpicklingError, ValueError, EOFError, TypeError, AttributeError):
        return {}
    if version != FRAGMENTS_FORMAT or not token or saved_with != token:
        return {}
    return {locale: CarriedFragments(frozenset(), frozenset(), fragments) for locale, fragments in kept.items()}


class PageEnvironment(Environment):
    """Notes every template a render asks for, so each page knows its template dependencies."""

    loaded: set[str] | None = None
    template_class = _Template
    context_class = _Context

    def __init__(self, carried: CarriedFragments | None = None, **options: Any):
        super().__init__(**options)
        self.fragments: dict[tuple[str, Hashable], tuple[Markup, frozenset[str]]] = {}
        self.carried = carried

    def get_template(self, name, parent=None, globals=None):
        if self.loaded is not None and isinstance(name, str):
            self.loaded.add(self.join_path(name, parent) if parent is not None else name)
        return super().get_template(name, parent, globals)

    def make_globals(self, d):
        return _Globals({} if d is None else d, self.globals)

    def fragment(self, name: str, **values: Hashable) -> Markup:
        """The templates' `fragment(name, ...)`: a partial that only its (few) values tell apart."""
        return self.render_once(name, tuple(sorted(values.items())), values)

    def render_once(self, name: str, key: Hashable, values: dict[str, Any],
                    depends: frozenset[str] = frozenset()) -> Markup:
        """Template `name` with `values`, rendered on the first call for `key` and then reused.

        For markup that many pages repeat (a model's table row, the site header): `values`
        and the globals must be all it depends on, and `key` must tell its values apart.
        Each page that uses it still records every template its first render loaded.
        `depends` names the records it shows, for reuse in later builds (CarriedFragments).
        """
        found = self.fragments.get((name, key))
        if found is None:
            found = self.carried.get((name, key)) if self.carried is not None else None
            if found is None:
                found = self._render_recorded(name, values)
                if self.carried is not None:
                    self.carried.put((name, key), *found, depends)
            self.fragments[name, key] = found
        html, templates = found
        if self.loaded is not None:
            self.loaded |= templates
        return html

    def _render_recorded(self, name: str, values: dict[str, Any]) -> tuple[Markup, frozenset[str]]:
        outer, self.loaded = self.loaded, set()
        try:
            html = Markup(self.get_template(name).render(values).strip())
            return html, frozenset(self.loaded)
        finally:
            self.loaded = outer
