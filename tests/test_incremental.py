"""Incremental builds: after any edit, the incremental result equals a clean build, byte for byte."""

from __future__ import annotations

import datetime
import random
import re
import shutil
import sys
from pathlib import Path

import pytest
import yaml

from atlas import parallel, search_index
from atlas.catalog import Patch
from atlas.incremental import BuildState
from atlas.output_lock import OutputLock
from atlas.pipeline import SiteBuilder, build
from atlas.render import Renderer
from atlas.template_env import PageEnvironment, load_fragments
from conftest import ROOT, fixture_project, git, tree

sys.path.insert(0, str(ROOT / "bench"))
from catalogs import synthetic_catalog  # noqa: E402 - the benchmark's catalog generator

SYNTHETIC_MODELS = 120


@pytest.fixture
def workspace(tmp_path, content_copy):
    templates = tmp_path / "templates"
    locales = tmp_path / "locales"
    shutil.copytree(ROOT / "templates", templates)
    shutil.copytree(ROOT / "locales", locales)
    incremental = fixture_project(tmp_path / "incremental" / "site", content_dir=content_copy,
                                  templates_dir=templates, locales_dir=locales)
    build(incremental)  # the build the edits happen after
    return tmp_path, content_copy, templates, locales, incremental


def clean_build(tmp_path: Path, content: Path, templates: Path, locales: Path, name: str) -> dict[str, bytes]:
    """A build from nothing: a new output folder and a cache folder of its own (the project's would
    hold the pairs the incremental builds of this content chose)."""
    out = tmp_path / f"clean-{name}" / "site"
    build(fixture_project(out, content_dir=content, templates_dir=templates, locales_dir=locales,
                          cache_dir=out.parent / "cache"))
    return tree(out)


