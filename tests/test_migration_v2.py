"""Version 2 (the tags index) upgrades a version-1 library in place."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from readinglist.core import database, migrations
from readinglist.core.library import Library
from tests.conftest import HF_TEXT_SAMPLES
from tests.helpers import import_file


def test_a_version_1_library_upgrades_and_still_finds_everything(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "library.sqlite"
    with monkeypatch.context() as patch:
        patch.setattr(database, "MIGRATIONS", migrations.MIGRATIONS[:1])
        patch.setattr(database, "SCHEMA_VERSION", 1)
        old = Library(path)
        import_file(old, HF_TEXT_SAMPLES[0], year=2025)
        ids = old.search_ids("l", None)
        old.add_tags(ids[:2], ["later"])
        old.close()
    library = Library(path)
    assert library.search_ids("l", None) == ids
    assert set(library.search_ids("tag:later", None)) == set(ids[:2])
    library.close()
    with sqlite3.connect(path) as connection:
        assert connection.execute("PRAGMA user_version").fetchone()[0] == 2
        indexes = {r[1] for r in connection.execute("PRAGMA index_list(papers)")}
        assert "ix_papers_tags" in indexes
