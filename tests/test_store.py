"""The library store: identity, fill-in, provenance, transactions, migrations, undo."""

from __future__ import annotations

import datetime as dt
import hashlib
import shutil
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import Connection, event, inspect

import readinglist.core.importing as importing
from readinglist.core.database import APPLICATION_ID, READ_CACHE, WRITE_CACHE
from readinglist.core.entries import DatePrecision, ParsedPaper, ParseResult
from readinglist.core.errors import ImportCancelled, LibraryOpenError, UserError
from readinglist.core.library import Library
from readinglist.core.migrations import MIGRATIONS, SCHEMA_VERSION
from readinglist.core.models import Base
from readinglist.core.records import ReadingStatus
from readinglist.core.summary import Outcome
from tests.conftest import HF_TEXT_SAMPLES
from tests.helpers import import_file


@pytest.fixture
def library(tmp_path: Path) -> Library:
    lib = Library(tmp_path / "library.sqlite")
    yield lib  # type: ignore[misc]
    lib.close()


def store(
    library: Library,
    *papers: ParsedPaper,
    name: str = "page.html",
    fmt: str = "test",
    list_name: str | None = None,
):  # type: ignore[no-untyped-def]
    result = ParseResult(format=fmt, papers=list(papers))
    digest = hashlib.sha256(repr(papers).encode()).hexdigest()
    return library.import_result(
        result, file_name=name, file_path=None, sha256=digest, list_name=list_name
    )


def test_importing_the_three_samples_gives_311_distinct_papers_and_reimport_adds_none(
    library: Library,
) -> None:
    for path in HF_TEXT_SAMPLES:
        import_file(library, path, year=2025)
    assert library.count() == 311
    for path in HF_TEXT_SAMPLES:
        summary = import_file(library, path, year=2025)
        assert summary.count(Outcome.NEW) == 0
        assert summary.same_file_seen_before
    assert library.count() == 311
    # Every sighting is kept: 334 entries in all, no duplicate appearance on re-import.
    assert sum(s.paper_count for s in library.sources()) == 334


def test_a_second_sighting_fills_empty_fields_and_never_touches_user_data(
    library: Library,
) -> None:
    store(
        library,
        ParsedPaper(
            title="Scaling Laws: A Study", line=1, abstract="Old abstract.", authors_count=3
        ),
    )
    (paper_id,) = library.search_ids("")
    library.set_status([paper_id], "read")
    library.set_rating([paper_id], 4)
    library.set_notes(paper_id, "my *notes*")
    library.add_tags([paper_id], ["theory"])
    library.add_to_list("Thesis", [paper_id], create=True)
    summary = store(
        library,
        ParsedPaper(
            title="Scaling laws — a study",
            line=7,
            abstract="New abstract.",
            arxiv_id="2001.08361",
            authors=["Jared Kaplan", "Sam McCandlish"],
            upvotes=12,
            published=dt.date(2020, 1, 23),
            published_precision=DatePrecision.DAY,
        ),
        name="second.html",
    )
    assert summary.count(Outcome.ENRICHED) == 1 and library.count() == 1
    paper = library.get(paper_id)
    assert paper.abstract == "Old abstract."  # filled only when empty
    assert paper.arxiv_id == "2001.08361"
    assert paper.url == "https://arxiv.org/abs/2001.08361"
    assert paper.authors == ["Jared Kaplan", "Sam McCandlish"]
    assert paper.authors_count == 3  # the first page said 3; kept
    assert paper.upvotes == 12 and paper.published == dt.date(2020, 1, 23)
    assert (paper.status, paper.rating, paper.notes) == (ReadingStatus.READ, 4, "my *notes*")
    assert paper.tags == ["theory"] and paper.lists == ["Thesis"]
    assert [s.name for s in paper.sources] == ["page.html", "second.html"]


def test_different_arxiv_ids_are_different_papers_even_with_one_title(library: Library) -> None:
    store(
        library,
        ParsedPaper(title="Attention", line=1, arxiv_id="1706.03762"),
        ParsedPaper(title="Attention", line=5, arxiv_id="2101.00001"),
    )
    assert library.count() == 2


def test_same_paper_twice_on_one_page_is_one_paper_with_two_appearances(
    library: Library,
) -> None:
    summary = store(
        library, ParsedPaper(title="Twice", line=1), ParsedPaper(title="TWICE!", line=9, upvotes=3)
    )
    assert [e.outcome for e in summary.entries] == [Outcome.NEW, Outcome.PRESENT]
    (paper,) = library.search()
    assert paper.upvotes == 3
    assert [s.position for s in paper.sources] == [1, 2]


