"""Search on a shared library (PostgreSQL) finds the same papers in the same order as on a file
(SQLite): the same query suite, the same imported pages, the same ids, relevance included."""

from __future__ import annotations

import datetime as dt
import hashlib
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import text

from readinglist.core.entries import DatePrecision, ParsedPaper, ParseResult
from readinglist.core.errors import QueryError
from readinglist.core.library import Library
from readinglist.core.query import SortSpec, parse_query
from readinglist.core.search import SORT_COLUMNS
from tests.conftest import HF_TEXT_SAMPLES, PAGE_SAMPLES
from tests.helpers import import_file
from tests.postgres import PostgresServer
from tests.test_search import FRAGMENTS, QUERY_CASES, add_search_papers

# Words no ASCII fold gets right: SQLite keeps ø, ß, æ and superscripts, splits at Indic vowel
# signs, folds ligatures' accents but not the ligatures, drops combining accents.
UNUSUAL_TITLE = (
    "Østergaard's Straße: n² Æsir naïve cafe\u0301 ﬁne İstanbul ＡＢＣ१२ हिन्दी Ἀθῆναι ©2024 ½ x🙂y"
)
UNUSUAL_QUERIES = [
    "østergaard",
    "ostergaard",
    "strasse",
    "straße",
    "n²",
    "n",
    "æsir",
    "aesir",
    "naive",
    "café",
    "fine",
    "ﬁne",
    "istanbul",
    "abc",
    "ａｂｃ",
    "हिन्दी",
    "αθηναι",
    "ἀθῆναι",
    "c 2024",
    "x y",
    '"x y"',
]


def _samples() -> list[Path]:
    return [*HF_TEXT_SAMPLES, *sorted(p for p in PAGE_SAMPLES.iterdir() if p.suffix != ".tsv")]


def _fill(library: Library) -> None:
    add_search_papers(library)
    paper = ParsedPaper(
        title=UNUSUAL_TITLE,
        line=1,
        abstract="Ørsted and Şahin: ² ³ ¼; Ⅻ; ǅ; µ-law; ŉ; Đ; Ħ; ı; ĳ; ŀ; Ł; ﬀ",
        published=dt.date(2021, 2, 3),
        published_precision=DatePrecision.DAY,
        authors=["Ørsted", "ÅSA Öberg"],
    )
    result = ParseResult(format="test", papers=[paper])
    library.import_result(
        result,
        file_name="unusual.html",
        file_path=None,
        sha256=hashlib.sha256(UNUSUAL_TITLE.encode()).hexdigest(),
    )
    for page in _samples():
        import_file(library, page, year=2024)


@pytest.fixture(scope="module")
def libraries(
    pg_server: PostgresServer, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Library, Library]]:
    """The same papers in a file and in a shared library (one import for the module's tests)."""
    name = pg_server.create_database("search_both")
    file_library = Library(tmp_path_factory.mktemp("search_both") / "library.sqlite")
    shared = Library(pg_server.url(pg_server.member, name))
    try:
        _fill(file_library)
        _fill(shared)
        yield file_library, shared
    finally:
        shared.close()
        file_library.close()
        pg_server.drop_database(name)


def _queries(file_library: Library) -> list[tuple[str, SortSpec | None]]:
    """The suite's queries, every sort both ways, and relevance over the pages' own words:
    common and rare, prefixes, phrases, fields, negation, with other conditions."""
    plain = [query for query, _expected in QUERY_CASES]
    words = [
        "language",
        "language model",
        "lang mod",
        "large language models",
        '"large language"',
        '"language model" reason',
        "diffusion",
        "diffusion -video",
        "video OR image",
        "agent benchmark",
        "title:agent",
        "abstract:agent",
        "title:agent benchmark",
        'title:"language model"',
        "reinforcement learning",
        "learn",
        "le",
        "a",
        "the of and",
        "model year:2024",
        "model has:abstract",
        "model source:arxiv",
        "model -has:code",
        "transformer (vision OR speech)",
        "NOT model",
        "zzzz",
        "tag:to-read model",
        *UNUSUAL_QUERIES,
    ]
    sorts: list[SortSpec | None] = [None]
    for name in SORT_COLUMNS:
        sorts += [SortSpec(name, True), SortSpec(name, False)]
    cases: list[tuple[str, SortSpec | None]] = [(q, None) for q in plain + words]
    cases += [(q, SortSpec("relevance", False)) for q in words]
    cases += [(q, s) for q in ("", "model", "tag:to-read", "has:abstract") for s in sorts]
    assert file_library.search_ids("language model"), "the pages should hold these words"
    return cases


