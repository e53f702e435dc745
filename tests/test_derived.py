"""Derived figures, computed once in the catalog, on the fixture catalog."""

from __future__ import annotations

import gc
import math
import random
import weakref
from types import SimpleNamespace

import pytest

from atlas import catalog_patch
from atlas.catalog import CatalogMemo, build_catalog
from atlas.compare import PairMemo, choose_pairs, pairs_stay
from atlas.load import load_content
from atlas.pipeline import load_catalog
from atlas.routes import build_routes
from atlas.validate import validate_content
from conftest import FIXTURE_CONTENT, fixture_project


@pytest.fixture(scope="module")
def catalog(tmp_path_factory):
    catalog, problems = load_catalog(fixture_project(tmp_path_factory.mktemp("out")))
    assert problems == []
    return catalog


def test_blended_price_and_monthly_cost(catalog):
    alpha = catalog.models["alpha-mini"]
    assert alpha.blended == pytest.approx(1.10 * 0.7 + 4.40 * 0.3)
    # 2,000 in + 600 out tokens per request, 100,000 requests a month
    assert alpha.monthly_cost == pytest.approx((2000 * 1.10 + 600 * 4.40) / 1e6 * 100_000)
    assert alpha.cached_saving == pytest.approx(0.75)
    assert alpha.batch_saving == pytest.approx(0.5)


def test_scenario_costs(catalog):
    cost = catalog.models["alpha-mini"].scenario_costs[0]
    assert cost.scenario.id == "rag-answer"
    assert cost.per_request == pytest.approx((5000 * 1.10 + 500 * 4.40) / 1e6)
    assert cost.total == pytest.approx(cost.per_request * 1000)


def test_cheapest_offering_and_headline_for_open_weights(catalog):
    assert catalog.models["alpha-mini"].cheapest_offering.provider_id == "hostco"
    beta = catalog.models["beta-open"]
    assert (beta.headline.provider_id, beta.headline.input, beta.headline.output) == ("hostco", 0.10, 0.40)


def test_inconsistencies_across_providers(catalog):
    kinds = {i.kind for i in catalog.models["beta-open"].inconsistencies}
    assert kinds == {"context", "released"}
    assert catalog.models["alpha-pro"].inconsistencies == []


def test_speed_tier(catalog):
    assert catalog.models["alpha-mini"].speed_tier == "slow"  # 50 tokens/s
    assert catalog.models["beta-open"].speed_tier is None  # unmeasured: no tier


def test_fit_scores_follow_the_rubric(catalog):
    scores = {f.category.id: f for f in catalog.models["alpha-mini"].fit_scores}
    coding = scores["coding"]
    earned = {line.criterion.field or line.criterion.metric: line.earned for line in coding.breakdown}
    assert earned["tool_calling"] == 35 and earned["structured_output"] == 15 and earned["reasoning"] == 15
    assert earned["context"] == pytest.approx(round(25 * math.log(2) / math.log(10), 1))
    assert earned["providers"] == pytest.approx(round(10 * math.log(2) / math.log(8), 1))
    assert coding.score == round(sum(earned.values()))
    assert scores["vision"].score > {f.category.id: f for f in catalog.models["beta-open"].fit_scores}["vision"].score


def test_compare_rows_mark_the_better_side(catalog):
    pair = next(p for p in catalog.pairs if {p.a.id, p.b.id} == {"alpha-mini", "alpha-pro"})
    rows = {row.label: row for row in pair.rows}
    assert pair.a.id == "alpha-mini"  # canonical order
    assert rows["Input / 1M tokens"].better == "a"
    assert rows["Context window"].better is None  # equal
    said = [m.text for m in pair.verdict.sentences]
    assert any("cheaper on input" in text for text in said)


