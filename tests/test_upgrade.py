"""Upgrading a real library file of schema version 1 keeps everything a person put in it.

`fixtures/library-v1.sqlite` was written by ReadingList at schema version 1 (commit 25342c8)
through its command line: the three hf-text samples and the daily page imported, statuses,
ratings, notes (one with non-ASCII text), tags, two reading lists in a chosen order, citation
keys issued by two BibTeX exports, a merge and a saved search. It is kept as it was; each test
upgrades a copy with every migration this version has, plus one from a future version.
"""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from readinglist.core import database, migrations
from readinglist.core.library import Library

FIXTURE = Path(__file__).parent / "fixtures" / "library-v1.sqlite"
# A later version's step: a new column and a new table, as real schema changes are.
FUTURE_STEP = """
ALTER TABLE papers ADD COLUMN future_field TEXT;
CREATE TABLE future_feature (id INTEGER PRIMARY KEY, paper_id INTEGER REFERENCES papers(id));
"""

WHAT_PEOPLE_OWN = {
    "papers": "SELECT id, title, arxiv_id, status, rating, notes, citation_key, added_at "
    "FROM papers ORDER BY id",
    "tags": "SELECT p.paper_id, t.name FROM paper_tags p JOIN tags t ON t.id = p.tag_id "
    "ORDER BY 1, 2",
    "lists": "SELECT l.name, l.description, i.paper_id, i.position FROM reading_lists l "
    "JOIN list_items i ON i.list_id = l.id ORDER BY 1, 4",
    "searches": 'SELECT name, "query" FROM saved_searches ORDER BY name',
    "sources": "SELECT id, name, sha256, format FROM sources ORDER BY id",
    "appearances": "SELECT paper_id, source_id, position FROM appearances ORDER BY 2, 3",
    "abstracts": "SELECT rowid, abstract FROM papers_fts ORDER BY rowid",
}


def snapshot(path: Path) -> dict[str, list[tuple[object, ...]]]:
    connection = sqlite3.connect(path)
    try:
        return {name: connection.execute(sql).fetchall() for name, sql in WHAT_PEOPLE_OWN.items()}
    finally:
        connection.close()


@pytest.fixture
def v1_copy(tmp_path: Path) -> Path:
    path = tmp_path / "library.sqlite"
    shutil.copyfile(FIXTURE, path)
    return path


def test_the_fixture_is_a_version_1_library_holding_what_people_own() -> None:
    connection = sqlite3.connect(f"file:{FIXTURE}?mode=ro", uri=True)
    try:
        assert connection.execute("PRAGMA user_version").fetchone() == (1,)
    finally:
        connection.close()
    held = snapshot(FIXTURE)
    assert len(held["papers"]) == 341
    assert 20 in {row[0] for row in held["papers"]} and 21 not in {row[0] for row in held["papers"]}
    assert any(row[5] for row in held["papers"]) and any(row[6] for row in held["papers"])
    assert held["lists"] and held["tags"] and held["searches"]


def test_upgrading_keeps_every_paper_note_tag_list_place_key_and_source(
    v1_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = snapshot(v1_copy)
    steps = (*migrations.MIGRATIONS, FUTURE_STEP)
    monkeypatch.setattr(database, "MIGRATIONS", steps)
    monkeypatch.setattr(database, "SCHEMA_VERSION", len(steps))

    library = Library(v1_copy, create=False)
    try:
        assert snapshot(v1_copy) == before
        first = library.get(1)
        assert first.notes == "Compare with **ZeRO**. ünïcode ✓"
        assert first.rating == 5 and first.status == "read"
        assert sorted(first.tags) == ["deep learning", "to-read"]
        assert library.list_paper_ids("Reading group") == [3, 1, 2]
        # Keys issued before the upgrade are the keys after it; new ones still avoid them.
        old_keys = {row[0]: row[6] for row in before["papers"] if row[6]}
        assert library.issue_citation_keys(list(old_keys)) == old_keys
        # The full-text index came through: a word search finds what it found before.
        assert library.search_ids("rlhf") == library.search_ids("RLHF") != []
        # New writes work on the upgraded file.
        library.add_tags([1], ["after-upgrade"])
    finally:
        library.close()

    connection = sqlite3.connect(v1_copy)
    try:
        assert connection.execute("PRAGMA user_version").fetchone() == (len(steps),)
        assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert connection.execute("SELECT count(*) FROM future_feature").fetchone() == (0,)
    finally:
        connection.close()
    # The file as it was is kept beside it, before any step ran.
    backups = list(v1_copy.parent.glob("library.sqlite.backup-*"))
    assert len(backups) == 1
    assert snapshot(backups[0]) == before


def test_a_failing_step_leaves_the_file_as_it_was(
    v1_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = snapshot(v1_copy)
    steps = (*migrations.MIGRATIONS, FUTURE_STEP + "\nINSERT INTO no_such_table VALUES (1);")
    monkeypatch.setattr(database, "MIGRATIONS", steps)
    monkeypatch.setattr(database, "SCHEMA_VERSION", len(steps))
    with pytest.raises(Exception, match="no_such_table"):
        Library(v1_copy, create=False)
    connection = sqlite3.connect(v1_copy)
    try:
        assert connection.execute("PRAGMA user_version").fetchone() == (1,)
        columns = [row[1] for row in connection.execute("PRAGMA table_info(papers)")]
        assert "future_field" not in columns
    finally:
        connection.close()
    assert snapshot(v1_copy) == before
