"""Each validation rule reports the right file, line and message, and all at once."""

from __future__ import annotations

from pathlib import Path

import pytest

from atlas import file_events
from atlas.load import LoadMemo, load_content
from atlas.pipeline import load_catalog
from atlas.validate import validate_content
from conftest import fixture_project


def problems_for(content: Path):
    files, problems = load_content(content, content.parent)
    _, more = validate_content(files)
    return problems + more


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path.name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def line_of(path: Path, needle: str) -> int:
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if needle in line:
            return number
    raise AssertionError(f"{needle!r} not in {path}")


def only(problems, fragment: str):
    matching = [p for p in problems if fragment in p.message]
    assert len(matching) == 1, f"expected one problem with {fragment!r}, got {problems}"
    return matching[0]


def test_fixture_catalog_is_valid(content_copy):
    assert problems_for(content_copy) == []


def test_unknown_key_names_line_and_suggests(content_copy):
    record = content_copy / "models" / "beta-open.yaml"
    edit(record, "license: Apache 2.0", "licence: Apache 2.0")
    problem = only(problems_for(content_copy), "unknown key 'licence'")
    assert problem.file.endswith("models/beta-open.yaml")
    assert problem.line == line_of(record, "licence:")
    assert problem.hint == "did you mean 'license'?"


def test_missing_required_key(content_copy):
    record = content_copy / "models" / "alpha-pro.yaml"
    edit(record, "last_verified: 2026-01-15\n", "")
    problem = only(problems_for(content_copy), "missing required key 'last_verified'")
    assert problem.file.endswith("alpha-pro.yaml")


def test_unknown_provider_with_suggestion(content_copy):
    record = content_copy / "models" / "beta-open.yaml"
    edit(record, "maker: openlab", "maker: open-lab")
    problem = only(problems_for(content_copy), "unknown provider 'open-lab'")
    assert problem.line == line_of(record, "maker: open-lab")
    assert problem.hint == "did you mean 'openlab'?"


def test_unknown_offering_provider_points_at_the_offering(content_copy):
    record = content_copy / "models" / "beta-open.yaml"
    edit(record, "{provider: gateway,", "{provider: nowhere,")
    problem = only(problems_for(content_copy), "unknown provider 'nowhere'")
    assert problem.line == line_of(record, "provider: nowhere")


def test_unknown_alternative_model(content_copy):
    record = content_copy / "models" / "beta-open.yaml"
    edit(record, "alternatives: [alpha-mini]", "alternatives: [alpha-maxi]")
    problem = only(problems_for(content_copy), "unknown model 'alpha-maxi'")
    assert problem.line == line_of(record, "alternatives:")


def test_max_output_above_context(content_copy):
    record = content_copy / "models" / "alpha-pro.yaml"
    edit(record, "limits: {context: 200000, max_output: 100000}", "limits: {context: 200000, max_output: 300000}")
    problem = only(problems_for(content_copy), "max_output (300,000) is above the context window (200,000)")
    assert problem.line == line_of(record, "limits:")


def test_deprecated_without_date(content_copy):
    record = content_copy / "models" / "alpha-pro.yaml"
    edit(record, "retired: 2026-01-15\n", "")
    problem = only(problems_for(content_copy), "a deprecated model needs a retirement date")
    assert problem.line == line_of(record, "status: deprecated")


@pytest.mark.parametrize("value, fragment", [
    ("-1.0", "greater than or equal to 0"),
    ("2500", "above 1000 USD per million tokens"),
])
def test_negative_or_absurd_price(content_copy, value, fragment):
    record = content_copy / "models" / "alpha-pro.yaml"
    edit(record, "pricing: {input: 15.0,", f"pricing: {{input: {value},")
    problem = only(problems_for(content_copy), fragment)
    assert problem.line == line_of(record, "pricing:")
    assert "pricing.input" in problem.message


def test_duplicate_model_under_two_ids(content_copy):
    source = content_copy / "models" / "alpha-pro.yaml"
    (content_copy / "models" / "alpha-pro-copy.yaml").write_text(source.read_text(encoding="utf-8"), encoding="utf-8")
    problem = only(problems_for(content_copy), "is also described in")
    assert problem.file.endswith("models/alpha-pro-copy.yaml")
    assert problem.message.endswith("is also described in content/models/alpha-pro.yaml")


def test_bad_date_is_reported_with_line(content_copy):
    record = content_copy / "models" / "alpha-pro.yaml"
    edit(record, "released: 2024-12-05", "released: 2025-13-45")
    problem = only(problems_for(content_copy), "'released'")
    assert problem.line == line_of(record, "released:")
    assert problem.hint and "YYYY-MM-DD" in problem.hint


def test_every_problem_is_reported_in_one_run(content_copy):
    edit(content_copy / "models" / "alpha-pro.yaml", "maker: acme", "maker: acm")
    edit(content_copy / "models" / "beta-open.yaml", "license:", "licence:")
    (content_copy / "models" / "broken.yaml").write_text("name: [unclosed\n", encoding="utf-8")
    problems = problems_for(content_copy)
    files = {p.file.rsplit("/", 1)[-1] for p in problems}
    assert {"alpha-pro.yaml", "beta-open.yaml", "broken.yaml"} <= files


def test_missing_default_locale_text(content_copy):
    record = content_copy / "models" / "alpha-pro.yaml"
    edit(record, "tagline: {en: The former flagship of the Alpha line., es:", "tagline: {es:")
    problem = only(problems_for(content_copy), "the 'en' text is missing")
    assert problem.line == line_of(record, "tagline:")