def test_pairs_grow_linearly(tmp_path):
    files, _ = load_content(FIXTURE_CONTENT, FIXTURE_CONTENT.parent)
    content, problems = validate_content(files)
    assert problems == []
    # Make a catalog of N models by copying the fixture's records under new ids.
    models = {}
    for index in range(60):
        for model_id, record in content.models.items():
            models[f"{model_id}-{index}"] = record.model_copy(update={"alternatives": []})
    bigger = content.__class__(content.site, content.providers, models, content.documents, content.rubric)
    catalog = build_catalog(bigger)
    n, k = len(catalog.models), catalog.site.compare.per_model
    pairs = choose_pairs(catalog.models, k, [])
    assert len(pairs) <= n * k
    compare_pages = [r for r in build_routes(catalog) if r.kind == "compare"]
    assert len(compare_pages) == len(catalog.pairs) <= n * k + len(catalog.site.compare.pairs)
    assert len(pairs) >= n * k // 2  # neighbours are found, not just declared alternatives


def _bigger_content(copies: int):
    files, _ = load_content(FIXTURE_CONTENT, FIXTURE_CONTENT.parent)
    content, problems = validate_content(files)
    assert problems == []
    models = {f"{model_id}-{index}": record.model_copy(update={"alternatives": []})
              for index in range(copies) for model_id, record in content.models.items()}
    return content.__class__(content.site, content.providers, models, content.documents, content.rubric)


def _figures(catalog) -> dict:
    return {model_id: (m.blended, m.monthly_cost, [f.score for f in m.fit_scores], m.capability_ids,
                       [other.id for other, _ in m.compare_with]) for model_id, m in catalog.models.items()}


def test_a_catalog_kept_between_builds_equals_a_clean_one():
    """The dev server's builder reuses figures and chosen neighbours of unchanged records."""
    content = _bigger_content(30)
    memo = CatalogMemo()
    build_catalog(content, memo=memo)
    models = dict(content.models)
    for model_id, price in (("alpha-mini-0", 0.02), ("beta-open-1", 40.0), ("gamma-long-12", 3.0)):
        pricing = models[model_id].pricing.model_copy(update={"input": price, "output": price * 4})
        models[model_id] = models[model_id].model_copy(update={"pricing": pricing})
    del models["alpha-pro-0"]
    edited = content.__class__(content.site, content.providers, models, content.documents, content.rubric)
    kept, clean = build_catalog(edited, memo=memo), build_catalog(edited)
    assert [p.slug for p in kept.pairs] == [p.slug for p in clean.pairs]
    assert _figures(kept) == _figures(clean)
    assert kept.models["alpha-mini-0"].blended == pytest.approx(0.02 * 0.7 + 0.08 * 0.3)


def test_a_catalog_built_anew_is_built_once_the_last_one_is_let_go(monkeypatch):
    """catalog_patch.catalog_for: when an edit takes the full road (here a model deleted), the last
    catalog is unreachable, and `release` has been called, before its successor is built: a dev
    server would otherwise hold both at once."""
    content = _bigger_content(10)
    memo = CatalogMemo()
    last = weakref.ref(catalog_patch.catalog_for(content, None, memo))
    models = dict(content.models)
    del models["alpha-pro-0"]
    edited = content.__class__(content.site, content.providers, models, content.documents, content.rubric)
    seen, released = [], []
    real = catalog_patch.build_catalog

    def building(*args, **kwargs):
        gc.collect()
        seen.append((last() is None, bool(released)))
        return real(*args, **kwargs)

    monkeypatch.setattr(catalog_patch, "build_catalog", building)
    catalog_patch.catalog_for(edited, None, memo, release=lambda: released.append(True))
    assert seen == [(True, True)]


def test_the_compare_index_lists_the_newest_models_pairs_and_the_declared_ones():
    content = _bigger_content(10)
    declared = ("alpha-pro-9", "beta-open-8")
    compare = content.site.compare.model_copy(update={"index_models": 2, "pairs": [declared]})
    site = content.site.model_copy(update={"compare": compare})
    catalog = build_catalog(content.__class__(site, content.providers, content.models, content.documents,
                                              content.rubric))
    newest = set(list(catalog.models)[:2])
    assert not newest & set(declared)
    assert 0 < len(catalog.featured_pairs) < len(catalog.pairs)
    expected = {pair.slug for pair in catalog.pairs if {pair.a.id, pair.b.id} & newest} | {"alpha-pro-9-vs-beta-open-8"}
    assert {pair.slug for pair in catalog.featured_pairs} == expected


