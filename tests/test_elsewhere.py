"""A big drop is read, parsed and imported (or dry-run) in a child process: the same papers,
the same outcomes and the same errors as in this process, and Cancel stores nothing."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from readinglist.core.errors import ImportCancelled, UserError
from readinglist.core.library import Library
from readinglist.importers import ParseOptions, parse_listing, read_listing
from readinglist.importers.elsewhere import import_elsewhere, unread
from tests.conftest import HF_TEXT_SAMPLES
from tests.helpers import import_file


@pytest.fixture
def library(tmp_path: Path) -> Iterator[Library]:
    lib = Library(tmp_path / "library.sqlite")
    yield lib
    lib.close()


def test_a_child_dry_runs_what_this_process_would(library: Library, tmp_path: Path) -> None:
    path = HF_TEXT_SAMPLES[0]
    import_file(library, HF_TEXT_SAMPLES[1])  # some of the first page's papers are there
    here = read_listing(path)
    expected = import_file(library, path, year=2025, dry_run=True)
    before = library.count()

    done = import_elsewhere(library.path, [unread(path)], 2025, dry_run=True)

    [listing], [result], [summary] = done.listings, done.results, done.summaries
    assert summary.entries == expected.entries and summary.dry_run
    assert result.papers == []  # the papers stay in the child
    parsed = parse_listing(here, ParseOptions(year=2025))
    assert done.papers == [len(parsed.papers)]
    assert done.columns == [[paper.column for paper in parsed.papers]]
    assert listing.sha256 == here.sha256 and listing.path == path and listing.text == ""
    assert library.count() == before  # a dry run writes nothing


def test_a_child_imports_the_whole_drop_at_once(library: Library) -> None:
    pasted = read_listing(HF_TEXT_SAMPLES[1])
    done = import_elsewhere(
        library.path, [unread(HF_TEXT_SAMPLES[0]), pasted], None, dry_run=False, list_name="Big"
    )
    new = [paper_id for summary in done.summaries for paper_id in summary.new_ids]
    assert library.count() == len(new) > 0
    assert sorted(library.list_paper_ids("Big")) == sorted(library.search_ids(""))


def test_errors_come_back_as_one_sentence(library: Library, tmp_path: Path) -> None:
    junk = tmp_path / "notes.txt"
    junk.write_text("milk\neggs\n")
    done = import_elsewhere(
        library.path, [unread(junk), unread(tmp_path / "gone.txt")], None, dry_run=True
    )
    assert done.summaries == [] and len(done.errors) == 2
    assert done.errors[0].startswith("notes.txt: this does not look like a listing")
    assert "no such file" in done.errors[1]


def test_a_file_changed_since_its_preview_is_not_imported(library: Library, tmp_path: Path) -> None:
    page = tmp_path / "page.txt"
    page.write_bytes(HF_TEXT_SAMPLES[0].read_bytes())
    done = import_elsewhere(library.path, [unread(page)], None, dry_run=True)
    page.write_bytes(HF_TEXT_SAMPLES[1].read_bytes())
    again = import_elsewhere(library.path, done.listings, 2024, dry_run=True)
    assert "changed since it was read" in again.errors[0]
    with pytest.raises(UserError, match=r"changed since it was read.*Nothing was imported"):
        import_elsewhere(library.path, done.listings, None, dry_run=False)
    assert library.count() == 0


def test_cancel_stops_the_child_and_stores_nothing(library: Library) -> None:
    with pytest.raises(ImportCancelled):
        import_elsewhere(
            library.path, [unread(HF_TEXT_SAMPLES[0])], None, dry_run=False, cancelled=lambda: True
        )
    assert library.count() == 0


def test_cancel_during_the_import_rolls_it_back(library: Library, tmp_path: Path) -> None:
    import sys

    benchmarks = str(Path(__file__).resolve().parents[1] / "benchmarks")
    sys.path.insert(0, benchmarks)
    try:
        from synthetic import entries, hf_text_page
    finally:
        sys.path.remove(benchmarks)
    page = tmp_path / "big page.txt"
    page.write_text(hf_text_page(entries(3000, seed=5)), encoding="utf-8")
    importing: list[int] = []

    def progress(done: int, total: int, text: str | None = None) -> None:
        if text is None and done < total:
            importing.append(done)  # the child has begun storing papers: Cancel now

    with pytest.raises(ImportCancelled):
        import_elsewhere(
            library.path, [unread(page)], None, dry_run=False, progress=progress,
            cancelled=lambda: bool(importing),
        )  # fmt: skip
    assert importing and library.count() == 0