def replace_in(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (old, path)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


EDITS = {
    "record": lambda c, t, l: replace_in(c / "models" / "alpha-mini.yaml", "  input: 1.10\n", "  input: 0.95\n"),
    "second record": lambda c, t, l: replace_in(c / "models" / "beta-open.yaml", "input: 0.10, output: 0.40",
                                                "input: 0.12, output: 0.40"),  # the home page again, not alpha-mini's row
    "renamed record": lambda c, t, l: replace_in(c / "models" / "gamma-long.yaml", "name: Gamma Long",
                                                 "name: Gamma Longer"),  # on pages that list its name only
    "provider record": lambda c, t, l: replace_in(c / "providers" / "openlab.yaml", "name: OpenLab",
                                                  "name: OpenLab Research"),  # makers' names in every table
    "template": lambda c, t, l: replace_in(t / "partials" / "model" / "sources.html", "<h2 id=\"sources-title\">",
                                           "<h2 id=\"sources-title\" class=\"edited\">"),
    "verified date": lambda c, t, l: replace_in(c / "models" / "alpha-mini.yaml", "last_verified: 2026-04-28",
                                                "last_verified: 2026-05-02"),  # the sitemaps' dates
    "shared fragment": lambda c, t, l: replace_in(t / "partials" / "model_row.html", "<tr data-id=",
                                                  "<tr class=\"edited\" data-id="),
    "translation": lambda c, t, l: replace_in(l / "es" / "LC_MESSAGES" / "messages.po",
                                              'msgstr "Fuentes"', 'msgstr "Referencias"'),
    "config": lambda c, t, l: replace_in(c / "site.yaml", "requests_per_month: 100000", "requests_per_month: 50000"),
    "new record": lambda c, t, l: (c / "models" / "beta-small.yaml").write_text(  # the newest: every list page shifts
        (c / "models" / "beta-open.yaml").read_text(encoding="utf-8")
        .replace("name: Beta Open 70B", "name: Beta Small 8B").replace("released: 2025-08-05", "released: 2026-09-01")
        .replace("beta-open-70b", "beta-small-8b"), encoding="utf-8"),
    "deleted record": lambda c, t, l: (
        (c / "models" / "gamma-long.yaml").unlink()),
}


@pytest.mark.parametrize("edit", EDITS)
def test_incremental_build_equals_clean_build(workspace, edit):
    tmp_path, content, templates, locales, incremental = workspace
    before = tree(incremental.output_dir)
    EDITS[edit](content, templates, locales)
    report = build(incremental)
    after = tree(incremental.output_dir)
    assert after == clean_build(tmp_path, content, templates, locales, edit.replace(" ", "-"))
    changed = {path for path in after if before.get(path) != after[path]}
    assert 0 < report.stats.written == len(changed)
    assert report.stats.written < len(after)  # only what the edit touched
    if edit == "deleted record":
        assert not any(path.startswith(("models/gamma-long", "es/models/gamma-long")) for path in after)


def test_a_model_page_follows_its_comparisons_when_their_models_stay_linked_otherwise(workspace):
    """beta-open names alpha-pro as its successor and links to their comparison. When the pair
    goes (an edit of alpha-pro, whose record beta-open's page does not show), beta-open's page
    must drop the link, though it still names alpha-pro."""
    tmp_path, content, templates, locales, incremental = workspace
    replace_in(content / "models" / "beta-open.yaml", "alternatives: [alpha-mini]\n",
               "alternatives: [alpha-mini, gamma-long]\nsuccessor: alpha-pro\n")
    replace_in(content / "models" / "alpha-pro.yaml", "successor: alpha-mini\n",
               "successor: alpha-mini\nalternatives: [alpha-mini, beta-open]\n")
    build(incremental)
    pair = "compare/alpha-pro-vs-beta-open/index.html"
    assert pair in tree(incremental.output_dir)
    replace_in(content / "models" / "alpha-pro.yaml", "alternatives: [alpha-mini, beta-open]",
               "alternatives: [alpha-mini, gamma-long]")
    build(incremental)
    after = tree(incremental.output_dir)
    assert pair not in after and b"alpha-pro-vs-beta-open" not in after["models/beta-open/index.html"]
    assert after == clean_build(tmp_path, content, templates, locales, "pair-gone")


@pytest.mark.parametrize("preview", [False, True])
def test_committing_an_edit_updates_the_pages_that_show_the_history(workspace, preview):
    """A model's price chart plots the prices in the content's git history: committing an edit
    the last build already showed adds a point, though no file changed since that build."""
    tmp_path, content, templates, locales, incremental = workspace
    git(content, "init", "-q", "-b", "main")
    git(content, "add", "-A")
    git(content, "commit", "-q", "-m", "the catalog")
    builder = SiteBuilder(incremental, preview=preview)
    builder.build()
    replace_in(content / "models" / "alpha-mini.yaml", "  input: 1.10\n  output: 4.40\n", "  input: 0.95\n  output: 3.80\n")
    builder.build()
    page = "models/alpha-mini/index.html"
    before = (incremental.output_dir / page).read_bytes()
    git(content, "commit", "-q", "-am", "alpha-mini: lower prices", when="2026-08-01T09:00:00+00:00")
    builder.build()
    after = tree(incremental.output_dir)
    assert after[page] != before  # its chart has a point on the commit's day
    assert after == clean_build(tmp_path, content, templates, locales, "committed")


def test_only_affected_pages_are_rendered_and_only_changed_bytes_written(workspace):
    tmp_path, content, templates, locales, incremental = workspace
    before = tree(incremental.output_dir)
    replace_in(content / "models" / "alpha-pro.yaml", "tradeoffs: {en: [Expensive], es: [Caro]}",
               "tradeoffs: {en: [Very expensive], es: [Muy caro]}")
    report = build(incremental)
    after = tree(incremental.output_dir)
    changed_pages = {p for p in after if p.endswith(".html") and before.get(p) != after[p]}
    # The trade-offs show on alpha-pro's own page only, in two languages.
    assert changed_pages == {"models/alpha-pro/index.html", "es/models/alpha-pro/index.html"}
    # Pages that do not show alpha-pro at all were not even rendered.
    assert report.rendered < report.pages


def test_no_change_renders_and_writes_nothing(workspace):
    _, _, _, _, incremental = workspace
    report = build(incremental)
    assert report.stats.written == 0 and report.stats.removed == 0
    assert report.timings.stages["render"] < report.timings.stages["load"] + 1  # nothing rendered, just checked


@pytest.mark.parametrize("preview", [False, True])
def test_files_deleted_from_the_output_by_hand_come_back(workspace, preview):
    """In the next build; the dev server's builder, which takes its own output to be in place,
    once the server, idle, has it look (SiteBuilder.forget_missing_outputs)."""
    _, _, _, _, incremental = workspace
    builder = SiteBuilder(incremental, preview=preview)
    builder.build()
    before = tree(incremental.output_dir)
    fragment = sorted(name for name in before if name.startswith("pagefind/es/") and "/fragment/" in name)[0]
    for name in ("models/alpha-pro/index.html", "es/index.html", "api/models.json", fragment):
        (incremental.output_dir / name).unlink()
    shutil.rmtree(incremental.output_dir / "es" / "compare")
    deleted = 4 + sum(1 for name in before if name.startswith("es/compare/"))
    if preview:
        assert builder.build().rendered == 0  # its rebuilds take the output to be as it left it
        assert builder.forget_missing_outputs() == deleted
    report = builder.build()
    assert tree(incremental.output_dir) == before
    assert report.rendered == deleted - 2  # api/models.json and the search index's fragment are no pages
    assert builder.forget_missing_outputs() == 0


def test_deleting_the_cache_only_costs_a_full_build(workspace):
    tmp_path, _, _, _, incremental = workspace
    before = tree(incremental.output_dir)
    shutil.rmtree(incremental.cache_dir)
    report = build(incremental)
    assert report.stats.written == 0  # everything re-rendered, same bytes: nothing rewritten
    assert tree(incremental.output_dir) == before


def test_preview_build_writes_in_place_and_matches_a_clean_build(workspace):
    tmp_path, content, templates, locales, incremental = workspace
    folder = incremental.output_dir
    inode = (folder / "index.html").stat().st_ino
    EDITS["record"](content, templates, locales)
    report = build(incremental, preview=True)
    assert report.stats.written > 0
    assert folder.exists() and not folder.with_name(f".{folder.name}.new").exists()
    assert tree(folder) == clean_build(tmp_path, content, templates, locales, "preview")
    assert (folder / "index.html").stat().st_ino != inode  # replaced, not rewritten through the old inode


@pytest.mark.parametrize("preview, pool", [(True, False), (False, False), (True, True)],
                         ids=["in place", "atomic", "in place, pages rendered in worker processes"])
def test_one_builder_through_every_edit_matches_clean_builds(workspace, monkeypatch, preview, pool):
    """The dev server keeps one builder (parsed files, records, derived figures, rendered table
    rows, state in memory) for a whole session. With a pool, rows come back from the workers."""
    tmp_path, content, templates, locales, incremental = workspace
    if pool:
        monkeypatch.setattr(parallel, "PARALLEL_THRESHOLD", 1)
    builder = SiteBuilder(incremental, preview=preview)
    assert builder.build().stats.written == 0
    for edit in EDITS:
        EDITS[edit](content, templates, locales)
        builder.build()
        assert tree(incremental.output_dir) == clean_build(tmp_path, content, templates, locales,
                                                           f"session-{edit.replace(' ', '-')}")


def test_a_dev_server_edit_of_figures_patches_the_last_catalog_and_keeps_its_routes(workspace):
    """catalog_patch: a price, date or tagline edit changes the last build's catalog in place and
    keeps its routes, only the routes that name the edited record are checked, and the search
    index is looked at only when a document changed; an edit that moves the model in the display
    order builds both anew. Either way the pages are a clean build's."""
    tmp_path, content, templates, locales, incremental = workspace
    builder = SiteBuilder(incremental, preview=True)
    pages = builder.build().pages
    catalog, routes, renderer = builder.derived.last[0], builder.last_routes, builder.renderer
    edits = [("  input: 1.10\n", "  input: 0.95\n"), ("last_verified: 2026-04-28", "last_verified: 2026-05-02"),
             ("The small reasoning model of the Alpha line.", "The small reasoning model.")]  # its search document
    for step, (old, new) in enumerate(edits):
        replace_in(content / "models" / "alpha-mini.yaml", old, new)
        report = builder.build()
        assert builder.derived.last[0] is catalog and builder.last_routes is routes
        assert builder.renderer is renderer  # its compiled templates too
        assert catalog.patched == Patch(frozenset({"alpha-mini"}), dates_moved=step == 1)
        assert report.pages == pages and 0 < report.rendered < pages
        assert tree(incremental.output_dir) == clean_build(tmp_path, content, templates, locales, f"patched-{step}")
    replace_in(content / "models" / "alpha-mini.yaml", "released: 2025-04-16", "released: 2019-04-16")
    builder.build()
    assert builder.derived.last[0] is not catalog and builder.last_routes is not routes
    assert builder.renderer is not renderer and builder.renderer.catalog is builder.derived.last[0]
    assert builder.derived.last[0].patched is None
    assert tree(incremental.output_dir) == clean_build(tmp_path, content, templates, locales, "moved")


def test_a_price_edit_renders_the_pages_of_the_hosts_whose_rows_show_it(workspace, monkeypatch):
    """A provider page lists the models it serves by their names and offerings (offerings_dependency):
    an edit of a model's own price renders its maker's page (the model's row there), not its hosts';
    an edit of a host's price renders that host's page too. Either way the site is a clean build's."""
    tmp_path, content, templates, locales, incremental = workspace
    rendered: list[str] = []
    render_recording = Renderer.render_recording

    def recording(self, route, locale):
        rendered.append(route.path)
        return render_recording(self, route, locale)

    monkeypatch.setattr(Renderer, "render_recording", recording)
    builder = SiteBuilder(incremental, preview=True)
    builder.build()
    record = content / "models" / "alpha-mini.yaml"
    for old, new, host_page in [("  input: 1.10\n", "  input: 0.95\n", False),
                                 ("acme/alpha-mini, input: 0.99", "acme/alpha-mini, input: 0.89", True)]:
        rendered.clear()
        replace_in(record, old, new)
        builder.build()
        assert "models/alpha-mini/" in rendered and "providers/acme/" in rendered
        assert ("providers/hostco/" in rendered) == host_page
        assert tree(incremental.output_dir) == clean_build(tmp_path, content, templates, locales, new[-4:])


def test_a_patch_keeps_a_hosts_two_offerings_of_a_model_in_their_order(workspace):
    """A host may sell two variants of a model (models.dev lists several for o4-mini). A price edit
    that makes the second the cheaper swaps them in the model's offerings and in the host's list:
    the patched catalog shows them as a clean build does."""
    tmp_path, content, templates, locales, incremental = workspace
    record = content / "models" / "alpha-mini.yaml"
    host = "  - {provider: hostco, model_id: acme/alpha-mini, input: 0.99,"
    variant = ("  - {provider: hostco, model_id: acme/alpha-mini-fast, input: 1.05, output: 4.20, context: 200000, "
               "max_output: 100000, released: 2025-04-16, input_modalities: [text, image]}\n")
    text = record.read_text(encoding="utf-8")
    record.write_text(text.replace(host, variant + host, 1), encoding="utf-8")
    builder = SiteBuilder(incremental, preview=True)
    builder.build()
    catalog = builder.derived.last[0]
    replace_in(record, "acme/alpha-mini-fast, input: 1.05", "acme/alpha-mini-fast, input: 0.50")
    builder.build()
    assert builder.derived.last[0] is catalog and catalog.patched is not None
    assert [o.offering.model_id for o in catalog.models["alpha-mini"].offerings if o.provider_id == "hostco"] == [
        "acme/alpha-mini-fast", "acme/alpha-mini"]
    assert tree(incremental.output_dir) == clean_build(tmp_path, content, templates, locales, "two-offerings")


def test_a_long_lived_builder_keeps_the_api_index_lines_of_a_build_rendered_in_workers(workspace, monkeypatch):
    """Each model's line of the API index is kept with its figures for the next build
    (data_outputs._summary_line). A dev server's builder makes the index in its own process
    when workers render the rest, so the first edit after such a build does not make them all again."""
    tmp_path, content, templates, locales, incremental = workspace
    monkeypatch.setattr(parallel, "PARALLEL_THRESHOLD", 1)
    EDITS["record"](content, templates, locales)  # the index is stale, and rendered with the rest
    builder = SiteBuilder(incremental, preview=True)
    assert builder.build().rendered > 1
    assert all(entry.made_from_figures for entry in builder.derived.last[0].models.values())


def test_a_patched_catalog_after_a_failed_render_matches_a_clean_build(workspace):
    """A render that fails half-way leaves the catalog patched, and some pages' figures worked out
    from it; the next build, once the template is mended, shows the figures of the records as they are."""
    tmp_path, content, templates, locales, incremental = workspace
    builder = SiteBuilder(incremental, preview=True)
    builder.build()
    page = templates / "pages" / "model.html"
    good = page.read_text(encoding="utf-8")
    # Fails in the second language, once the first has worked out the model's questions and answers.
    sources = '{% include "partials/model/sources.html" %}'
    page.write_text(good.replace(sources, sources + "{% if locale == 'es' and model.id == 'alpha-mini' %}{{ no_such_value.at_all }}{% endif %}"),
                    encoding="utf-8")
    replace_in(content / "models" / "alpha-mini.yaml", "  input: 1.10\n", "  input: 0.95\n")
    with pytest.raises(Exception):
        builder.build()
    page.write_text(good, encoding="utf-8")
    replace_in(content / "models" / "alpha-mini.yaml", "  input: 0.95\n", "  input: 0.90\n")
    builder.build()
    assert builder.derived.last[0].patched is not None
    assert tree(incremental.output_dir) == clean_build(tmp_path, content, templates, locales, "after-failure")


def test_a_failed_build_does_not_confuse_the_next_one(workspace):
    tmp_path, content, templates, locales, incremental = workspace
    builder = SiteBuilder(incremental, preview=True)
    builder.build()
    record = content / "models" / "alpha-mini.yaml"
    good = record.read_text(encoding="utf-8")
    EDITS["record"](content, templates, locales)
    EDITS["config"](content, templates, locales)
    broken_template = templates / "partials" / "model" / "sources.html"
    original_template = broken_template.read_text(encoding="utf-8")
    broken_template.write_text("{% if %}", encoding="utf-8")  # the render fails after the load succeeded
    with pytest.raises(Exception):
        builder.build()
    broken_template.write_text(original_template, encoding="utf-8")
    record.write_text(good, encoding="utf-8")  # back to what the last good build saw, but the config changed
    builder.build()
    assert tree(incremental.output_dir) == clean_build(tmp_path, content, templates, locales, "after-failure")


def test_the_search_index_is_rebuilt_only_where_a_search_document_changes(workspace, monkeypatch):
    tmp_path, content, templates, locales, incremental = workspace
    index = incremental.output_dir / "pagefind"
    runs = []
    real_run = search_index._pagefind
    monkeypatch.setattr(search_index, "_pagefind", lambda documents: runs.append(set(documents)) or real_run(documents))
    before = tree(index)
    EDITS["record"](content, templates, locales)  # a price: not in any search document
    build(incremental)
    assert tree(index) == before and runs == []
    replace_in(content / "models" / "alpha-pro.yaml", "name: Alpha Pro", "name: Alpha Prime")
    build(incremental)
    after = tree(index)
    # Its page's bundle in each language runs again; a language's other bundles are kept as they were.
    assert [{path for path in documents if "alpha-pro" in path} for documents in runs] == [
        {"models/alpha-pro/index.html"}, {"es/models/alpha-pro/index.html"}]
    def bundle(path: str) -> str:  # "en/2/index/en_1a2b.pf_index" -> "en/2"
        return "/".join(path.split("/")[:2])

    rewritten = {bundle(path) for path in before.keys() | after.keys() if before.get(path) != after.get(path)}
    assert sorted(name.split("/")[0] for name in rewritten) == ["en", "es"]
    assert len({bundle(path) for path in before}) > len(rewritten)
    assert tree(incremental.output_dir) == clean_build(tmp_path, content, templates, locales, "search")


@pytest.mark.parametrize("then", ["finish_search", "build again", "a new builder"])
def test_a_deferred_search_index_follows_once_indexed_or_built_again(workspace, monkeypatch, then):
    """The dev server's rebuild leaves the search bundles whose documents changed for after the
    reload: the pages are new, the index is the last one until `finish_search`. A build before
    that (the next edit), or a new builder after the server stopped, indexes them itself."""
    tmp_path, content, templates, locales, incremental = workspace
    builder = SiteBuilder(incremental, preview=True)
    builder.build()
    index = incremental.output_dir / "pagefind"
    before = tree(index)
    runs = []
    real_run = search_index._pagefind
    monkeypatch.setattr(search_index, "_pagefind", lambda documents: runs.append(set(documents)) or real_run(documents))
    replace_in(content / "models" / "alpha-pro.yaml", "name: Alpha Pro", "name: Alpha Prime")
    builder.build(defer_search=True)
    assert runs == [] and tree(index) == before  # the last index, whole
    assert b"Alpha Prime" in (incremental.output_dir / "models" / "alpha-pro" / "index.html").read_bytes()
    assert [bundle.folder.split("/")[1] for bundle in builder.pending_search] == ["en", "es"]
    if then == "finish_search":
        assert builder.finish_search() == 2
        assert builder.finish_search() == 0  # nothing left
    elif then == "build again":
        builder.build()
    else:
        builder.save()
        SiteBuilder(incremental).build()
    assert len(runs) == 2
    assert tree(index) != before
    assert tree(incremental.output_dir) == clean_build(tmp_path, content, templates, locales, "deferred")
    if then == "finish_search":  # and the builder's state knows the new bundles' files
        runs.clear()
        assert builder.build().stats.written == 0 and runs == []


def test_a_deferred_search_index_leaves_no_listed_bundle_missing(workspace):
    """Models added until a language needs one more bundle: the search page lists it at once,
    so the rebuild indexes it before the reload instead of leaving it for later."""
    tmp_path, content, templates, locales, incremental = workspace
    builder = SiteBuilder(incremental, preview=True)
    builder.build()
    listed = []
    record = (content / "models" / "alpha-mini.yaml").read_text(encoding="utf-8")
    for number in range(1, 6):
        added = record.replace("name: Alpha Mini", f"name: Alpha Mini {number}")
        (content / "models" / f"alpha-mini-{number}.yaml").write_text(added, encoding="utf-8")
        builder.build(defer_search=True)
        page = (incremental.output_dir / "es" / "search" / "index.html").read_text(encoding="utf-8")
        bundles = re.search(r'data-bundles="([^"]*)"', page).group(1).split()
        listed.append(len(bundles))
        for folder in bundles:
            assert (incremental.output_dir / folder.strip("/") / "pagefind-entry.json").is_file(), folder
        builder.finish_search()
    assert listed[-1] > listed[0]  # a bundle was added
    assert tree(incremental.output_dir) == clean_build(tmp_path, content, templates, locales, "bundle-added")


def test_only_a_preview_build_defers_its_search_index(workspace):
    tmp_path, content, templates, locales, incremental = workspace
    with pytest.raises(ValueError):
        SiteBuilder(incremental).build(defer_search=True)


def test_a_new_builder_reuses_the_rows_the_last_one_saved_with_its_state(workspace, monkeypatch):
    """`build.py build` after an edit renders the rows of every list page the edit touches; the
    next one, after another edit, reads them back and renders only the edited model's."""
    tmp_path, content, templates, locales, incremental = workspace
    assert not incremental.fragments_file().exists()  # a full build keeps none
    rendered = []
    real_render = PageEnvironment._render_recorded
    monkeypatch.setattr(PageEnvironment, "_render_recorded",
                        lambda env, name, values: rendered.append(name) or real_render(env, name, values))
    EDITS["record"](content, templates, locales)
    build(incremental)
    first = len(rendered)
    assert incremental.fragments_file().exists()
    rendered.clear()
    replace_in(content / "models" / "alpha-mini.yaml", "  input: 0.95\n", "  input: 0.90\n")
    build(incremental)
    assert 0 < len(rendered) < first / 2
    assert tree(incremental.output_dir) == clean_build(tmp_path, content, templates, locales, "rows-again")
    # Kept with another state (a dev server's, saved since), they go unread.
    with OutputLock(incremental.output_dir) as lock:
        token = BuildState.load(incremental.cache_dir, incremental.output_dir, lock.generation).token
    assert load_fragments(incremental.fragments_file(), token)
    assert load_fragments(incremental.fragments_file(), "another state") == {}


def test_rows_kept_between_builds_follow_edits_made_while_workers_rendered(workspace, monkeypatch):
    """Table rows a builder keeps must not outlive an edit whose pages were rendered in worker processes."""
    tmp_path, content, templates, locales, incremental = workspace
    builder = SiteBuilder(incremental, preview=True)
    builder.build()
    EDITS["record"](content, templates, locales)
    builder.build()  # in this process: alpha-mini's new row is kept
    monkeypatch.setattr(parallel, "PARALLEL_THRESHOLD", 1)
    replace_in(content / "models" / "alpha-mini.yaml", "  input: 0.95\n", "  input: 0.90\n")
    builder.build()  # in workers: its row changes again there
    monkeypatch.undo()
    EDITS["second record"](content, templates, locales)
    builder.build()  # in this process: the home page again, with alpha-mini's row as the workers left it
    assert tree(incremental.output_dir) == clean_build(tmp_path, content, templates, locales, "rows")


# -- random edits of the real catalog ----------------------------------------------------------

def _scale_input(prices: dict, factor: float) -> None:
    """A new input price, and the cached one with it: cached reads cost no more than plain input."""
    for key in ("input", "cached_input"):
        if prices.get(key):
            prices[key] = round(prices[key] * factor, 4)


def _random_edit(rng: random.Random, content: Path, step: int) -> str:
    """One editor's change to a copy of the real catalog, of a kind chosen at random; returns what it did."""
    models = content / "models"
    records = {path.stem: yaml.safe_load(path.read_text(encoding="utf-8")) for path in sorted(models.glob("*.yaml"))}
    ids = sorted(records)
    model_id = rng.choice(ids)
    data = records[model_id]
    kind = rng.choice(["price", "price", "host price", "verified", "tagline", "family", "alternatives", "released",
                       "new", "deleted"])
    hosted = [offering for offering in data.get("offerings", []) if offering.get("input")]
    if kind == "price" and (data.get("pricing") or {}).get("input"):
        _scale_input(data["pricing"], rng.choice([0.25, 0.9, 1.1, 4]))
    elif kind == "host price" and hosted:
        _scale_input(rng.choice(hosted), rng.choice([0.5, 0.95, 1.05, 2]))
    elif kind == "verified":
        data["last_verified"] = datetime.date(2026, 10, 1) + datetime.timedelta(days=rng.randint(0, 40))
    elif kind == "tagline":
        data["tagline"] = f"Edited at step {step}."
    elif kind == "family":
        data["family"] = records[rng.choice(ids)].get("family") or "solo"
    elif kind == "alternatives":
        data["alternatives"] = rng.sample([other for other in ids if other != model_id], rng.randint(0, 3))
    elif kind == "released":
        data["released"] = datetime.date(2024, 1, 1) + datetime.timedelta(days=rng.randint(0, 900))
    elif kind == "new":
        model_id = f"{model_id}-copy{step}"
        data["name"] = f"{data['name']} Copy {step}"
        data["released"] = datetime.date(2026, 9, 1) + datetime.timedelta(days=step)
        for offering in data.get("offerings", []):
            offering["model_id"] = f"{offering['model_id']}-copy{step}"
    elif kind == "deleted":
        named = {str(value) for record in records.values()
                 for value in (*record.get("alternatives", []), record.get("successor"))}
        named |= {model for pair in yaml.safe_load((content / "site.yaml").read_text(encoding="utf-8"))
                  .get("compare", {}).get("pairs", []) for model in pair}
        free = [other for other in ids if other not in named]
        model_id = rng.choice(free)
        (models / f"{model_id}.yaml").unlink()
        return f"deleted {model_id}"
    else:
        return "nothing"
    (models / f"{model_id}.yaml").write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return f"{kind} {model_id}"


@pytest.mark.parametrize("seed, dev_server", [(1, True), (2, True), (3, False), (4, False)])
def test_random_edits_of_a_larger_catalog_keep_incremental_builds_equal_to_clean_ones(tmp_path, seed, dev_server):
    """The fixture is small. On the benchmark's synthetic catalog (the real records, replicated:
    families and makers of several models each), edits move compare neighbours, list orders and
    families the way an editor's do; one dev-server builder goes through them all, or a new
    builder (`build.py build`) builds after each."""
    content = synthetic_catalog(tmp_path / "synthetic", ROOT, SYNTHETIC_MODELS).root / "content"
    project = fixture_project(tmp_path / "incremental" / "site", content_dir=content, cache_dir=tmp_path / "cache")
    builder = SiteBuilder(project, preview=True) if dev_server else None
    next_build = builder.build if builder else lambda: build(project)
    next_build()
    rng = random.Random(seed)
    for step in range(1, 6):
        edit = _random_edit(rng, content, step)
        next_build()
        assert tree(project.output_dir) == clean_build(tmp_path, content, ROOT / "templates", ROOT / "locales",
                                                      f"{seed}-{step}"), f"after edit {step}: {edit}"