def test_near_identical_titles_are_reported_not_merged(library: Library) -> None:
    store(library, ParsedPaper(title="Image Pre-training via Degradation Classification", line=1))
    summary = store(
        library,
        ParsedPaper(title="Image Pre-training via Masked Degradation Classification", line=3),
        name="b",
    )
    assert library.count() == 2
    (dup,) = summary.possible_duplicates
    assert dup.line == 3 and dup.other_title.startswith("Image Pre-training via Degradation")


def test_merge_keeps_every_appearance_tag_list_and_note(library: Library) -> None:
    store(
        library,
        ParsedPaper(title="One", line=1, authors_count=2),
        ParsedPaper(title="One, revised", line=2, arxiv_id="2401.00001"),
    )
    first, second = sorted(library.search_ids(""))
    library.set_notes(first, "note A")
    library.set_notes(second, "note B")
    library.add_tags([first], ["a"])
    library.add_tags([second], ["b"])
    library.add_to_list("L", [second], create=True)
    merged = library.merge(first, second)
    assert library.count() == 1
    assert merged.notes == "note A\n\nnote B"
    assert merged.tags == ["a", "b"] and merged.lists == ["L"]
    assert merged.arxiv_id == "2401.00001" and merged.authors_count == 2
    assert len(merged.sources) == 2
    with pytest.raises(UserError, match="itself"):
        library.merge(first, first)


def test_a_failure_mid_import_leaves_the_file_byte_for_byte_unchanged(tmp_path: Path) -> None:
    path = tmp_path / "library.sqlite"
    library = Library(path)
    import_file(library, HF_TEXT_SAMPLES[0], year=2025)
    library.close()
    before = hashlib.sha256(path.read_bytes()).hexdigest()

    library = Library(path)
    calls = 0

    def cancel_after_a_while() -> bool:
        nonlocal calls
        calls += 1
        return calls > 1

    from readinglist.importers import parse_listing, read_listing

    listing = read_listing(HF_TEXT_SAMPLES[1])
    with pytest.raises(ImportCancelled):
        library.import_result(
            parse_listing(listing),
            file_name=listing.name,
            file_path=None,
            sha256=listing.sha256,
            list_name="new list",
            cancelled=cancel_after_a_while,
        )

    def explode(done: int, total: int) -> None:
        raise RuntimeError("disk on fire")

    with pytest.raises(RuntimeError):
        library.import_result(
            parse_listing(listing),
            file_name=listing.name,
            file_path=None,
            sha256=listing.sha256,
            progress=explode,
        )
    assert library.count() == 164 and library.lists() == [] and len(library.sources()) == 1
    library.close()
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before


def test_dry_run_reports_and_stores_nothing(library: Library) -> None:
    summary = import_file(library, HF_TEXT_SAMPLES[0], year=2025, dry_run=True)
    assert summary.count(Outcome.NEW) == 164
    assert library.count() == 0 and library.sources() == []


def test_import_into_a_list_keeps_page_order(library: Library) -> None:
    summary = import_file(library, HF_TEXT_SAMPLES[2], year=2025, list_name="Reading group")
    assert library.list_paper_ids("Reading group") == summary.paper_ids
    assert len(summary.paper_ids) == 72


def test_delete_and_restore_bring_back_everything(library: Library) -> None:
    import_file(library, HF_TEXT_SAMPLES[1], year=2025, list_name="L")
    ids = library.search_ids("", limit=3)
    library.add_tags(ids, ["keep"])
    library.set_notes(ids[0], "zqxjnote")
    before = library.get_many(ids)
    snapshot = library.delete_papers(ids)
    assert library.count() == 95 and library.search_ids("tag:keep") == []
    assert library.search_ids("zqxjnote") == []
    library.restore(snapshot)
    assert library.get_many(ids) == before
    assert library.search_ids("zqxjnote") == [ids[0]]
    assert library.list_paper_ids("L") == import_file(library, HF_TEXT_SAMPLES[1]).paper_ids


