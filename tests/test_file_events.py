"""inotify, as the dev server reads it: a change reported once, new folders watched, editor litter ignored."""

from __future__ import annotations

import os

import pytest

from atlas import file_events
from atlas.file_events import FolderEvents

pytestmark = pytest.mark.skipif(not file_events.available(), reason="no inotify on this system")


@pytest.fixture
def watched(tmp_path):
    (tmp_path / "models").mkdir()
    (tmp_path / "models" / "a.yaml").write_text("name: A\n", encoding="utf-8")
    events = FolderEvents([tmp_path], ignore=lambda name: name.endswith(".swp"))
    yield tmp_path, events
    events.close()


def test_a_change_is_reported_once(watched):
    folder, events = watched
    assert not events.changed()  # nothing yet, and the read does not block
    (folder / "models" / "a.yaml").write_text("name: B\n", encoding="utf-8")
    assert events.changed()
    assert not events.changed()
    os.replace(folder / "models" / "a.yaml", folder / "models" / "b.yaml")  # an editor's save by rename
    assert events.changed()
    (folder / "models" / "b.yaml").unlink()
    assert events.changed()


def test_folders_made_later_are_watched_with_what_they_hold(watched):
    folder, events = watched
    (folder / "providers" / "hosts").mkdir(parents=True)
    assert events.changed()
    (folder / "providers" / "hosts" / "h.yaml").write_text("name: H\n", encoding="utf-8")
    assert events.changed()


def test_ignored_names_and_hidden_folders_are_not_changes(watched):
    folder, events = watched
    (folder / "models" / ".a.yaml.swp").write_text("x", encoding="utf-8")
    assert not events.changed()
    (folder / "models" / ".#a.yaml").write_text("x", encoding="utf-8")  # an editor's lock
    (folder / ".git").mkdir()
    (folder / ".git" / "index").write_text("x", encoding="utf-8")
    assert not events.changed()
    (folder / "models" / "a.yaml").write_text("name: D\n", encoding="utf-8")
    assert events.changed()


def test_the_descriptor_is_readable_when_something_changed(watched):
    """The server's event loop waits on it: no thread, no polling."""
    import select

    folder, events = watched
    assert select.select([events.fd], [], [], 0)[0] == []
    (folder / "models" / "a.yaml").write_text("name: C\n", encoding="utf-8")
    assert select.select([events.fd], [], [], 1)[0] == [events.fd]


def test_a_watched_folder_deleted_and_made_again_is_watched_again(watched):
    folder, events = watched
    (folder / "models" / "a.yaml").unlink()
    (folder / "models").rmdir()
    assert events.changed()
    (folder / "models").mkdir()
    assert events.changed()  # the parent, watched too, saw it made
    (folder / "models" / "b.yaml").write_text("name: B\n", encoding="utf-8")
    assert events.changed()


def test_a_root_deleted_and_made_again_is_watched_again(tmp_path):
    root = tmp_path / "templates"
    root.mkdir()
    events = FolderEvents([root])
    try:
        root.rmdir()
        assert events.changed()
        root.mkdir()
        events.changed()  # what the server reads before its rebuild: the root is watched again
        (root / "base.html").write_text("<p>", encoding="utf-8")
        assert events.changed()
    finally:
        events.close()


def test_recorded_events_name_the_files_or_say_they_cannot(tmp_path):
    """What a long-lived builder's load asks (load.LoadMemo): the files changed since it last asked,
    hidden ones too; None once a folder was made, moved or deleted, after which names are given again."""
    models = tmp_path / "models"
    models.mkdir()
    (models / "a.yaml").write_text("name: A\n", encoding="utf-8")
    events = FolderEvents([tmp_path, models], record=True)
    try:
        assert events.take_touched() == set()
        (models / "a.yaml").write_text("name: B\n", encoding="utf-8")
        (models / ".b.yaml.swp").write_text("x", encoding="utf-8")
        os.replace(models / ".b.yaml.swp", models / "b.yaml")  # an editor's save by rename
        (tmp_path / "site.yaml").write_text("title: T\n", encoding="utf-8")
        assert events.take_touched() == {f"{models}/a.yaml", f"{models}/.b.yaml.swp", f"{models}/b.yaml",
                                         f"{tmp_path}/site.yaml"}
        assert events.take_touched() == set()
        (models / "sub").mkdir()
        (models / "a.yaml").unlink()
        assert events.take_touched() is None
        (models / "b.yaml").unlink()
        assert events.take_touched() == {f"{models}/b.yaml"}
    finally:
        events.close()
