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


def test_the_last_import_is_every_file_of_it(tmp_path: Path) -> None:
    from readinglist.core.importing import ImportRequest
    from readinglist.importers import ParseOptions, parse_listing, read_listing

    library = Library(tmp_path / "library.sqlite")
    import_file(library, HF_TEXT_SAMPLES[0], year=2025)
    requests = []
    for path in HF_TEXT_SAMPLES[1:]:
        listing = read_listing(path)
        result = parse_listing(listing, ParseOptions(year=2025))
        requests.append(ImportRequest(result, listing.name, str(path), listing.sha256))
    summaries = library.import_many(requests)  # a drop of several files: one import
    new = {paper_id for summary in summaries for paper_id in summary.new_ids}
    assert len(new) > len(summaries[-1].new_ids) > 0
    assert set(library.search_ids("", scope_sql=scopes.last_import_scope())) == new
    # Importing a page again adds nothing: nothing is new in that import.
    import_file(library, HF_TEXT_SAMPLES[0], year=2025)
    assert library.count(scopes.last_import_scope()) == 0
    library.close()
