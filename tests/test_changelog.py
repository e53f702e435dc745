"""The changelog and feeds come from field-level differences in the content's git history."""

from __future__ import annotations

import os
import subprocess
import xml.etree.ElementTree as ET

from atlas.history import read_history
from atlas.pipeline import build
from conftest import fixture_project, read

GIT_ENV = {
    "GIT_AUTHOR_NAME": "Editor", "GIT_AUTHOR_EMAIL": "editor@example.org",
    "GIT_COMMITTER_NAME": "Editor", "GIT_COMMITTER_EMAIL": "editor@example.org",
    "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1",
}


def git(cwd, *args, date="2026-03-01T10:00:00+00:00"):
    env = {**os.environ, **GIT_ENV, "GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date}
    subprocess.run(["git", *args], cwd=cwd, env=env, check=True, capture_output=True)


def test_price_change_committed_in_a_temporary_repository(tmp_path, content_copy):
    git(content_copy, "init", "-q", "-b", "main")
    git(content_copy, "add", "-A")
    git(content_copy, "commit", "-q", "-m", "initial catalog")
    record = content_copy / "models" / "alpha-mini.yaml"
    record.write_text(record.read_text(encoding="utf-8").replace("  input: 1.10\n", "  input: 0.90\n"), encoding="utf-8")
    git(content_copy, "commit", "-q", "-am", "Acme cuts the Alpha Mini input price", date="2026-04-02T09:30:00+00:00")

    history = read_history(content_copy)
    price_changes = [c for c in history if c.kind == "price"]
    assert [(c.model_id, c.field, c.old, c.new) for c in price_changes] == [("alpha-mini", "pricing.input", 1.1, 0.9)]
    assert sum(1 for c in history if c.kind == "added") == 4

    out = tmp_path / "site"
    build(fixture_project(out, content_dir=content_copy))
    english = read(out, "changelog/index.html")
    assert "Alpha Mini: input price changed from $1.10 to $0.90 per million tokens" in english
    spanish = read(out, "es/changelog/index.html")
    assert "1,10\xa0US$" in spanish and "0,90\xa0US$" in spanish
    feed = ET.fromstring(read(out, "feed.xml"))
    ns = {"a": "http://www.w3.org/2005/Atom"}
    assert feed.find("a:updated", ns).text == "2026-04-02T09:30:00+00:00"
    titles = [e.find("a:title", ns).text for e in feed.findall("a:entry", ns)]
    assert titles[0] == "Alpha Mini: input price changed from $1.10 to $0.90 per million tokens"
    assert ET.fromstring(read(out, "es/feed.xml")).get("{http://www.w3.org/XML/1998/namespace}lang") == "es"


def test_deprecation_and_removal_are_listed(tmp_path, content_copy):
    git(content_copy, "init", "-q", "-b", "main")
    git(content_copy, "add", "-A")
    git(content_copy, "commit", "-q", "-m", "initial")
    record = content_copy / "models" / "gamma-long.yaml"
    record.write_text(record.read_text(encoding="utf-8").replace("status: preview", "status: active"), encoding="utf-8")
    (content_copy / "models" / "beta-open.yaml").unlink()
    alpha = content_copy / "models" / "alpha-mini.yaml"
    alpha.write_text(alpha.read_text(encoding="utf-8").replace("alternatives: [alpha-pro, beta-open]", "alternatives: [alpha-pro]"), encoding="utf-8")
    git(content_copy, "commit", "-q", "-am", "gamma is GA, beta withdrawn", date="2026-05-01T00:00:00+00:00")
    kinds = {(c.model_id, c.kind) for c in read_history(content_copy) if c.when.month == 5}
    assert kinds == {("gamma-long", "status"), ("beta-open", "removed")}
    out = tmp_path / "site"
    build(fixture_project(out, content_dir=content_copy))
    page = read(out, "changelog/index.html")
    assert "Gamma Long is now generally available" in page
    assert "beta-open removed from the catalog" in page


def test_outside_git_the_changelog_says_it_is_empty(tmp_path, content_copy):
    assert read_history(content_copy) is None
    out = tmp_path / "site"
    build(fixture_project(out, content_dir=content_copy))
    assert "built outside a git checkout" in read(out, "changelog/index.html")
    assert "<entry>" not in read(out, "feed.xml")


def test_feed_date_honours_source_date_epoch(tmp_path, content_copy, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")  # 2026-01-01T00:00:00Z
    out = tmp_path / "site"
    build(fixture_project(out, content_dir=content_copy))
    assert "<updated>2026-01-01T00:00:00+00:00</updated>" in read(out, "feed.xml")