def test_unknown_locale_in_text_map(content_copy):
    record = content_copy / "models" / "alpha-pro.yaml"
    edit(record, "tradeoffs: {en: [Expensive], es: [Caro]}", "tradeoffs: {en: [Expensive], fr: [Cher]}")
    problem = only(problems_for(content_copy), "'fr' is not one of the site's locales")
    assert problem.line == line_of(record, "tradeoffs:")


def test_catalog_loads_from_valid_content(tmp_path):
    catalog, problems = load_catalog(fixture_project(tmp_path / "out"))
    assert problems == []
    assert set(catalog.models) == {"alpha-mini", "alpha-pro", "beta-open", "gamma-long"}


def test_check_formats_for_people_ci_and_tools(tmp_path, content_copy):
    import json
    import subprocess
    import sys

    from conftest import project_folder

    project = project_folder(tmp_path, content_copy)
    edit(project / "content" / "models" / "beta-open.yaml", "maker: openlab", "maker: open-lab")

    def check(*extra):
        return subprocess.run([sys.executable, "build.py", "check", *extra], cwd=project, capture_output=True, text=True)

    text = check()
    assert text.returncode == 1
    assert "content/models/beta-open.yaml:2: error: unknown provider 'open-lab'\n    hint: did you mean 'openlab'?" in text.stderr
    github = check("--format", "github")
    assert github.returncode == 1
    assert "::error file=content/models/beta-open.yaml,line=2::unknown provider 'open-lab' (hint: did you mean 'openlab'?)" in github.stdout
    machine = json.loads(check("--format", "json").stdout)
    assert machine == [{"file": "content/models/beta-open.yaml", "line": 2, "column": None,
                        "message": "unknown provider 'open-lab'", "hint": "did you mean 'openlab'?"}]
    assert check("--no-such-flag").returncode == 2


def validating_again(content: Path):
    """Every problem of `content` as a long-running builder finds it: one validation memo for every
    call, and one load memo (the documents of files not read again are the last load's)."""
    memo, loaded = {}, LoadMemo.watching(content)

    def problems_kept():
        files, problems = load_content(content, content.parent, None, loaded)
        return problems + validate_content(files, memo)[1]

    return problems_kept


@pytest.mark.skipif(not file_events.available(), reason="no inotify on this system")
def test_validating_again_after_model_edits_equals_validating_anew(content_copy):
    """_validate_again: only the model files loaded anew are validated again, and the content is
    what a validation from nothing makes; a problem an edit brings is told as the whole pass tells it."""
    memo, loaded = {}, LoadMemo.watching(content_copy)

    def validated():
        files, problems = load_content(content_copy, content_copy.parent, None, loaded)
        assert problems == []
        return validate_content(files, memo), validate_content(files)

    (first, _), _ = validated()
    record = content_copy / "models" / "alpha-pro.yaml"
    edit(record, "tradeoffs: {en: [Expensive], es: [Caro]}", "tradeoffs: {en: [Very expensive], es: [Muy caro]}")
    (again, problems), (fresh, _) = validated()
    assert problems == [] and again == fresh and again.models["alpha-pro"] != first.models["alpha-pro"]
    assert again.providers is first.providers  # no whole pass: the providers' records as they were
    for old, new, broken in [("max_output: 100000}", "max_output: lots}", True),  # the schema
                             ("max_output: lots}", "max_output: 300000}", True),  # its own rule
                             ("max_output: 300000}", "max_output: 100000}", False),
                             ("successor: alpha-mini", "successor: no-such-model", True),  # a reference
                             ("successor: no-such-model", "successor: alpha-mini", False)]:
        edit(record, old, new)
        (again, problems), (fresh, fresh_problems) = validated()
        assert problems == fresh_problems and bool(problems) == broken and again == fresh


def test_a_builder_that_validates_again_finds_what_an_edit_breaks(content_copy):
    """A long-running builder skips the own rules of records that passed them, under the same locales only."""
    problems_kept = validating_again(content_copy)
    assert problems_kept() == []
    record = content_copy / "models" / "alpha-pro.yaml"
    edit(record, "limits: {context: 200000, max_output: 100000}", "limits: {context: 200000, max_output: 300000}")
    assert "is above the context window" in only(problems_kept(), "max_output").message
    edit(record, "max_output: 300000", "max_output: 100000")
    assert problems_kept() == []
    edit(content_copy / "site.yaml", "locales: [en, es]", "locales: [en]")  # every record's Spanish is now unknown
    assert "'es' is not one of the site's locales" in problems_kept()[0].message


def test_a_builder_that_validates_again_finds_the_ids_an_unedited_record_names_gone(content_copy):
    """A long-running builder checks the references of unchanged records again only when the ids
    change: deleting a provider or a model breaks the records that name it, which were not edited."""
    problems_kept = validating_again(content_copy)
    assert problems_kept() == []
    host = content_copy / "providers" / "hostco.yaml"
    kept = host.read_text(encoding="utf-8")
    host.unlink()
    assert any("unknown provider 'hostco'" in problem.message for problem in problems_kept())
    host.write_text(kept, encoding="utf-8")
    assert problems_kept() == []
    (content_copy / "models" / "beta-open.yaml").unlink()  # alpha-mini names it as an alternative
    assert "unknown model 'beta-open'" in only(problems_kept(), "beta-open").message
