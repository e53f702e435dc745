"""Importers and sync on the shared real-data snapshots (never on content/: every test uses a tmp dir).

The numbers asserted here are measured on /work/shared/data (see its README):

models-dev-catalog.json: 24 providers, 2,146 offerings, 231 catalog models.
* 231 catalog models = 221 records + 7 folded into a same-named entry (six dated
  Claude snapshots, devstral-medium-latest) + 3 skipped without a context window
  (gpt-image-1, -1.5, -2: image models).
* 2,146 offerings = 1,580 imported + 566 reported: 281 of makers we cannot describe
  (Workers AI's baai, deepgram... under cloudflare), 203 that name no maker and
  fit no single model (groq's llama-3.3-70b-versatile...), 51 of models without a
  context window (tts, video, image models), 17 moving aliases (~anthropic/...-latest),
  14 gateway routers (openrouter/auto, kilo-auto/...).
* 605 models = the 221 catalog records + 384 models the catalog section does not
  list but providers serve (claude-3-haiku, command-a-reasoning...), grouped from
  their offerings; 41 provider records (24 from the file, 17 makers).

openrouter-models.json: 122 entries = 103 offerings imported + 19 reported (14
makers we cannot describe, 3 ~aliases, 2 openrouter/ routers); 101 models, as
gpt-4o, gpt-4o-2024-08-06 and gpt-4o-2024-11-20 are one model.
"""

from __future__ import annotations

import copy
import datetime as dt
import io
import json
import shutil
from pathlib import Path

import pytest
import yaml

from atlas.cli import main
from atlas.importers import models_dev, openrouter
from atlas.importers.command import run_import, run_new
from atlas.importers.ids import parse_id, slugify
from atlas.importers.pins import Pins, pin_problem
from atlas.importers.sync import sync, write
from atlas.load import load_content
from atlas.pipeline import build, load_catalog
from atlas.schema import ModelRecord
from atlas.validate import validate_content
from conftest import FIXTURE_CONTENT, ROOT, fixture_project

DATA = Path("/work/shared/data")
MODELS_DEV = DATA / "models-dev-catalog.json"
OPENROUTER = DATA / "openrouter-models.json"
DATE = dt.date(2026, 7, 2)

pytestmark = pytest.mark.skipif(not MODELS_DEV.exists(), reason="shared data snapshots not present")


def empty_content(root: Path) -> Path:
    content = root / "content"
    (content / "models").mkdir(parents=True)
    (content / "providers").mkdir()
    shutil.copy(ROOT / "content" / "site.yaml", content / "site.yaml")
    return content


def import_file(content: Path, source: str, path: Path, date: dt.date = DATE, **kwargs) -> str:
    out = io.StringIO()
    assert run_import(content, source, path, date=date, out=out, **kwargs) == 0
    return out.getvalue()


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*.yaml"))}


