"""A reading group's shared library on PostgreSQL: the same library as a file, many members.

Everything runs against the test session's private PostgreSQL server (tests/postgres.py); the
members are real roles, the concurrent ones real processes.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from readinglist.core.errors import LibraryOpenError, StaleEdit, UserError
from readinglist.core.library import Library
from readinglist.core.records import ReadingStatus
from readinglist.exporters.bibtex import export_bibtex
from tests.conftest import HF_TEXT_SAMPLES
from tests.helpers import import_file
from tests.postgres import MemberUrl
from tests.test_concurrency import ROOT, Together, assert_clean, cli


@pytest.fixture
def shared(pg_url: str) -> Iterator[Library]:
    library = Library(pg_url)
    yield library
    library.close()


def pg_rows(url: str, sql: str) -> list[tuple[object, ...]]:
    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    try:
        with engine.connect() as c:
            return [tuple(r) for r in c.execute(text(sql))]
    finally:
        engine.dispose()


def fill(library: Library) -> None:
    for sample in HF_TEXT_SAMPLES:
        import_file(library, sample, year=2025)


def snapshot(library: Library) -> list[tuple[object, ...]]:
    """What a person sees of every paper, in id order."""
    return [
        (
            r.id,
            r.title,
            r.arxiv_id,
            r.published,
            r.published_precision,
            r.authors,
            r.authors_count,
            r.organization,
            r.upvotes,
            r.code_urls,
            r.abstract,
            r.tags,
            r.notes,
            r.lists,
            [(s.name, s.position) for s in r.sources],
        )
        for r in library.get_many(range(1, 1000))
    ]


def test_a_shared_library_holds_exactly_what_a_file_holds(tmp_path: Path, shared: Library) -> None:
    local = Library(tmp_path / "library.sqlite")
    try:
        for library in (local, shared):
            fill(library)
            library.add_tags([1, 2, 3], ["survey", "To Read"])
            library.remove_tags([2], ["survey"])
            library.add_to_list("Journal club", [5, 3, 1], create=True)
            library.move_in_list("Journal club", [1, 5, 3])
            library.set_notes(4, "Read §3 first — the ablation")
            library.save_search("Efficient", "efficient -survey")
            library.merge(6, 7)
            deleted = library.delete_papers([8, 9])
            library.restore(deleted)
        assert local.count() == shared.count() == 310
        assert snapshot(local) == snapshot(shared)
        assert [(t.name, t.count) for t in local.tags()] == [
            (t.name, t.count) for t in shared.tags()
        ]
        assert local.list_paper_ids("journal CLUB") == shared.list_paper_ids("Journal club")
        assert [(s.name, s.detail) for s in local.saved_searches()] == [
            (s.name, s.detail) for s in shared.saved_searches()
        ]
        assert [(s.name, s.paper_count) for s in local.sources()] == [
            (s.name, s.paper_count) for s in shared.sources()
        ]
        # The same stable citation keys, so a bibliography does not depend on the backend.
        ids = local.list_paper_ids("Journal club")
        texts = [
            export_bibtex(
                lib.get_many(ids),
                keys=lib.issue_citation_keys(ids),
                include_abstracts=True,
                include_notes=True,
            )
            for lib in (local, shared)
        ]
        assert texts[0] == texts[1]
    finally:
        local.close()


def test_status_and_rating_are_each_members_own(
    pg_url: str, pg_member_url: MemberUrl, shared: Library
) -> None:
    fill(shared)
    bob = Library(pg_member_url(pg_url, "bob"))
    try:
        shared.set_status([1, 2], ReadingStatus.READ)
        shared.set_rating([1], 5)
        bob.set_status([2, 3], ReadingStatus.READING)
        assert shared.get(1).status is ReadingStatus.READ and shared.get(1).rating == 5
        assert bob.get(1).status is ReadingStatus.UNREAD and bob.get(1).rating == 0
        assert bob.get(2).status is ReadingStatus.READING
        assert shared.status_counts()["read"] == 2
        assert bob.status_counts()["read"] == 0 and bob.status_counts()["reading"] == 2
        # Shared fields are the group's: bob's note is alice's note.
        bob.set_notes(1, "bob: see the appendix")
        assert shared.get(1).notes == "bob: see the appendix"
        # A status is not an edit of the paper: nobody's version moves.
        assert shared.get(2).version == bob.get(2).version
        # Deleting a paper and undoing it brings back every member's status, not only one's.
        shared.restore(shared.delete_papers([1, 2]))
        assert shared.get(1).status is ReadingStatus.READ and shared.get(1).rating == 5
        assert bob.get(2).status is ReadingStatus.READING
    finally:
        bob.close()


def test_who_has_read_a_paper(pg_url: str, pg_member_url: MemberUrl, shared: Library) -> None:
    fill(shared)
    bob = Library(pg_member_url(pg_url, "bob"))
    try:
        shared.set_status([1], ReadingStatus.READ)
        bob.set_status([1, 2], ReadingStatus.READ)
        readers = shared.readers([1, 2, 3])
        assert {k: sorted(v) for k, v in readers.items()} == {
            1: sorted([pg_member(pg_url), "bob"]),
            2: ["bob"],
        }
    finally:
        bob.close()


def pg_member(url: str) -> str:
    return str(make_url(url).username)


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_an_edit_on_notes_changed_elsewhere_is_refused_with_theirs_shown(
    backend: str, tmp_path: Path, pg_url: str, pg_member_url: MemberUrl
) -> None:
    location = str(tmp_path / "library.sqlite") if backend == "sqlite" else pg_url
    other = location if backend == "sqlite" else pg_member_url(pg_url, "bob")
    mine, theirs = Library(location), Library(other)
    try:
        import_file(mine, HF_TEXT_SAMPLES[2], year=2025)
        before = mine.get(1)
        theirs.set_notes(1, "theirs", replacing="")
        with pytest.raises(StaleEdit) as refused:
            mine.set_notes(1, "mine", replacing=before.notes)
        assert refused.value.current.notes == "theirs"  # type: ignore[attr-defined]
        assert mine.get(1).notes == "theirs"
        assert mine.get(1).version > before.version
        # A change to another field is no conflict: the edit goes through.
        theirs.add_tags([1], ["later"])
        mine.set_notes(1, "theirs + mine", replacing="theirs")
        assert theirs.get(1).notes == "theirs + mine"
    finally:
        mine.close()
        theirs.close()


def test_the_first_member_creates_the_schema_and_outsiders_get_one_sentence(
    pg_url: str, pg_member_url: MemberUrl
) -> None:
    first = Library(pg_url)
    first.close()
    second = Library(pg_member_url(pg_url, "carol"))  # finds it made, by the group's role
    second.create_list("Carol's")
    second.close()
    with pytest.raises(UserError) as refused:
        outsider = Library(pg_member_url(pg_url, "mallory", in_group=False))
        try:
            outsider.create_list("Mallory's")
        finally:
            outsider.close()
    assert "Traceback" not in str(refused.value)
    assert len(str(refused.value).splitlines()) == 1


def test_a_database_holding_other_tables_is_refused(pg_url: str) -> None:
    engine = create_engine(pg_url)
    with engine.begin() as c:
        c.execute(text("CREATE TABLE papers (x int)"))
    engine.dispose()
    with pytest.raises(LibraryOpenError, match="did not make"):
        Library(pg_url)


def test_the_command_line_opens_a_url_from_the_environment(pg_url: str, tmp_path: Path) -> None:
    run = subprocess.run(
        [sys.executable, "-m", "readinglist.cli", "import", str(HF_TEXT_SAMPLES[2])],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "READINGLIST_LIBRARY": pg_url},
        timeout=120,
    )
    assert run.returncode == 0, run.stderr
    assert "added 72 new papers" in run.stdout
    assert pg_rows(pg_url, "SELECT count(*) FROM paper_data") == [(72,)]


def test_members_working_at_once_end_as_if_one_had_done_everything(
    pg_url: str, pg_member_url: MemberUrl, tmp_path: Path
) -> None:
    """Two members import overlapping pages, tag, add to one list and issue keys at once: the
    papers, tags, list entries and keys are what one member doing it all in turn gets."""
    alone = tmp_path / "alone.sqlite"
    first, second, third = map(str, HF_TEXT_SAMPLES)
    for args in (["import", first, second], ["import", second, third]):
        done = subprocess.run(
            [sys.executable, "-m", "readinglist.cli", "--library", str(alone), *args],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
        )
        assert done.returncode == 0, done.stderr
    bob = pg_member_url(pg_url, "bob")
    Library(pg_url).close()  # the schema, so both start on an existing library
    results = Together(
        [cli(pg_url, "import", first, second), cli(bob, "import", second, third)]  # type: ignore[arg-type]
    ).go()
    assert_clean(results)
    expected = Library(alone)
    group = Library(pg_url)
    try:
        assert sorted(r.title for r in expected.search("")) == sorted(
            r.title for r in group.search("")
        )
        assert group.count() == expected.count()
        ids = [str(i) for i in range(1, 41)]
        group.create_list("Group")
        bib = [tmp_path / f"out{n}.bib" for n in range(2)]
        results = Together(
            [
                cli(pg_url, "tag", *ids[:30], "+Shared"),  # type: ignore[arg-type]
                cli(bob, "tag", *ids[10:], "+shared"),  # type: ignore[arg-type]
                cli(pg_url, "list", "add", "Group", *ids[:25]),  # type: ignore[arg-type]
                cli(bob, "list", "add", "Group", *ids[15:]),  # type: ignore[arg-type]
                cli(pg_url, "export", "--format", "bibtex", "-o", str(bib[0])),  # type: ignore[arg-type]
                cli(bob, "export", "--format", "bibtex", "-o", str(bib[1])),  # type: ignore[arg-type]
            ]
        ).go()
        assert_clean(results)
        assert [t.count for t in group.tags() if t.name.lower() == "shared"] == [40]
        assert sorted(group.list_paper_ids("Group")) == list(range(1, 41))
        positions = pg_rows(
            pg_url,
            "SELECT li.position FROM list_items li JOIN reading_lists l ON l.id = li.list_id "
            "WHERE l.name = 'Group' ORDER BY li.position",
        )
        assert [p for (p,) in positions] == list(range(1, 41))
        keys = [k for (k,) in pg_rows(pg_url, "SELECT citation_key FROM paper_data")]
        assert None not in keys and len({str(k).lower() for k in keys}) == len(keys)
        exported = [sorted(x for x in b.read_text().splitlines() if x.startswith("@")) for b in bib]
        assert exported[0] == exported[1] and len(exported[0]) == len(keys)
    finally:
        expected.close()
        group.close()


def test_a_write_waits_for_another_members_and_then_says_busy_or_stops_on_cancel(
    shared: Library,
) -> None:
    from readinglist.core.errors import ImportCancelled, LibraryWriteError
    from readinglist.core.postgres import WRITE_LOCK

    other = create_engine(shared.url or "")
    try:
        with other.connect() as holder, holder.begin():
            holder.exec_driver_sql("SELECT pg_advisory_xact_lock(%s)", (WRITE_LOCK,))
            with (
                pytest.raises(LibraryWriteError, match="is busy") as busy,
                shared.store.write(busy_timeout=0.3) as c,
            ):
                c.exec_driver_sql("SELECT 1")
            assert len(str(busy.value).splitlines()) == 1
            asked: list[int] = []
            with (
                pytest.raises(ImportCancelled),
                shared.store.write(busy_timeout=30, cancelled=lambda: asked.append(1) is None) as c,
            ):
                c.exec_driver_sql("SELECT 1")
            assert asked  # the wait looked at Cancel, and stopped at once
        # The holder is gone: the lock is free again.
        shared.create_list("After")
        assert [n.name for n in shared.lists()] == ["After"]
    finally:
        other.dispose()


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_near_duplicate_titles_are_reported_alike_on_both_backends(
    backend: str, tmp_path: Path, pg_url: str
) -> None:
    from readinglist.core.entries import ParsedPaper, ParseResult

    library = Library(str(tmp_path / "library.sqlite") if backend == "sqlite" else pg_url)
    try:
        fill(library)
        page = ParseResult(
            format="synthetic",
            papers=[
                ParsedPaper(title="Image Pre-training via Degradation Classification", line=1),
                ParsedPaper(
                    title="Image Pre-training via Masked Degradation Classification", line=3
                ),
            ],
        )
        summary = library.import_result(page, file_name="near.txt", file_path=None, sha256="n" * 64)
        assert [(d.line, d.other_title) for d in summary.possible_duplicates] == [
            (3, "Image Pre-training via Degradation Classification")
        ]
    finally:
        library.close()


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_two_members_keep_the_related_papers_model_together(
    backend: str, tmp_path: Path, pg_url: str, pg_member_url: MemberUrl
) -> None:
    """Each window keeps the model in memory; one member's update of the stored model must
    not break (or go unseen by) the other's (a clash of term ids, found in review)."""
    from readinglist.core.entries import ParsedPaper, ParseResult
    from readinglist.core.related.service import RelatedPapers

    location = str(tmp_path / "library.sqlite") if backend == "sqlite" else pg_url
    other = location if backend == "sqlite" else pg_member_url(pg_url, "bob")
    alice, bob = Library(location), Library(other)
    try:
        first = [
            ParsedPaper(
                title=f"Neural networks for graph learning {i}",
                line=i,
                abstract="graphs nodes edges learning",
            )
            for i in range(1, 6)
        ]
        alice.import_result(ParseResult("test", first), file_name="p", file_path=None, sha256="a")
        mine, theirs = RelatedPapers(alice), RelatedPapers(bob)
        mine.refresh()
        theirs.refresh()
        zebra = ParsedPaper(
            title="Zebrafish quokka morphology", line=1, abstract="zebrafish quokka"
        )
        alice.import_result(ParseResult("test", [zebra]), file_name="q", file_path=None, sha256="b")
        mine.refresh()
        theirs.refresh()  # raised a unique violation of related_terms' ids
        another = ParsedPaper(
            title="Quokka zebrafish habitats", line=1, abstract="quokka zebrafish"
        )
        bob.import_result(ParseResult("test", [another]), file_name="r", file_path=None, sha256="c")
        theirs.refresh()
        mine.refresh()
        assert mine.similar_ids(6) == theirs.similar_ids(6)
        assert mine.similar_ids(6)[:1] == [7]
    finally:
        alice.close()
        bob.close()


