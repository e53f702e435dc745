"""What a build holds: records share what they repeat, pages let go of what they worked out,
and the search index is made a language at a time."""

from __future__ import annotations

import json

from pydantic import BaseModel, ConfigDict

from atlas.compact import Sharing
from atlas.incremental import record_name
from atlas.pipeline import Timings, build, load_catalog, plan_site, render_site
from atlas.search_index import SearchCache, _pagefind, search_index
from atlas.write import SiteWriter
from conftest import fixture_project


class Part(BaseModel):
    model_config = ConfigDict(frozen=True)
    host: str
    notes: list[str] = []
    tags: tuple[str, ...] = ()
    by_locale: dict[str, str] = {}
    comment: str | None = None


class Whole(BaseModel):
    model_config = ConfigDict(frozen=True)
    name: str
    parts: list[Part]


def fresh(*pieces: str) -> str:
    """A string made at run time, so that equal values start as different objects."""
    return "".join(pieces)


def whole(name: str) -> dict:
    return {"name": name, "parts": [{"host": fresh("open", "ai"), "notes": [fresh("a", "b")],
                                     "tags": [fresh("t", "1")], "by_locale": {fresh("e", "s"): fresh("h", "ola")}}]}


def test_records_share_equal_strings_and_field_sets_and_stay_equal():
    sharing = Sharing()
    one, two = (sharing.record(Whole.model_validate(whole(fresh("n", str(i))))) for i in (1, 2))
    first, second = one.parts[0], two.parts[0]
    assert first.host is second.host and first.notes[0] is second.notes[0] and first.tags[0] is second.tags[0]
    assert next(iter(first.by_locale)) is next(iter(second.by_locale))
    assert first.by_locale[fresh("es")] is second.by_locale[fresh("es")]
    assert first.__pydantic_fields_set__ is second.__pydantic_fields_set__
    assert one == Whole.model_validate(whole(fresh("n", "1")))  # equal values, equal records
    changed = first.model_copy(update={"comment": "new"})
    assert changed.model_fields_set == {"host", "notes", "tags", "by_locale", "comment"}
    assert second.model_fields_set == {"host", "notes", "tags", "by_locale"}  # the shared set is untouched


def test_loaded_records_share_their_makers_and_dependency_names(tmp_path):
    catalog, problems = load_catalog(fixture_project(tmp_path / "site"))
    assert not problems
    by_maker: dict[str, list] = {}
    for model in catalog.models.values():
        by_maker.setdefault(model.record.maker, []).append(model)
    first, second = next(models for models in by_maker.values() if len(models) > 1)[:2]
    assert first.record.maker is second.record.maker
    name = record_name("providers", first.record.maker)
    assert [n for n in first.shown_records if n == name][0] is [n for n in second.shown_records if n == name][0]


def test_rendering_leaves_no_page_figures_behind(tmp_path):
    """A pair's rows and a model's generated questions are worked out for its page and dropped after
    its last locale; a render worker keeping them would hold half the site's by its end."""
    project = fixture_project(tmp_path / "site")
    catalog, _ = load_catalog(project)
    plan = plan_site(project, catalog, Timings())
    writer = SiteWriter(project.output_dir)
    try:
        result = render_site(project, plan, Timings(), writer)
    finally:
        writer.abort()
    compare_pages = [path for path in result.rendered_paths if path.startswith("compare/") and path != "compare/index.html"]
    assert compare_pages and catalog.pairs
    assert not any({"rows", "verdict", "price_chart"} & vars(pair).keys() for pair in catalog.pairs)
    assert not any("generated_faq" in vars(model) for model in catalog.models.values())
    assert catalog.pairs[0].rows  # still there when asked for again


def test_a_run_per_language_makes_what_one_run_over_every_language_makes(tmp_path):
    project = fixture_project(tmp_path / "site")
    build(project)
    documents = SearchCache.load(project.search_cache_file()).documents
    by_locale = {"en": {p: d for p, d in documents.items() if not p.startswith("es/")},
                 "es": {p: d for p, d in documents.items() if p.startswith("es/")}}
    assert by_locale["en"] and by_locale["es"]
    split, joint = search_index(by_locale), _pagefind(documents)
    entry = "pagefind/pagefind-entry.json"
    assert set(json.loads(split[entry])["languages"]) == {"en", "es"}
    assert json.loads(split[entry]) == json.loads(joint[entry])
    assert {p: d for p, d in split.items() if p != entry} == {p: d for p, d in joint.items() if p != entry}
    assert split[entry] == (project.output_dir / "pagefind" / "pagefind-entry.json").read_bytes()