def record(content: Path, model_id: str) -> dict:
    return yaml.safe_load((content / "models" / f"{model_id}.yaml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def catalog_data() -> dict:
    return json.loads(MODELS_DEV.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def parsed(catalog_data):
    return models_dev.parse(catalog_data, DATE)


@pytest.fixture(scope="module")
def imported(tmp_path_factory) -> tuple[Path, str]:
    """The full models.dev snapshot imported into an empty content folder (read-only)."""
    content = empty_content(tmp_path_factory.mktemp("imported"))
    return content, import_file(content, "models-dev", MODELS_DEV)


# --- ids -----------------------------------------------------------------------------


@pytest.mark.parametrize("raw, org, slug, extra", [
    ("o4-mini", None, "o4-mini", {}),
    ("openai/o4-mini", "openai", "o4-mini", {}),
    ("openai/o4-mini-high", "openai", "o4-mini-high", {"effort": "high", "base": "o4-mini"}),
    ("google/gemma-4-31b-it:free", "google", "gemma-4-31b-it", {"tag": "free"}),
    ("openai/gpt-4o-2024-05-13", "openai", "gpt-4o-2024-05-13", {"snapshot": "2024-05-13", "base": "gpt-4o"}),
    ("claude-opus-4-20250514", None, "claude-opus-4-20250514", {"snapshot": "2025-05-14", "base": "claude-opus-4"}),
    ("Qwen/Qwen3.5-397B-A17B", "alibaba", "qwen3.5-397b-a17b", {}),
    ("meta-llama/Llama-4-Scout-17B-16E-Instruct", "meta", "llama-4-scout-17b-16e-instruct", {}),
    ("z-ai/glm-4.6", "zai", "glm-4.6", {}),
    ("accounts/fireworks/models/kimi-k2p6", None, "kimi-k2.6", {}),
    ("workers-ai/@cf/meta/llama-3.2-1b-instruct", "meta", "llama-3.2-1b-instruct", {}),
    ("command-r-08-2024", None, "command-r-08-2024", {"snapshot": None}),  # a version name, not a snapshot
    ("mistral-large-2512", None, "mistral-large-2512", {"snapshot": None}),
])
def test_parse_id(raw, org, slug, extra):
    parsed = parse_id(raw)
    assert (parsed.org, parsed.slug) == (org, slug)
    for key, value in extra.items():
        assert getattr(parsed, key) == value


def test_slugify_refuses_what_cannot_be_a_slug():
    assert slugify("Claude 3.5 Sonnet (new)") == "claude-3.5-sonnet-new"
    assert slugify("…") is None
    assert slugify("x" * 81) is None


# --- models.dev ----------------------------------------------------------------------


def test_models_dev_counts(parsed):
    assert parsed.offerings_read == 2146
    assert parsed.catalog_models_read == 231
    assert len(parsed.upstream_providers) == 24
    assert len(parsed.models) == 605
    assert sum(m.catalog for m in parsed.models) == 221
    assert parsed.offering_count == 1580
    skipped_offerings = [s for s in parsed.skipped if s.what.startswith("offering")]
    assert len(skipped_offerings) == 566
    assert parsed.offering_count + len(skipped_offerings) == parsed.offerings_read  # nothing lost
    assert [s.what for s in parsed.skipped if s.what.startswith("model models.dev openai/")] == [
        "model models.dev openai/gpt-image-1", "model models.dev openai/gpt-image-1.5",
        "model models.dev openai/gpt-image-2"]
    merged = [n for n in parsed.notes if "same name" in n]
    assert len(merged) == 7
    assert 221 + len(merged) + 3 == parsed.catalog_models_read


def test_every_skip_has_a_reason(parsed):
    reasons = dict(parsed.skipped_by_reason())
    assert all(reason and whats for reason, whats in reasons.items())
    assert any("no context window" in reason for reason in reasons)
    assert any("gateway's own router" in reason for reason in reasons)


def test_o4_mini_is_one_model_with_its_offerings(parsed):
    [model] = [m for m in parsed.models if m.id == "o4-mini"]
    assert model.maker == "openai"
    assert model.facts["pricing"] == {"input": 1.1, "output": 4.4, "cached_input": 0.275}
    offerings = {(o.provider, o.fields["model_id"]) for o in model.offerings}
    # vercel has no o4-mini in this snapshot; every provider that lists it is here
    assert {p for p, _ in offerings} == {"openai", "openrouter", "poe", "requesty", "kilo", "nano-gpt",
                                         "cloudflare-ai-gateway", "github-models"}
    # reasoning-effort variants are offerings of o4-mini, under their own model_id
    assert {("openrouter", "openai/o4-mini-high"), ("kilo", "openai/o4-mini-high"),
            ("nano-gpt", "openai/o4-mini-high")} <= offerings
    assert not [m for m in parsed.models if m.id.startswith("o4-mini-high")]
    # a different model of the same line stays its own model
    assert [m.id for m in parsed.models if m.id == "o4-mini-deep-research"]


def test_dated_snapshots_land_as_offerings_or_named_variants(parsed):
    by_id = {m.id: m for m in parsed.models}
    # "Claude Opus 4.5" is listed as claude-opus-4-5 and claude-opus-4-5-20251101: one model
    assert "claude-opus-4-5-20251101" not in by_id
    assert ("anthropic", "claude-opus-4-5-20251101") in {o.key for o in by_id["claude-opus-4-5"].offerings}
    assert by_id["claude-opus-4-5"].facts["name"] == "Claude Opus 4.5"  # "(latest)" is not part of the name
    # "GPT-4o (2024-05-13)" is a named variant: its own record, priced as such
    assert by_id["gpt-4o-2024-05-13"].facts["name"] == "GPT-4o (2024-05-13)"
    assert ("openai", "gpt-4o-2024-05-13") in {o.key for o in by_id["gpt-4o-2024-05-13"].offerings}
    # a snapshot the catalog does not name folds into its model
    assert ("nano-gpt", "openai/o3-pro-2025-06-10") in {o.key for o in by_id["o3-pro"].offerings}


def test_maker_ids_map_to_our_providers(parsed):
    makers = {m.id: m.maker for m in parsed.models}
    assert makers["glm-4.6"] == "zai"  # models.dev zhipuai/
    assert makers["llama-3.3-70b-instruct"] == "meta"
    offerings = {o.key for m in parsed.models for o in m.offerings}
    assert ("meta", "llama-3.3-70b-instruct") in offerings  # the models.dev provider "llama"


def test_field_mapping(parsed):
    by_id = {m.id: m for m in parsed.models}
    facts = by_id["o4-mini"].facts
    assert facts["limits"] == {"context": 200000, "max_output": 100000}
    assert facts["modalities"] == {"input": ["text", "image"], "output": ["text"]}
    assert facts["capabilities"]["reasoning_efforts"] == ["low", "medium", "high"]
    assert facts["knowledge_cutoff"] == "2024-05" and facts["released"] == dt.date(2025, 4, 16)
    assert facts["benchmarks"][0]["source"] == "https://aider.chat/docs/leaderboards/"
    # price tiers above 200K tokens
    sonnet = by_id["claude-sonnet-4-6"]
    cloudflare = [o for o in sonnet.offerings if o.provider == "cloudflare-ai-gateway"]
    assert cloudflare and cloudflare[0].model["pricing"]["tiers"][0]["above_tokens"] == 200000
    # a provider that prices every model at $0 is unpriced, not free
    github = [o for o in by_id["o4-mini"].offerings if o.provider == "github-models"][0]
    assert "input" not in github.fields and "output" not in github.fields


def test_api_json_shape_groups_without_a_catalog(catalog_data):
    result = models_dev.parse(catalog_data["providers"], DATE)
    assert result.catalog_models_read == 0
    assert len(result.models) == 569 and result.offering_count == 1573
    [model] = [m for m in result.models if m.id == "o4-mini"]
    assert model.facts["pricing"]["input"] == 1.1  # from openai's own offering
    assert ("openrouter", "openai/o4-mini-high") in {o.key for o in model.offerings}


def test_full_import_validates(imported):
    content, output = imported
    assert len(list((content / "models").glob("*.yaml"))) == 605
    assert len(list((content / "providers").glob("*.yaml"))) == 41
    assert "605 added" in output and "646 files written" in output
    catalog, problems = load_catalog(fixture_project(content.parent / "site", content_dir=content))
    assert problems == []
    assert len(catalog.models) == 605


def test_imported_o4_mini_record(imported):
    content, _ = imported
    data = record(content, "o4-mini")
    assert data["tagline"] == "o4-mini by OpenAI: 200K context, $1.10 / $4.40 per million tokens."
    assert "no editor has reviewed this page yet" in data["description"]
    assert data["pricing"] == {"input": 1.1, "output": 4.4, "cached_input": 0.275}
    assert data["last_verified"] == DATE
    assert data["offerings"][0]["provider"] == "openai"  # the maker's own offering first
    assert len(data["offerings"]) == 11
    text = (content / "models" / "o4-mini.yaml").read_text(encoding="utf-8")
    assert "input: [text, image]" in text  # short lists inline, like the hand-written records


def test_subset_import_builds(tmp_path, catalog_data):
    """A whole build of imported records (the full import builds too, in minutes; checked by hand)."""
    keep = {"openai", "requesty"}
    subset = {"models": {k: v for k, v in catalog_data["models"].items() if k.startswith("openai/o")},
              "providers": {k: v for k, v in catalog_data["providers"].items() if k in keep}}
    path = tmp_path / "subset.json"
    path.write_text(json.dumps(subset), encoding="utf-8")
    content = empty_content(tmp_path)
    import_file(content, "models-dev", path)
    report = build(fixture_project(tmp_path / "site", content_dir=content))
    assert report.pages > 50
    page = (tmp_path / "site" / "models" / "o4-mini" / "index.html").read_text(encoding="utf-8")
    assert "o4-mini by OpenAI: 200K context" in page


# --- sync ----------------------------------------------------------------------------


def test_reimport_without_upstream_change_writes_nothing(imported, tmp_path):
    content = tmp_path / "content"
    shutil.copytree(imported[0], content)
    before = snapshot(content)
    mtimes = {p: p.stat().st_mtime_ns for p in content.rglob("*.yaml")}
    output = import_file(content, "models-dev", MODELS_DEV, date=DATE + dt.timedelta(days=30))
    assert "0 files written" in output and "0 models updated, 0 added, 605 unchanged" in output
    assert snapshot(content) == before
    assert {p: p.stat().st_mtime_ns for p in content.rglob("*.yaml")} == mtimes


def test_sync_keeps_editors_work(imported, tmp_path, catalog_data):
    content = tmp_path / "content"
    shutil.copytree(imported[0], content)
    path = content / "models" / "o4-mini.yaml"
    text = path.read_text(encoding="utf-8")
    text = text.replace("tagline: 'o4-mini by OpenAI: 200K context, $1.10 / $4.40 per million tokens.'",
                        "# Editor's note: keep the tagline short.\n"
                        "tagline: OpenAI's small reasoning model.  # written by hand")
    text = text.replace("pricing:\n  input: 1.1\n", "pricing:  # checked on openai.com\n  input: 1.10\n")
    text = text.replace("last_verified: 2026-07-02\n", "last_verified: 2026-07-02\npinned: [pricing.input]\n")
    path.write_text(text, encoding="utf-8")
    changed = copy.deepcopy(catalog_data)
    changed["providers"]["openai"]["models"]["o4-mini"]["cost"].update(input=1.2, output=4.8)
    changed["models"]["openai/o4-mini"]["limit"]["context"] = 256000
    del changed["providers"]["requesty"]["models"]["openai/o4-mini"]
    upstream = tmp_path / "changed.json"
    upstream.write_text(json.dumps(changed), encoding="utf-8")
    others = {k: v for k, v in snapshot(content).items() if k != "models/o4-mini.yaml"}

    output = import_file(content, "models-dev", upstream, date=dt.date(2026, 7, 9))

    new_text = path.read_text(encoding="utf-8")
    assert "# Editor's note: keep the tagline short.\ntagline: OpenAI's small reasoning model.  # written by hand" \
        in new_text
    assert "pricing:  # checked on openai.com\n  input: 1.10\n  output: 4.8\n" in new_text  # pinned, and not
    data = yaml.safe_load(new_text)
    assert data["limits"]["context"] == 256000
    assert data["last_verified"] == dt.date(2026, 7, 9)
    openai = [o for o in data["offerings"] if o["provider"] == "openai"][0]
    assert (openai["input"], openai["output"]) == (1.2, 4.8)  # the offering is not pinned
    assert any(o["provider"] == "requesty" for o in data["offerings"])  # gone upstream: reported, kept
    assert "pricing.output: 4.4 → 4.8" in output and "limits.context: 200000 → 256000" in output
    assert "kept (pinned): pricing.input: pinned at 1.1 (upstream: 1.2)" in output
    assert "offering requesty openai/o4-mini is no longer in models.dev's data: kept" in output
    assert "1 files written" in output
    assert {k: v for k, v in snapshot(content).items() if k != "models/o4-mini.yaml"} == others
    # and the synced record still validates
    ModelRecord.model_validate(yaml.safe_load(new_text.replace("2026-07-09", "2026-07-09")))


def test_sync_refreshes_untouched_placeholders_only(imported, tmp_path, catalog_data):
    content = tmp_path / "content"
    shutil.copytree(imported[0], content)
    changed = copy.deepcopy(catalog_data)
    changed["providers"]["openai"]["models"]["gpt-4.1"]["cost"].update(input=2.5)
    changed["providers"]["openai"]["models"]["o3"]["cost"].update(input=2.5)
    path = content / "models" / "o3.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("tagline: 'o3 by OpenAI", "tagline: 'Edited: o3 by OpenAI"), encoding="utf-8")
    upstream = tmp_path / "changed.json"
    upstream.write_text(json.dumps(changed), encoding="utf-8")
    import_file(content, "models-dev", upstream)
    assert "$2.50 / $8.00 per million tokens" in record(content, "gpt-4.1")["tagline"]
    assert record(content, "o3")["tagline"].startswith("Edited: o3 by OpenAI: 200K context, $2.00")


def test_sync_into_hand_written_content_keeps_editorial_fields(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    before = {p.stem: yaml.safe_load(p.read_text(encoding="utf-8")) for p in (content / "models").glob("*.yaml")}
    output = import_file(content, "models-dev", MODELS_DEV)
    editorial = ("name", "tagline", "description", "strengths", "tradeoffs", "best_for", "works_with",
                 "alternatives", "faq", "sources", "deployment", "speed", "ratings", "price_history")
    for model_id, old in before.items():
        new = record(content, model_id)
        for key in editorial:
            assert new.get(key) == old.get(key), (model_id, key)
        assert new["released"] == old.get("released", new["released"])  # a release date is settled
    assert "released: kept 2025-12-02; models.dev says 2024-11-01" in output  # reported, for an editor
    o4 = record(content, "o4-mini")
    assert o4["pricing"]["input"] == 1.1 and len(o4["offerings"]) == 12  # + the three o4-mini-high
    assert any(o["provider"] == "vercel" for o in o4["offerings"])  # not upstream any more: kept
    assert (content / "models" / "o4-mini.yaml").read_text(encoding="utf-8").startswith(
        "# yaml-language-server: $schema=../../schema/model.json\nname: o4-mini\n")
    _, problems = load_catalog(fixture_project(tmp_path / "site", content_dir=content))
    assert problems == []


def test_offering_pins(imported, tmp_path, catalog_data):
    content = tmp_path / "content"
    shutil.copytree(imported[0], content)
    path = content / "models" / "o4-mini.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace(
        "last_verified: 2026-07-02\n", "last_verified: 2026-07-02\npinned: [offerings.poe.input, offerings.kilo]\n"),
        encoding="utf-8")
    changed = copy.deepcopy(catalog_data)
    changed["providers"]["poe"]["models"]["openai/o4-mini"]["cost"].update(input=0.5, output=2)
    changed["providers"]["kilo"]["models"]["openai/o4-mini"]["cost"].update(input=0.5)
    upstream = tmp_path / "changed.json"
    upstream.write_text(json.dumps(changed), encoding="utf-8")
    output = import_file(content, "models-dev", upstream)
    offerings = {(o["provider"], o["model_id"]): o for o in record(content, "o4-mini")["offerings"]}
    assert offerings[("poe", "openai/o4-mini")]["input"] == 0.99  # pinned
    assert offerings[("poe", "openai/o4-mini")]["output"] == 2  # not pinned
    assert offerings[("kilo", "openai/o4-mini")]["input"] == 1.1  # the whole provider pinned
    assert "offerings.poe.input: pinned at 0.99 (upstream: 0.5)" in output


def test_sync_creates_providers_that_new_offerings_need(imported, tmp_path, catalog_data):
    content = tmp_path / "content"
    shutil.copytree(imported[0], content)
    for path in (content / "models").glob("*.yaml"):
        if path.stem != "o4-mini":
            path.unlink()
    for path in (content / "providers").glob("*.yaml"):
        if path.stem != "openai":
            path.unlink()
    path = content / "models" / "o4-mini.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["offerings"] = [o for o in data["offerings"] if o["provider"] == "openai"]
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    subset = {"models": {"openai/o4-mini": catalog_data["models"]["openai/o4-mini"]},
              "providers": {k: catalog_data["providers"][k] for k in ("openai", "poe")}}
    upstream = tmp_path / "subset.json"
    upstream.write_text(json.dumps(subset), encoding="utf-8")
    output = import_file(content, "models-dev", upstream)
    assert "+ offering poe openai/o4-mini" in output and "+ providers/poe.yaml" in output
    assert yaml.safe_load((content / "providers" / "poe.yaml").read_text())["api_key_env"] == "POE_API_KEY"
    _, problems = load_catalog(fixture_project(tmp_path / "site", content_dir=content))
    assert problems == []


def test_dry_run_prints_and_writes_nothing(tmp_path):
    content = empty_content(tmp_path)
    output = import_file(content, "models-dev", MODELS_DEV, dry_run=True)
    assert "+ models/o4-mini.yaml" in output and "dry run: nothing written" in output
    assert list((content / "models").iterdir()) == []


def test_records_that_cannot_be_mapped_are_reported(tmp_path):
    quirky = {
        "models": {
            "acme/good-model": {"name": "Good Model", "limit": {"context": 8000}, "open_weights": True,
                                "modalities": {"input": ["text"], "output": ["text"]}},
            "acme/zero-context": {"name": "Zero", "limit": {"context": 0}, "open_weights": False,
                                  "modalities": {"input": ["text"], "output": ["text"]}},
            "acme/embedder": {"name": "Embedder", "limit": {"context": 512}, "open_weights": False,
                              "modalities": {"input": ["text"], "output": ["embedding"]}},
            "no-maker-key": {"name": "X", "limit": {"context": 10}},
            "acme/…": {"name": "Odd"},
            "acme/broken": "not an object",
        },
        "providers": {
            "acme": {"name": "Acme", "doc": "https://docs.acme.example/models", "env": ["ACME_KEY"],
                     "models": {
                         "good-model": {"id": "good-model", "cost": {"input": 1, "output": 2},
                                        "limit": {"context": 8000}},  # no limit.output
                         "priced-per-token": {"id": "good-model-2025-01-01", "cost": {"input": 0.000001}},
                         "weird": None,
                         "": {"id": ""},
                     }},
            "host": {"name": "Host", "models": {"mystery-model": {"limit": {"context": 100}},
                                                "acme/good-model:free": {"cost": {"input": "NaN", "output": -1},
                                                                         "limit": {"context": "lots"}}}},
            "broken": [],
        },
    }
    path = tmp_path / "quirky.json"
    path.write_text(json.dumps(quirky), encoding="utf-8")
    content = empty_content(tmp_path)
    output = import_file(content, "models-dev", path)
    result = models_dev.parse(quirky, DATE)
    reasons = {s.what: s.reason for s in result.skipped}
    assert "no context window" in reasons["model models.dev acme/zero-context"]
    assert "no input or output modality" in reasons["model models.dev acme/embedder"]
    assert "names no maker" in reasons["model no-maker-key"]
    assert "slug" in reasons["model acme/…"]
    assert reasons["model acme/broken"] == "entry is not an object"
    assert "no maker" in reasons["offering host mystery-model"]
    assert reasons["provider broken"] == "not a provider entry with a models map"
    assert "skipped" in output and "× no context window" in output
    good = record(content, "good-model")
    assert good["pricing"] == {"input": 1, "output": 2}
    assert {o["model_id"] for o in good["offerings"]} == {"good-model", "good-model-2025-01-01",
                                                          "acme/good-model:free"}
    assert yaml.safe_load((content / "providers" / "acme.yaml").read_text())["website"] == "https://acme.example"
    _, problems = load_catalog(fixture_project(tmp_path / "site", content_dir=content))
    assert problems == []


def test_a_broken_record_is_reported_and_left_alone(imported, tmp_path):
    content = tmp_path / "content"
    shutil.copytree(imported[0], content)
    broken = content / "models" / "o4-mini.yaml"
    broken.write_text("name: o4-mini\n  maker: [unclosed\n", encoding="utf-8")
    output = import_file(content, "models-dev", MODELS_DEV)
    assert "! models/o4-mini.yaml not written: cannot be read" in output
    assert "! model o4-mini skipped: models/o4-mini.yaml cannot be read" in output
    assert broken.read_text(encoding="utf-8") == "name: o4-mini\n  maker: [unclosed\n"


JUNK = [None, 0, -1, "", "x", [], {}, 1e9, True, "2025-13-45", float("nan"), 10**12, "Ünïcödé/ID:tag", " a b "]


def _mutate(node, rnd, rate):
    items = list(node.items()) if isinstance(node, dict) else list(enumerate(node)) if isinstance(node, list) else []
    for key, value in items:
        roll = rnd.random()
        if roll < rate:
            node[key] = rnd.choice(JUNK)
        elif roll < 2 * rate and isinstance(node, dict):
            del node[key]
        else:
            _mutate(value, rnd, rate)


@pytest.mark.parametrize("seed", range(3))
def test_quirky_upstream_data_never_crashes(tmp_path, catalog_data, seed):
    """Wrong types, missing keys, zero contexts, odd ids: reported or skipped, never a crash or a bad record."""
    import random

    rnd = random.Random(seed)
    data = {"models": dict(rnd.sample(sorted(catalog_data["models"].items()), 50)),
            "providers": {k: v for k, v in catalog_data["providers"].items() if rnd.random() < 0.3}}
    data = copy.deepcopy(data)
    _mutate(data["models"], rnd, 0.05)  # inside the two maps: a file without them is a usage error
    _mutate(data["providers"], rnd, 0.05)
    openrouter_data = {"data": rnd.sample(json.loads(OPENROUTER.read_text(encoding="utf-8"))["data"], 40)}
    _mutate(openrouter_data["data"], rnd, 0.05)
    content = empty_content(tmp_path)
    for parser, upstream in ((models_dev, data), (openrouter, openrouter_data)):
        write(sync(parser.parse(upstream, DATE), content, DATE))
        assert sync(parser.parse(upstream, DATE), content, DATE).files == {}  # and a re-import is a no-op
    _, problems = load_catalog(fixture_project(tmp_path / "site", content_dir=content))
    assert problems == []


def test_unreadable_input_is_a_usage_error(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    assert run_import(tmp_path, "models-dev", bad, out=io.StringIO()) == 2
    bad.write_text("[1, 2]", encoding="utf-8")
    assert run_import(tmp_path, "openrouter", bad, out=io.StringIO()) == 2


# --- OpenRouter ----------------------------------------------------------------------


def test_openrouter_counts_and_o4_mini():
    result = openrouter.parse(json.loads(OPENROUTER.read_text(encoding="utf-8")), DATE)
    assert result.offerings_read == 122
    assert (len(result.models), result.offering_count, len(result.skipped)) == (101, 103, 19)
    [model] = [m for m in result.models if m.id == "o4-mini"]
    [offering] = model.offerings
    assert offering.fields["model_id"] == "openai/o4-mini"
    assert (offering.fields["input"], offering.fields["output"], offering.fields["cached_input"]) == (1.1, 4.4, 0.275)
    assert offering.fields["input_modalities"] == ["text", "image", "pdf"]  # "file" is pdf
    assert model.facts["capabilities"]["tool_calling"] and model.facts["capabilities"]["structured_output"]
    assert "pricing" not in model.facts  # OpenRouter's price is its offering's, not the maker's list price
    assert not model.authoritative
    [gpt4o] = [m for m in result.models if m.id == "gpt-4o"]
    assert len(gpt4o.offerings) == 3


def test_openrouter_sync_fills_gaps_only(imported, tmp_path):
    content = tmp_path / "content"
    shutil.copytree(imported[0], content)
    before = record(content, "o4-mini")
    output = import_file(content, "openrouter", OPENROUTER)
    after = record(content, "o4-mini")
    assert after == before  # same figures: nothing to fill, nothing overwritten
    assert "openrouter openai/o4-mini-high is no longer in OpenRouter's data: kept" in output
    _, problems = load_catalog(fixture_project(tmp_path / "site", content_dir=content))
    assert problems == []


def test_openrouter_into_empty_content(tmp_path):
    content = empty_content(tmp_path)
    import_file(content, "openrouter", OPENROUTER)
    data = record(content, "o4-mini")
    assert data["offerings"][0]["input"] == 1.1 and data["offerings"][0]["output"] == 4.4
    assert "pricing" not in data
    _, problems = load_catalog(fixture_project(tmp_path / "site", content_dir=content))
    assert problems == []


# --- pins, new, CLI ------------------------------------------------------------------


def test_pin_paths():
    pins = Pins(["pricing.input", "offerings.poe", "benchmarks"])
    assert pins.covers(("pricing", "input")) and not pins.covers(("pricing", "output"))
    assert pins.covers(("offerings", "poe", "input")) and not pins.covers(("offerings", "kilo", "input"))
    assert pins.covers(("benchmarks",))
    assert pin_problem("pricing.input") is None and pin_problem("offerings.poe.input") is None
    assert pin_problem("limits") is None
    message, hint = pin_problem("pricing.inptu")
    assert "names no field of pricing" in message and hint == "did you mean 'input'?"
    assert pin_problem("pricng")[1] == "did you mean 'pricing'?"


def test_validator_checks_pinned_paths(content_copy):
    path = content_copy / "models" / "alpha-pro.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text + "pinned: [pricing.input, limits.contxt]\n", encoding="utf-8")
    files, problems = load_content(content_copy, content_copy.parent)
    _, problems = validate_content(files)
    [problem] = problems
    assert problem.message == "pinned path 'limits.contxt' names no field of limits"
    assert problem.hint == "did you mean 'context'?"
    assert problem.line == len(text.splitlines()) + 1


def test_new_model_skeleton(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(FIXTURE_CONTENT, content)
    out = io.StringIO()
    assert run_new(content, "acme-new", "acme", out=out) == 0
    path = content / "models" / "acme-new.yaml"
    text = path.read_text(encoding="utf-8")
    for field in ModelRecord.model_fields:  # every field...
        assert [ln for ln in text.splitlines() if ln.startswith(f"{field}:")], field
    for line in text.splitlines():  # ...and a comment on each (the description's text aside)
        assert "#" in line or line.strip().startswith("TODO"), line
    files, problems = load_content(content, content.parent)
    assert problems == []  # it loads
    _, problems = validate_content(files)
    assert {p.message.split(":")[0] for p in problems} == {
        "'open_weights'", "'limits.context'", "'modalities.input'", "'modalities.output'", "'last_verified'"}
    filled = (text.replace("open_weights: null", "open_weights: false")
              .replace("context: null", "context: 128000")
              .replace("  input: []  # REQUIRED", "  input: [text]  #")
              .replace("  output: []  # REQUIRED", "  output: [text]  #")
              .replace("last_verified: null", "last_verified: 2026-07-02"))
    path.write_text(filled, encoding="utf-8")
    files, _ = load_content(content, content.parent)
    assert validate_content(files)[1] == []  # TODO text is the editor's to replace; the facts now validate
    assert run_new(content, "acme-new", "acme", out=io.StringIO()) == 2  # never overwrites
    assert run_new(content, "Not A Slug", "acme", out=io.StringIO()) == 2


def test_cli_commands(tmp_path, capsys):
    content = empty_content(tmp_path)
    code = main(["import", "openrouter", str(OPENROUTER), "--content", str(content), "--date", "2026-07-02",
                 "--dry-run"], root=ROOT)
    assert code == 0
    assert "dry run: nothing written" in capsys.readouterr().out
    assert list((content / "models").iterdir()) == []
    assert main(["new", "model", "my-model", "--maker", "openai", "--content", str(content)], root=ROOT) == 0
    assert (content / "models" / "my-model.yaml").exists()
    with pytest.raises(SystemExit):
        main(["import", "huggingface", str(OPENROUTER)], root=ROOT)


def test_sync_api_matches_the_cli(tmp_path, parsed):
    """`sync` works out every edit in memory; `write` is the only step that touches files."""
    content = empty_content(tmp_path)
    report = sync(parsed, content, DATE)
    assert list((content / "models").iterdir()) == []
    assert report.written == 646 and len(report.added) == 605
    write(report)
    assert len(list((content / "models").glob("*.yaml"))) == 605