def test_a_merge_keeps_every_members_status_and_the_earliest_added_date(
    pg_url: str, pg_member_url: MemberUrl, shared: Library
) -> None:
    fill(shared)
    bob = Library(pg_member_url(pg_url, "bob"))
    try:
        older, newer = sorted([1, 300], key=lambda i: shared.get(i).added_at)
        bob.set_status([newer], ReadingStatus.READ)
        bob.set_rating([newer], 4)
        shared.set_status([older], ReadingStatus.READING)
        kept = shared.merge(newer, older)
        assert (
            kept.added_at
            == shared.get(newer).added_at
            == min(kept.added_at, bob.get(newer).added_at)
        )
        assert bob.get(newer).status is ReadingStatus.READ and bob.get(newer).rating == 4
        assert shared.get(newer).status is ReadingStatus.READING
    finally:
        bob.close()


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_undoing_a_delete_whose_key_was_given_out_again_is_one_sentence(
    backend: str, tmp_path: Path, pg_url: str
) -> None:
    library = Library(str(tmp_path / "library.sqlite") if backend == "sqlite" else pg_url)
    try:
        import_file(library, HF_TEXT_SAMPLES[2], year=2025)
        key = library.issue_citation_keys([1])[1]
        deleted = library.delete_papers([1])
        library.set_citation_key(2, key)
        with pytest.raises(UserError, match="citation key") as refused:
            library.restore(deleted)
        assert len(str(refused.value).splitlines()) == 1
        assert library.count() == 71
    finally:
        library.close()


