"""Property tests: random input never crashes the loader; any valid record renders in both languages."""

from __future__ import annotations

import html
import shutil
import string

import yaml
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
        assert html.escape(record["name"], quote=False) in text or html.escape(record["name"]) in text