def test_lists_tags_and_saved_searches(library: Library) -> None:
    import_file(library, HF_TEXT_SAMPLES[1], year=2025)
    ids = library.search_ids("sort:title", limit=3)
    library.create_list("Week 1", "papers for Monday")
    assert library.add_to_list("week 1", [ids[2], ids[0]]) == 2
    assert library.add_to_list("Week 1", [ids[0], ids[1]]) == 1
    assert library.list_paper_ids("Week 1") == [ids[2], ids[0], ids[1]]
    library.move_in_list("Week 1", [ids[0], ids[1], ids[2]])
    assert library.list_paper_ids("Week 1") == ids
    with pytest.raises(UserError, match="already exists"):
        library.create_list("WEEK 1")
    library.rename_list("Week 1", "Week one")
    assert [(entry.name, entry.count) for entry in library.lists()] == [("Week one", 3)]
    library.remove_from_list("Week one", [ids[1]])
    assert library.list_paper_ids("Week one") == [ids[0], ids[2]]
    # Positions with a gap (ids[1] left): a new order is still exactly the one given.
    library.move_in_list("Week one", [ids[2], ids[0]])
    assert library.list_paper_ids("Week one") == [ids[2], ids[0]]
    with pytest.raises(UserError, match="exactly the papers"):
        library.move_in_list("Week one", [ids[2], ids[1]])
    with pytest.raises(UserError, match="exactly the papers"):
        library.move_in_list("Week one", [ids[2], ids[0], ids[0]])
    library.move_in_list("Week one", [ids[0], ids[2]])
    library.delete_list("Week one")
    assert library.lists() == [] and library.count() == 98
    library.add_tags(ids, ["ML", "to read"])
    library.remove_tags(ids[:1], ["ml"])
    assert library.get(ids[0]).tags == ["to read"]
    assert [(t.name, t.count) for t in library.tags()] == [("ML", 2), ("to read", 3)]
    with pytest.raises(UserError, match="no commas"):
        library.add_tags(ids, ["a,b"])
    library.save_search("Unread speech", "status:unread speech")
    assert [s.detail for s in library.saved_searches()] == ["status:unread speech"]


def test_schema_matches_the_declared_models(library: Library) -> None:
    inspector = inspect(library.engine)
    for table in Base.metadata.sorted_tables:
        stored = {column["name"] for column in inspector.get_columns(table.name)}
        assert stored == {column.name for column in table.columns}, table.name


def test_a_newer_library_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "future.sqlite"
    Library(path).close()
    with sqlite3.connect(path) as connection:
        connection.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    with pytest.raises(LibraryOpenError, match="newer ReadingList"):
        Library(path)


def test_foreign_and_corrupt_files_are_refused(tmp_path: Path) -> None:
    other = tmp_path / "other.sqlite"
    with sqlite3.connect(other) as connection:
        connection.execute("CREATE TABLE t (x)")
    with pytest.raises(LibraryOpenError, match="not a ReadingList library"):
        Library(other)
    junk = tmp_path / "junk.sqlite"
    junk.write_bytes(b"this is not sqlite at all" * 100)
    with pytest.raises(LibraryOpenError, match="not an SQLite database"):
        Library(junk)