def test_the_query_suite_finds_the_same_papers_in_the_same_order_on_both_backends(
    libraries: tuple[Library, Library],
) -> None:
    file_library, shared = libraries
    assert file_library.count() == shared.count() > 600
    differences = []
    for query, sort in _queries(file_library):
        expected = file_library.search_ids(query, sort)
        found = shared.search_ids(query, sort)
        if found != expected:
            differences.append(f"{query!r} {sort}: SQLite {expected[:8]}…, PostgreSQL {found[:8]}…")
    # With a sidebar scope and a limit, ranking goes through the join with papers.
    scoped = "p.id > 10"
    for query, sort in _queries(file_library)[: len(QUERY_CASES) + 40]:
        if shared.search_ids(query, sort, scope_sql=scoped, limit=5) != (
            file_library.search_ids(query, sort, scope_sql=scoped, limit=5)
        ):
            differences.append(f"{query!r} {sort} within {scoped}, first 5")
    assert not differences, "\n".join(differences)


def test_the_suite_finds_what_it_expects_on_postgresql(pg_url: str) -> None:
    shared = Library(pg_url)
    try:
        add_search_papers(shared)
        for query, expected in QUERY_CASES:
            found = {p.title.split()[0] for p in shared.search(query)}
            assert found == expected, query
        ranked = shared.search("training efficiency")
        assert ranked[0].title.startswith("Training")
    finally:
        shared.close()


def test_documents_hold_the_words_sqlite_indexes(libraries: tuple[Library, Library]) -> None:
    """Word for word, column for column, in order: what FTS5 indexed for every paper is what
    the tsvector holds, so prefixes, phrases and bm25's counts agree."""
    file_library, shared = libraries
    assert file_library.path is not None
    vocabulary = sqlite3.connect(file_library.path)
    vocabulary.execute(
        "CREATE VIRTUAL TABLE temp.words USING fts5vocab(main, papers_fts, instance)"
    )
    expected: dict[tuple[int, str], list[str]] = {}
    for paper, word, column, _offset in vocabulary.execute(
        "SELECT doc, term, col, offset FROM temp.words ORDER BY doc, col, offset"
    ):
        expected.setdefault((paper, column), []).append(word)
    vocabulary.close()
    columns = {"A": "title", "B": "abstract", "C": "notes", "D": "tags"}
    positions: dict[tuple[int, str], dict[int, str]] = {}
    with shared.store.read() as c:
        rows = c.execute(
            text(
                "SELECT f.rowid, u.lexeme, u.positions, u.weights "
                "FROM papers_fts f, unnest(f.document) AS u"
            )
        ).all()
        counted = c.execute(text("SELECT documents, words FROM papers_fts_stats")).one()
    for paper, word, places, weights in rows:
        for place, weight in zip(places, weights, strict=True):
            positions.setdefault((paper, columns[weight]), {})[place] = word
    found = {key: [held[p] for p in sorted(held)] for key, held in positions.items()}
    assert found == expected
    assert tuple(counted) == (shared.count(), sum(len(w) for w in expected.values()))


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.one_of(
        # Unassigned and private-use characters are left out: SQLite keeps them inside words,
        # PostgreSQL's fold splits words there (see scripts/gen_pg_fold.py).
        st.text(
            alphabet=st.characters(codec="utf-8", exclude_categories=("Cn", "Co", "Cs")),
            max_size=40,
        ),
        st.lists(st.sampled_from(FRAGMENTS), max_size=8).map("".join),
    )
)
def test_any_query_gives_what_sqlite_gives_or_the_same_error(
    libraries: tuple[Library, Library], text: str
) -> None:
    file_library, shared = libraries
    try:
        expected = file_library.search_ids(text)
    except QueryError as error:
        with pytest.raises(QueryError) as caught:
            shared.search_ids(text)
        assert str(caught.value) == str(error)
    else:
        assert shared.search_ids(text) == expected


