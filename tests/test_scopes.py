"""Sidebar scopes select exactly their papers (Qt-free)."""

from __future__ import annotations

from pathlib import Path

from readinglist.core import scopes
from readinglist.core.library import Library
from readinglist.core.records import ReadingStatus
from tests.conftest import HF_TEXT_SAMPLES
from tests.helpers import import_file


def test_scopes(tmp_path: Path) -> None:
    library = Library(tmp_path / "library.sqlite")
    for path in HF_TEXT_SAMPLES:
        summary = import_file(library, path, year=2025)
        # Imports a second apart share timestamps; the scope must still name this one's papers.
        assert set(library.search_ids("", scope_sql=scopes.last_import_scope())) == set(
            summary.new_ids
        )
        assert library.count(scopes.last_import_scope()) == len(summary.new_ids)
    ids = library.search_ids("")
    library.set_status(ids[:3], ReadingStatus.READ)
    assert set(library.search_ids("", scope_sql=scopes.status_scope(ReadingStatus.READ))) == set(
        ids[:3]
    )
    list_id = library.create_list("Thesis")
    library.add_to_list("Thesis", ids[5:7])
    assert set(library.search_ids("", scope_sql=scopes.list_scope(list_id))) == set(ids[5:7])
    library.add_tags(ids[:2], ["agents"])
    tag_id = library.tags()[0].id
    assert set(library.search_ids("", scope_sql=scopes.tag_scope(tag_id))) == set(ids[:2])
    source = library.sources()[1]
    assert library.count(scopes.source_scope(source.id)) == source.paper_count
    library.close()
