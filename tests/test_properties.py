"""Property tests: random input never crashes the loader; any valid record renders in both languages."""

from __future__ import annotations

import shutil
import string

import yaml
from markupsafe import escape
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from atlas.load import load_content, load_document
from atlas.pipeline import build
from atlas.validate import validate_content
from conftest import FIXTURE_CONTENT, fixture_project

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@SETTINGS
@given(st.binary(max_size=2000) | st.text(max_size=2000).map(lambda t: t.encode("utf-8", "surrogatepass")))
def test_arbitrary_bytes_never_crash_the_loader(tmp_path_factory, data):
    path = tmp_path_factory.mktemp("bytes") / "record.yaml"
    path.write_bytes(data)
    problems = []
    document = load_document(path, "record.yaml", problems)
    assert document is not None or problems


json_like = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=30),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4),
    max_leaves=20,
)
record_like = st.fixed_dictionaries({}, optional={
    key: json_like for key in ("name", "maker", "pricing", "limits", "modalities", "tagline", "description",
                               "open_weights", "last_verified", "offerings", "capabilities", "released")
})


@SETTINGS
@given(record_like)
def test_random_records_never_crash_validation(tmp_path_factory, record):
    content = tmp_path_factory.mktemp("content")
    shutil.copytree(FIXTURE_CONTENT, content, dirs_exist_ok=True)
    (content / "models" / "random.yaml").write_text(yaml.safe_dump(record, allow_unicode=True), encoding="utf-8")
    files, problems = load_content(content, content.parent)
    validated, more = validate_content(files)
    assert validated is not None or problems or more


safe_text = st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=60).filter(str.strip)
price = st.floats(min_value=0, max_value=999, allow_nan=False)
valid_record = st.fixed_dictionaries({
    "name": safe_text,
    "maker": st.sampled_from(["acme", "openlab"]),
    "open_weights": st.booleans(),
    "tagline": safe_text | st.fixed_dictionaries({"en": safe_text, "es": safe_text}),
    "description": safe_text,
    "pricing": st.fixed_dictionaries({"input": price, "output": price}),
    "limits": st.integers(min_value=1000, max_value=10_000_000).map(lambda c: {"context": c, "max_output": c // 2 or 1}),
    "modalities": st.fixed_dictionaries({"input": st.lists(st.sampled_from(["text", "image", "audio", "pdf"]), min_size=1, unique=True),
                                         "output": st.just(["text"])}),
    "capabilities": st.fixed_dictionaries({}, optional={f: st.booleans() for f in ("tool_calling", "vision", "reasoning")}),
    "last_verified": st.dates().map(lambda d: d.isoformat()),
    "strengths": st.lists(safe_text, max_size=3),
})


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(valid_record)
def test_a_valid_random_record_renders_in_both_languages(tmp_path_factory, record):
    content = tmp_path_factory.mktemp("content")
    shutil.copytree(FIXTURE_CONTENT, content, dirs_exist_ok=True)
    if "<" in record["description"] or "`" in record["description"]:
        record["description"] = record["description"].replace("<", "").replace("`", "") or "text"
    (content / "models" / "random-model.yaml").write_text(yaml.safe_dump(record, allow_unicode=True), encoding="utf-8")
    out = tmp_path_factory.mktemp("site") / "site"
    build(fixture_project(out, content_dir=content))
    for page in (out / "models" / "random-model" / "index.html", out / "es" / "models" / "random-model" / "index.html"):
        text = page.read_text(encoding="utf-8")
        assert str(escape(record["name"])) in text  # the name, escaped as Jinja escapes it


# --- import → YAML → load keeps every value ------------------------------------------

prices = st.floats(min_value=0.01, max_value=200, allow_nan=False).map(lambda v: round(v, 4))
catalog_entry = st.fixed_dictionaries({
    "name": st.text(alphabet=string.ascii_letters + string.digits + " .-", min_size=3, max_size=24).filter(
        lambda n: n.strip() and any(c.isalnum() for c in n)),
    "context": st.integers(min_value=1024, max_value=4_000_000),
    "output_share": st.integers(min_value=1, max_value=100),
    "input": prices, "output": prices, "cache_read": st.none() | prices,
    "modalities": st.lists(st.sampled_from(["text", "image", "audio", "video", "pdf"]), min_size=1, max_size=5, unique=True),
    "tool_call": st.booleans(), "reasoning": st.booleans(), "structured_output": st.booleans(),
    "open_weights": st.booleans(),
    "release_date": st.dates(min_value=__import__("datetime").date(2020, 1, 1), max_value=__import__("datetime").date(2026, 6, 30)),
})


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(catalog_entry, min_size=1, max_size=4, unique_by=lambda e: e["name"].strip().lower()))
def test_import_then_load_keeps_every_value(tmp_path_factory, entries):
    import datetime as dt
    import io
    import json

    from atlas.importers.command import run_import
    from conftest import ROOT

    root = tmp_path_factory.mktemp("import")
    content = root / "content"
    (content / "models").mkdir(parents=True)
    shutil.copytree(ROOT / "content" / "providers", content / "providers")
    shutil.copy(ROOT / "content" / "site.yaml", content / "site.yaml")
    models, offerings = {}, {}
    for index, entry in enumerate(entries):
        slug = f"model-{index}-x"
        facts = {
            "id": slug, "name": f"Model {index} {entry['name'].strip()}", "family": "test",
            "release_date": entry["release_date"].isoformat(), "last_updated": entry["release_date"].isoformat(),
            "attachment": False, "reasoning": entry["reasoning"], "tool_call": entry["tool_call"],
            "structured_output": entry["structured_output"], "temperature": True, "open_weights": entry["open_weights"],
            "limit": {"context": entry["context"], "output": max(1, entry["context"] * entry["output_share"] // 100)},
            "modalities": {"input": entry["modalities"], "output": ["text"]},
        }
        models[f"openai/{slug}"] = facts
        cost = {"input": entry["input"], "output": entry["output"]}
        if entry["cache_read"] is not None:
            cost["cache_read"] = min(entry["cache_read"], entry["input"])
        offerings[slug] = {**facts, "cost": cost}
    data = {"models": models, "providers": {"openai": {"id": "openai", "name": "OpenAI", "env": ["OPENAI_API_KEY"],
                                                        "npm": "@ai-sdk/openai", "doc": "https://platform.openai.com/docs/models",
                                                        "models": offerings}}}
    source = root / "catalog.json"
    source.write_text(json.dumps(data), encoding="utf-8")
    assert run_import(content, "models-dev", source, date=dt.date(2026, 7, 2), out=io.StringIO()) == 0

    files, problems = load_content(content, root)
    validated, more = validate_content(files)
    assert problems == [] and more == [], problems + more
    assert len(validated.models) == len(entries)
    by_name = {record.name: record for record in validated.models.values()}
    for index, entry in enumerate(entries):
        offering = offerings[f"model-{index}-x"]
        record = by_name[offering["name"]]
        assert record.pricing.input == entry["input"] and record.pricing.output == entry["output"]
        assert record.pricing.cached_input == offering["cost"].get("cache_read")
        assert record.limits.context == entry["context"]
        assert record.limits.max_output == offering["limit"]["output"]
        assert set(record.modalities.input) == set(entry["modalities"])
        assert record.capabilities.tool_calling == entry["tool_call"]
        assert record.capabilities.reasoning == entry["reasoning"]
        assert record.capabilities.structured_output == entry["structured_output"]
        assert record.open_weights == entry["open_weights"]
        assert record.released == entry["release_date"]