def test_a_nul_character_is_one_sentence_on_postgresql(shared: Library) -> None:
    fill(shared)
    with pytest.raises(UserError, match="NUL character"):
        shared.set_notes(1, "before\x00after")
    assert shared.get(1).notes == ""


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_a_tag_typed_again_in_another_case_is_the_same_tag(
    backend: str, tmp_path: Path, pg_url: str
) -> None:
    library = Library(str(tmp_path / "library.sqlite") if backend == "sqlite" else pg_url)
    try:
        import_file(library, HF_TEXT_SAMPLES[2], year=2025)
        library.add_tags([1], ["İstanbul"])
        library.add_tags([2], ["İstanbul"])  # Python's lower() and the database's disagreed
        library.add_to_list("İzmir", [1], create=True)
        library.add_to_list("İzmir", [2])
        assert [(t.name, t.count) for t in library.tags()] == [("İstanbul", 2)]
        assert library.list_paper_ids("İzmir") == [1, 2]
    finally:
        library.close()


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_a_paper_id_is_never_given_twice(backend: str, tmp_path: Path, pg_url: str) -> None:
    """After the newest papers are deleted, an import must not take their ids: an undo waiting
    in another window (or another member's) would land on the wrong paper (found in review)."""
    library = Library(str(tmp_path / "library.sqlite") if backend == "sqlite" else pg_url)
    try:
        import_file(library, HF_TEXT_SAMPLES[2], year=2025)
        newest = max(library.search_ids(""))
        deleted = library.delete_papers([newest])
        summary = import_file(library, HF_TEXT_SAMPLES[1], year=2025)
        assert newest not in summary.paper_ids
        assert min(summary.new_ids) == newest + 1
        library.restore(deleted)  # the undo still finds its own id free
        assert library.get(newest).title == deleted.papers[0]["title"]
    finally:
        library.close()