def test_migration_backs_up_the_file_first(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from readinglist.core import database, migrations

    path = tmp_path / "library.sqlite"
    Library(path).close()
    extra = "CREATE TABLE later_feature (id INTEGER PRIMARY KEY);"
    monkeypatch.setattr(database, "MIGRATIONS", (*migrations.MIGRATIONS, extra))
    monkeypatch.setattr(database, "SCHEMA_VERSION", SCHEMA_VERSION + 1)
    Library(path).close()
    backups = list(tmp_path.glob("library.sqlite.backup-*"))
    assert len(backups) == 1
    with sqlite3.connect(backups[0]) as connection:
        assert connection.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    with sqlite3.connect(path) as connection:
        assert connection.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION + 1
        assert connection.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID


def _paper_indexes(path: Path) -> set[str]:
    connection = sqlite3.connect(path)
    try:
        rows = connection.execute(
            "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'papers'"
        )
        return {name for (name,) in rows}
    finally:
        connection.close()


@pytest.fixture
def bulk_at_100(monkeypatch: pytest.MonkeyPatch) -> None:
    """The bulk-import paths (index rebuild, statistics, background checkpoint) from 100
    new papers instead of thousands, so a test exercises them in a fraction of a second."""
    monkeypatch.setattr(importing, "BULK_REINDEX_MIN", 100)
    monkeypatch.setattr(importing, "REANALYZE_THRESHOLD", 100)


def _synthetic(count: int) -> list[ParsedPaper]:
    return [
        ParsedPaper(
            title=f"Synthetic paper number {n}",
            line=n,
            abstract=f"token{n} shared",
            upvotes=n % 97,
            published=dt.date(2020 + n % 5, 1 + n % 12, 1),
            published_precision=DatePrecision.DAY,
        )
        for n in range(1, count + 1)
    ]


@pytest.mark.usefixtures("bulk_at_100")
def test_a_bulk_import_is_indexed_sorted_and_written_like_a_small_one(
    library: Library, tmp_path: Path
) -> None:
    indexes = _paper_indexes(library.path)
    store(library, *_synthetic(800))
    assert library.count() == 800
    assert len(library.search_ids("shared")) == 800
    assert [library.get(i).title for i in library.search_ids("token799")] == [
        "Synthetic paper number 799"
    ]
    # The indexes dropped for the bulk insert are all back, and sorts read them correctly.
    assert _paper_indexes(library.path) == indexes
    by_upvotes = [p.upvotes for p in library.search("sort:-upvotes", limit=800)]
    assert by_upvotes == sorted(by_upvotes, reverse=True) and by_upvotes[0] == 96
    # The import reached the library file itself, not only its WAL: a copy of the file
    # alone (as a backup tool would take once the app is idle) holds every paper.
    library.wait_for_checkpoint()
    copy = tmp_path / "copy.sqlite"
    shutil.copyfile(library.path, copy)
    connection = sqlite3.connect(copy)
    assert connection.execute("SELECT count(*) FROM papers").fetchone() == (800,)
    connection.close()
    # Later small imports are stored and found as usual.
    store(library, ParsedPaper(title="Afterwards", line=1, abstract="lonelyword"), name="b")
    assert len(library.search_ids("lonelyword")) == 1


@pytest.mark.usefixtures("bulk_at_100")
def test_a_failed_bulk_import_keeps_the_indexes_and_stores_nothing(library: Library) -> None:
    indexes = _paper_indexes(library.path)

    def explode(done: int, total: int) -> None:
        if done == total:  # after the papers went in and the indexes were rebuilt
            raise RuntimeError("disk on fire")

    result = ParseResult(format="test", papers=_synthetic(300))
    with pytest.raises(RuntimeError):
        library.import_result(
            result, file_name="big.html", file_path=None, sha256="0" * 64, progress=explode
        )
    assert library.count() == 0 and library.sources() == []
    assert _paper_indexes(library.path) == indexes


@pytest.mark.usefixtures("bulk_at_100")
def test_a_committed_bulk_import_stays_a_success_when_its_statistics_cannot_be_refreshed(
    library: Library, caplog: pytest.LogCaptureFixture
) -> None:
    def no_analyze(action: int, *_args: object) -> int:
        return sqlite3.SQLITE_DENY if action == sqlite3.SQLITE_ANALYZE else sqlite3.SQLITE_OK

    library.engine.dispose()  # every connection from now on refuses ANALYZE
    event.listen(library.engine, "connect", lambda dbapi, _record: dbapi.set_authorizer(no_analyze))
    summary = store(library, *_synthetic(150))
    assert summary.count(Outcome.NEW) == 150
    assert library.count() == 150 and len(library.search_ids("shared")) == 150
    assert "statistics" in caplog.text
    library.wait_for_checkpoint()


def test_new_libraries_use_8_kb_pages_and_older_4_kb_ones_keep_working(tmp_path: Path) -> None:
    fresh = Library(tmp_path / "new.sqlite")
    store(fresh, ParsedPaper(title="One", line=1, abstract="word"))
    fresh.close()
    old_path = tmp_path / "old.sqlite"
    connection = sqlite3.connect(old_path)
    connection.executescript(
        f"PRAGMA page_size = 4096;\n{MIGRATIONS[0]}\nPRAGMA application_id = {APPLICATION_ID};\n"
        "PRAGMA user_version = 1;"
    )
    connection.close()
    old = Library(old_path)
    store(old, ParsedPaper(title="One", line=1, abstract="word"))
    assert old.search_ids("word") == [1]
    old.close()
    for path, size in ((tmp_path / "new.sqlite", 8192), (old_path, 4096)):
        connection = sqlite3.connect(path)
        assert connection.execute("PRAGMA page_size").fetchone() == (size,)
        connection.close()


def test_a_write_has_a_big_page_cache_and_readers_a_small_one(library: Library) -> None:
    """Readers (one per window worker thread) keep 8 MB of page cache; a write's transaction
    has 32 MB, and its connection goes back to 8 MB when the write is done."""

    def cache_size(c: Connection) -> int:
        return int(c.exec_driver_sql("PRAGMA cache_size").scalar_one())

    with library.store.read() as c:
        assert cache_size(c) == READ_CACHE
    with library.store.write() as c:
        assert cache_size(c) == WRITE_CACHE
    library.set_rating(library.search_ids("", None)[:1], 3)  # a write like any other
    pool = library.engine.pool
    # Every connection back in the pool, the writers' included, is a reader's size again.
    held = [library.engine.connect() for _ in range(pool.checkedin())]
    try:
        assert held and {cache_size(c) for c in held} == {READ_CACHE}
    finally:
        for c in held:
            c.close()