@pytest.mark.parametrize("sort", [None, SortSpec("published", True)], ids=["relevance", "date"])
def test_the_largest_queries_allowed_run_alike(
    libraries: tuple[Library, Library], sort: SortSpec | None
) -> None:
    file_library, shared = libraries
    nested = "".join(f"(w{i} OR tag:t{i} OR " for i in range(10)) + "model" + ")" * 10
    negated = " ".join(f"-w{i}" for i in range(49)) + " model"
    fields = " ".join(f"tag:t{i}" if i % 2 else "has:code" for i in range(50))
    many = " ".join(f"{chr(97 + i % 26)}{i}" for i in range(25)) + " model"
    for query in (nested, negated, fields, many, " ".join(["model"] * 50)):
        assert shared.search_ids(query, sort) == file_library.search_ids(query, sort), query


def test_a_big_import_leaves_the_word_index_ready_for_searches(pg_url: str) -> None:
    """After a bulk import the planner knows papers_fts (else it reads the whole table for a
    word) and the import's words are in the GIN index proper, not its pending list."""
    shared = Library(pg_url)
    try:
        batch = [
            ParsedPaper(title=f"Bulk paper {n} on topic {n % 7}", line=n + 1, abstract=f"w{n}")
            for n in range(1000)
        ]
        result = ParseResult(format="test", papers=batch)
        shared.import_result(result, file_name="bulk.txt", file_path=None, sha256="bulk")
        with shared.store.read() as c:
            analyzed = c.execute(
                text("SELECT last_analyze FROM pg_stat_user_tables WHERE relname = 'papers_fts'")
            ).scalar_one()
            plan = "\n".join(
                c.execute(
                    text(
                        "EXPLAIN SELECT rowid FROM papers_fts "
                        "WHERE document @@ readinglist_query('w123', true, '')"
                    )
                ).scalars()
            )
        assert analyzed is not None
        assert "ix_papers_fts_document" in plan
        assert len(shared.search_ids("topic")) == 1000
    finally:
        shared.close()


def test_a_search_repeated_with_other_words_is_planned_for_each_word(
    libraries: tuple[Library, Library],
) -> None:
    """One word sorted by a column is planned with the word's statistics (search.py). psycopg
    prepares a statement run five times, after which PostgreSQL may plan it once for any word:
    every connection of a shared library plans each statement for its own values."""
    file_library, shared = libraries
    spec = SortSpec("added", True)
    for word in ["model", "learn", "graph"] * 4:  # past psycopg's prepare threshold
        assert shared.search_ids(word, spec, limit=20) == file_library.search_ids(
            word, spec, limit=20
        )
    with shared.store.read() as c:
        assert c.exec_driver_sql("SHOW plan_cache_mode").scalar_one() == "force_custom_plan"


def test_a_search_head_reads_the_same_papers_on_both_backends(
    libraries: tuple[Library, Library],
) -> None:
    file_library, shared = libraries
    spec = SortSpec("published", True)
    for query in ("model", "learn", '"language model"', ""):
        on_file = file_library.search_head(
            parse_query(query), spec, scope_sql=None, limit=40, rows=9
        )
        on_server = shared.search_head(parse_query(query), spec, scope_sql=None, limit=40, rows=9)
        assert on_server[0] == on_file[0]
        assert [r.title for r in on_server[1]] == [r.title for r in on_file[1]]
        assert [r.id for r in on_server[1]] == on_file[0][:9]
