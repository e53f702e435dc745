"""What a build holds: records share what they repeat, pages let go of what they worked out,
render workers are replaced before they copy much of the parent, and the search index is
made in bundles of a bounded size."""

from __future__ import annotations

import gc
import json
import os
import re
import threading
import time

import pytest
from pydantic import BaseModel, ConfigDict

from atlas import parallel, search_index
from atlas.compact import Sharing
from atlas.incremental import record_name
from atlas.pipeline import Timings, build, load_catalog, plan_site, render_site
from atlas.search_index import SearchCache, bundle_count, bundle_members, split_into_bundles
from atlas.write import SiteWriter
from conftest import fixture_project, tree


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


def test_each_language_is_indexed_in_bundles_no_larger_than_the_setting(tmp_path):
    """Pagefind's memory grows with what one run indexes: no run takes more than `pages_per_index` pages."""
    project = fixture_project(tmp_path / "site")
    build(project)
    documents = SearchCache.load(project.search_cache_file()).documents
    site = project.output_dir
    for locale, prefix in (("en", ""), ("es", "es/")):
        pages = [path for path in documents if path.startswith("es/") == (locale == "es")]
        bundles = sorted((site / "pagefind" / locale).iterdir(), key=lambda folder: int(folder.name))
        counts = [json.loads((folder / "pagefind-entry.json").read_bytes())["languages"][locale]["page_count"]
                  for folder in bundles]
        assert len(bundles) > 1 and max(counts) <= 4 and sum(counts) == len(pages), (locale, counts)
        # One engine a language: the others are merged into the first, in the browser.
        assert [(folder / "pagefind.js").is_file() for folder in bundles] == [True] + [False] * (len(bundles) - 1)
        page = (site / prefix / "search" / "index.html").read_text(encoding="utf-8")
        listed = re.search(r'data-bundles="([^"]*)"', page).group(1).split()
        assert listed == [f"/pagefind/{locale}/{folder.name}/" for folder in bundles]


def test_pagefind_runs_at_once_hold_no_more_documents_than_one_bundle(tmp_path, monkeypatch):
    """Small bundles are indexed side by side (one a core), within the bound a bundle sets on memory."""
    running, peaks, lock = [], [], threading.Lock()
    real_run = search_index._pagefind

    def tracked(documents):
        with lock:
            running.append(len(documents))
            peaks.append((len(running), sum(running)))
        try:
            time.sleep(0.05)  # long enough for a run started beside it to overlap
            return real_run(documents)
        finally:
            with lock:
                running.remove(len(documents))

    monkeypatch.setattr(search_index, "_pagefind", tracked)
    project = fixture_project(tmp_path / "site")
    build(project)
    assert len(peaks) > 2
    assert max(documents for _, documents in peaks) <= 4  # the fixture's pages_per_index
    if (os.cpu_count() or 1) > 1:
        assert max(runs for runs, _ in peaks) > 1
    peaks.clear()
    monkeypatch.setattr(os, "cpu_count", lambda: 1)
    one_at_a_time = fixture_project(tmp_path / "one-at-a-time" / "site")
    build(one_at_a_time)
    assert max(runs for runs, _ in peaks) == 1
    assert tree(project.output_dir) == tree(one_at_a_time.output_dir)


def test_bundles_hold_each_page_once_within_the_limit_and_in_path_order():
    paths = [f"models/m{n:04}/index.html" for n in range(1000)]
    groups = bundle_members(paths, 100)
    assert sorted(path for group in groups for path in group) == sorted(paths)
    assert all(group == sorted(group) and 0 < len(group) <= 100 for group in groups)
    assert len(groups) == bundle_count(1000, 90)  # buckets of 90 on average: none overflowed
    assert bundle_members(list(reversed(paths)), 100) == groups  # the paths alone decide
    small = bundle_members(paths[:10], 2)  # a limit the hash's spread exceeds: more buckets, until it holds
    assert max(map(len, small)) <= 2 and sum(map(len, small)) == 10
    single = bundle_members(paths, 1)  # one page a bundle: no hash spreads 1,000 so; path order, at once
    assert single == [[path] for path in sorted(paths)]


def test_a_page_added_or_removed_changes_one_bundle():
    """Runs in path order shifted every bundle after a new model's page, so each was indexed again."""
    paths = [f"models/m{n:04}/index.html" for n in range(0, 2000, 2)]
    before = bundle_members(paths, 100)
    for changed in (paths + ["models/m0501/index.html"], paths[:300] + paths[301:]):
        after = bundle_members(changed, 100)
        assert len(after) == len(before)
        assert sum(group not in before for group in after) == 1


def test_both_languages_are_split_alike():
    documents = {f"models/m{n:03}/index.html": b"x" for n in range(50)}
    groups = bundle_members(list(documents), 10)
    english = split_into_bundles(documents, "en", "", groups)
    spanish = split_into_bundles({"es/" + path: data for path, data in documents.items()}, "es", "es/", groups)
    assert list(english) == [f"pagefind/en/{n}/" for n in range(1, len(english) + 1)]
    assert [[path.removeprefix("es/") for path in group] for group in spanish.values()] == [
        list(group) for group in english.values()]


def _process_id(job: int) -> tuple[int, int, int]:
    return job, os.getpid(), gc.get_freeze_count()


@pytest.mark.skipif(not parallel.in_pool(parallel.PARALLEL_THRESHOLD, workers=2), reason="no fork on this system")
def test_render_workers_are_replaced_after_a_while_and_results_keep_their_order(monkeypatch):
    """A worker's memory grows with what it touches of the parent's: workers are forked afresh
    every WORKER_LIFETIME chunks, each freezing what it inherits, and the results still come
    back in job order."""
    monkeypatch.setattr(parallel, "CHUNK", 5)
    monkeypatch.setattr(parallel, "WORKER_LIFETIME", 2)
    jobs = list(range(parallel.PARALLEL_THRESHOLD))
    results, made_since = [], []
    for result in parallel.map_each(_process_id, jobs, workers=2):
        results.append(result)
        made_since.append([result])  # objects the parent makes while workers render
    assert [job for job, _, _ in results] == jobs
    workers = {pid for _, pid, _ in results}
    assert os.getpid() not in workers and len(workers) >= len(jobs) // 5 // 2
    first, last = results[0][2], results[-1][2]
    assert last > first + 100  # a late worker froze the hundreds of lists made before it was forked


@pytest.mark.skipif(not parallel.in_pool(parallel.PARALLEL_THRESHOLD, workers=2), reason="no fork on this system")
def test_render_workers_are_forked_from_the_main_thread_with_no_other_thread_running(monkeypatch):
    """A forked child keeps only the thread that forked it, so a lock another thread held stays
    held in the child for good; Python 3.12+ warns of that. multiprocessing's own worker
    replacement forks from the pool's handler thread: replacements must come from here."""
    monkeypatch.setattr(parallel, "CHUNK", 5)
    monkeypatch.setattr(parallel, "WORKER_LIFETIME", 2)
    threads_before = threading.active_count()
    forks = []
    real_fork = os.fork

    def recording_fork():
        forks.append((threading.current_thread() is threading.main_thread(), threading.active_count()))
        return real_fork()

    monkeypatch.setattr(os, "fork", recording_fork)
    results = list(parallel.map_each(_process_id, list(range(parallel.PARALLEL_THRESHOLD)), workers=2))
    assert [job for job, _, _ in results] == list(range(parallel.PARALLEL_THRESHOLD))
    assert len(forks) >= parallel.PARALLEL_THRESHOLD // 5 // 2  # a fresh pair of workers every 4 chunks
    assert set(forks) == {(True, threads_before)}