def test_model_pages_link_their_compare_pages(fixture_site):
    page = (fixture_site / "models" / "alpha-mini" / "index.html").read_text(encoding="utf-8")
    assert 'href="/compare/alpha-mini-vs-alpha-pro/"' in page
    assert (fixture_site / "compare" / "alpha-mini-vs-alpha-pro" / "index.html").is_file()
    assert (fixture_site / "es" / "compare" / "alpha-mini-vs-alpha-pro" / "index.html").is_file()


def _random_model(rng, number: int):
    """What pair selection reads of a model, drawn at random from a few values each."""
    return SimpleNamespace(
        id=f"m{number:04d}", alternatives=[], maker=SimpleNamespace(id=rng.choice(["acme", "beta", "core"])),
        blended=rng.choice([None, round(rng.uniform(0.01, 50), 2)]),
        capability_bits=rng.randrange(16),
        record=SimpleNamespace(family=rng.choice(["one", "two", None]),
                               limits=SimpleNamespace(context=rng.choice([8_000, 128_000, 1_000_000]))))


def _random_edit(rng, models: dict) -> dict:
    target = models[rng.choice(list(models))]
    fresh = _random_model(rng, rng.randint(0, 9999))  # new values, and a new model to add
    kind = rng.choice(["price", "family", "maker", "capabilities", "context", "add", "remove", "reorder", "alternatives"])
    if kind == "price":
        target.blended = fresh.blended
    elif kind == "family":
        target.record.family = fresh.record.family
    elif kind == "maker":
        target.maker = fresh.maker
    elif kind == "capabilities":
        target.capability_bits = fresh.capability_bits
    elif kind == "context":
        target.record.limits.context = fresh.record.limits.context
    elif kind == "add":
        models[fresh.id] = fresh
    elif kind == "remove" and len(models) > 3:
        del models[target.id]
        for model in models.values():
            model.alternatives = [other for other in model.alternatives if other.id != target.id]
    elif kind == "reorder":
        items = list(models.items())
        rng.shuffle(items)
        return dict(items)
    elif kind == "alternatives":
        target.alternatives = [models[i] for i in rng.sample(list(models), 2) if i != target.id]
    return models


@pytest.mark.parametrize("seed", range(4))
def test_pairs_chosen_with_a_memo_equal_those_chosen_afresh_through_random_edits(seed):
    """The dev server's builder rescores only the models an edit may concern (compare._unsure)."""
    rng = random.Random(seed)
    for _ in range(4):
        models = {m.id: m for m in (_random_model(rng, n) for n in range(rng.randint(5, 120)))}
        per_model, memo = rng.choice([1, 2, 5]), PairMemo()
        for _ in range(12):
            models = _random_edit(rng, models)
            assert choose_pairs(models, per_model, [], memo) == choose_pairs(models, per_model, [])


@pytest.mark.parametrize("seed", range(4))
def test_pairs_stay_when_and_only_when_choose_pairs_would_choose_the_same(seed):
    """catalog_patch asks compare.pairs_stay instead of choosing the pairs again after an edit of
    one model's traits (price, capabilities, context; family and maker stay). It says they stay
    when choosing afresh gives the same pairs and every model the same neighbours, and then the
    memo is the one choosing leaves; it says they move when either differs."""
    rng = random.Random(seed)
    stayed = moved = 0
    for _ in range(6):
        models = {m.id: m for m in (_random_model(rng, n) for n in range(rng.randint(5, 150)))}
        per_model = rng.choice([1, 2, 5])
        memo = PairMemo()
        last = choose_pairs(models, per_model, [], memo)
        for _ in range(15):
            target = models[rng.choice(list(models))]
            fresh = _random_model(rng, 0)
            trait = rng.choice(["blended", "capability_bits", "context"])
            if trait == "context":
                target.record.limits.context = fresh.record.limits.context
            else:
                setattr(target, trait, getattr(fresh, trait))
            now = choose_pairs(models, per_model, [], expected := PairMemo())
            if pairs_stay(models, [target.id], per_model, memo):
                stayed += 1
                assert now == last
                assert (memo.traits, memo.by_price, memo.heads, memo.nearest) == (
                    expected.traits, expected.by_price, expected.heads, expected.nearest)
            else:
                moved += 1
                assert now != last or expected.nearest != memo.nearest
                last = choose_pairs(models, per_model, [], memo)
    assert stayed and moved
