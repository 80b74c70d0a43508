"""The query language: parsing, errors with positions, and what each query finds."""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from readinglist.core.entries import DatePrecision, ParsedPaper, ParseResult
from readinglist.core.errors import QueryError
from readinglist.core.library import Library
from readinglist.core.query import And, Compare, FieldTerm, Not, Or, SortSpec, Words, parse_query


def test_parse_shapes() -> None:
    assert parse_query("").where is None
    assert parse_query("speech").where == Words("speech", phrase=False)
    assert parse_query('"speech model" -survey').where == And(
        (Words("speech model", True), Not(Words("survey", False)))
    )
    assert parse_query("a OR b c").where == Or(
        (Words("a", False), And((Words("b", False), Words("c", False))))
    )
    assert parse_query("year:2022..2024").where == Compare("year", "between", 2022, 2024)
    assert parse_query("authors:>10").where == Compare("authors", ">", 10)
    assert parse_query("authors:smith").where == FieldTerm("author", "smith")
    assert parse_query("title:diffusion").where == Words("diffusion", False, "title")
    query = parse_query("has:code sort:-upvotes")
    assert query.where == FieldTerm("has", "code")
    assert query.sort == SortSpec("upvotes", True)
    assert parse_query("NOT (a OR b)").where == Not(Or((Words("a", False), Words("b", False))))


@pytest.mark.parametrize(
    ("text", "fragment", "position"),
    [
        ('"unclosed phrase', "quotation mark is not closed", 0),
        ("speech (model", "parenthesis is not closed", 7),
        ("speech model)", "closing parenthesis has no opening", 12),
        ("year:20x4", "year: expects a whole number", 7),
        ("year:>>2", "year: expects a whole number", 6),
        ("-year:<=2o24", "year: expects a whole number", 9),
        ('upvotes:"5a"', "upvotes: expects a whole number", 10),
        ("year:2024..2020", "runs backwards", 5),
        ("status:done", "status: takes unread, reading or read", 7),
        ("has:cats", "has: takes one of", 4),
        ("titel:speech", "unknown field 'titel'", 0),
        ("OR speech", "OR needs something before it", 0),
        ("speech OR", "OR needs something after it", 7),
        ("title: speech", "title: needs a value", 0),
        ("sort:colour", "sort: takes one of", 5),
        ("()", "empty parentheses", 0),
        ("(" * 400 + "a" + ")" * 400, "nest at most 20 deep", 20),
        ("NOT (" * 11 + "a" + ")" * 11, "nest at most 20 deep", 50),
        ("w " * 51, "at most 50 words and terms", 100),
        ("-a tag:b " * 25 + '"c d"', "at most 50 words and terms", 225),
        ("x" * 2001, "at most 2,000 characters; this one has 2,001", 2000),
    ],
)
def test_malformed_queries_say_what_and_where(text: str, fragment: str, position: int) -> None:
    with pytest.raises(QueryError) as caught:
        parse_query(text)
    assert fragment in caught.value.reason
    assert caught.value.position == position
    assert "\n" not in str(caught.value)


def _add(library: Library, *papers: ParsedPaper) -> list[int]:
    result = ParseResult(format="test", papers=list(papers))
    digest = hashlib.sha256(repr(papers).encode()).hexdigest()
    summary = library.import_result(result, file_name="fixture.html", file_path=None, sha256=digest)
    return summary.paper_ids


@pytest.fixture(scope="module")
def library(tmp_path_factory: pytest.TempPathFactory) -> Library:
    lib = Library(tmp_path_factory.mktemp("search") / "library.sqlite")
    add_search_papers(lib)
    return lib


def add_search_papers(lib: Library) -> None:
    """The four papers (with notes, tags, a list and a status) the query suite searches."""
    day = DatePrecision.DAY
    ids = _add(
        lib,
        ParsedPaper(
            title="Training Efficiency of Speech Models",
            line=1,
            abstract="We study mini-batch sampling.",
            published=dt.date(2024, 3, 1),
            published_precision=day,
            authors_count=12,
            comments=3,
            upvotes=40,
        ),
        ParsedPaper(
            title="Efficient Training of Vision Transformers",
            line=2,
            abstract="Code at https://github.com/x/y",
            code_urls=["https://github.com/x/y"],
            published=dt.date(2022, 5, 1),
            published_precision=day,
            authors_count=4,
            arxiv_id="2205.00001",
            organization="Tencent",
            organization_handle="tencent",
        ),
        ParsedPaper(
            title="A Survey of Élan in Café Networks",
            line=3,
            abstract="Accents everywhere: naïve résumé.",
            published=dt.date(2023, 1, 1),
            published_precision=day,
            authors=["Zoë Müller", "Jan Smith"],
            upvotes=5,
        ),
        ParsedPaper(
            title='Notes on 100% Pure_Underscores and "Quotes"',
            line=4,
            abstract="Symbols: 50% off; a_b; c*d.",
        ),
    )
    lib.set_notes(ids[3], "remember the quokka experiment")
    lib.add_tags([ids[0], ids[2]], ["to-read"])
    lib.add_to_list("Thesis", [ids[1]], create=True)
    lib.set_status([ids[1]], "read")


def titles(library: Library, query: str) -> list[str]:
    return [p.title.split()[0] for p in library.search(query)]


# Each query and the papers it finds (by first title word); test_search_postgres.py runs them too.
QUERY_CASES: list[tuple[str, set[str]]] = [
    ("training efficiency", {"Training"}),
    ("train effic", {"Training", "Efficient"}),  # every word is a prefix
    ("TRAIN effic", {"Training", "Efficient"}),
    ('"training efficiency"', {"Training"}),
    ("training -speech", {"Efficient"}),
    ("speech OR survey", {"Training", "A"}),
    ("cafe elan", {"A"}),  # accents folded both ways
    ("café", {"A"}),
    ("title:training", {"Training", "Efficient"}),
    ("abstract:sampling", {"Training"}),
    ("quokka", {"Notes"}),  # notes are searched
    ("notes:quokka", {"Notes"}),
    ("tag:to-read", {"Training", "A"}),
    ("tag:TO-READ -speech", {"A"}),
    ("list:thesis", {"Efficient"}),
    ("status:read", {"Efficient"}),
    ("status:unread", {"Training", "A", "Notes"}),
    ("org:tencent", {"Efficient"}),
    ("source:fixture", {"Training", "Efficient", "A", "Notes"}),
    ("year:2024", {"Training"}),
    ("year:>=2023", {"Training", "A"}),
    ("year:2022..2023", {"Efficient", "A"}),
    ("year:<2023", {"Efficient"}),
    ("authors:>10", {"Training"}),
    ("authors:müller", {"A"}),
    ("comments:>0", {"Training"}),
    ("upvotes:>=5", {"Training", "A"}),
    ("has:code", {"Efficient"}),
    ("has:arxiv", {"Efficient"}),
    ("has:authors", {"A"}),
    ("has:notes", {"Notes"}),
    ("arxiv:2205.00001", {"Efficient"}),
    ("100%", {"Notes"}),
    ("pure_underscores", {"Notes"}),
    ('"quotes"', {"Notes"}),
    ("training (speech OR vision)", {"Training", "Efficient"}),
    ("NOT training", {"A", "Notes"}),
    ("-tag:to-read", {"Efficient", "Notes"}),
    ("zzzz", set()),
    ("t", set()),  # one character is a whole word, not a prefix of every "t…"
    ("d", {"Notes"}),  # "c*d" holds the word "d"
    ("%%% ***", {"Training", "Efficient", "A", "Notes"}),  # nothing searchable: all
]


@pytest.mark.parametrize(("query", "expected"), QUERY_CASES)
def test_queries_find_the_right_papers(library: Library, query: str, expected: set[str]) -> None:
    assert set(titles(library, query)) == expected


def test_sorting(library: Library) -> None:
    assert titles(library, "sort:published") == ["Efficient", "A", "Training", "Notes"]
    assert titles(library, "sort:-published") == ["Training", "A", "Efficient", "Notes"]
    assert titles(library, "sort:-upvotes")[:2] == ["Training", "A"]
    by_title = library.search_ids("", SortSpec("title", False))
    assert [p.title[0] for p in library.get_many(by_title)] == ["A", "E", "N", "T"]
    # Relevance: a title match of both words ranks first.
    assert titles(library, "training efficiency")[0] == "Training"


def test_relevance_ranks_the_same_with_or_without_other_conditions(library: Library) -> None:
    # Words alone are ranked inside the full-text index; with a field or a sidebar scope the
    # ranking goes through a join. The order must not depend on which way it was computed.
    words_only = library.search_ids("train effic")
    assert len(words_only) == 2
    assert library.search_ids("train effic source:fixture") == words_only
    assert library.search_ids("train effic", scope_sql="p.id > 0") == words_only
    assert library.search_ids("train effic", limit=1) == words_only[:1]
    # Ties (both titles hold both words) break the same way on both paths, either direction.
    worst_first = SortSpec("relevance", False)
    assert library.search_ids("train effic", worst_first) == library.search_ids(
        "train effic source:fixture", worst_first
    )
    without_vision = [i for i in words_only if "Vision" not in library.get(i).title]
    assert library.search_ids("train effic -vision") == without_vision


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=40))
def test_any_string_gives_results_or_a_clean_error(library: Library, text: str) -> None:
    try:
        ids = library.search_ids(text)
    except QueryError as error:
        assert 0 <= error.position <= len(text)
        assert str(error)
    else:
        assert isinstance(ids, list)


FRAGMENTS = [
    '"',
    "(",
    ")",
    "-",
    "OR",
    "AND",
    "NOT",
    "title:",
    "year:",
    ">",
    "..",
    "*",
    ":",
    "tag:",
    "has:code",
    "NEAR",
    "^",
    "'",
    "\\",
    "abc",
    "x",
    " ",
    "\x00",
    "é",
]


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(st.sampled_from(FRAGMENTS), max_size=8))
def test_syntax_soup_never_reaches_sqlite_unescaped(library: Library, parts: list[str]) -> None:
    text = "".join(parts)
    with contextlib.suppress(QueryError):
        library.search_ids(text)


@pytest.mark.parametrize("sort", [None, SortSpec("published", True)], ids=["relevance", "date"])
def test_the_largest_queries_allowed_run(library: Library, sort: SortSpec | None) -> None:
    """At the bounds of nesting and length, every shape compiles to SQL that SQLite and FTS5
    accept (their own limits on expression depth are far above ours)."""
    nested = "".join(f"(w{i} OR tag:t{i} OR " for i in range(10)) + "training" + ")" * 10
    negated = " ".join(f"-w{i}" for i in range(49)) + " training"
    fields = " ".join(f"tag:t{i}" if i % 2 else "has:code" for i in range(50))
    repeated = " ".join(["training"] * 50)
    for query in (nested, negated, fields, repeated):
        library.search_ids(query, sort)
    assert library.search_ids(repeated, sort) == library.search_ids("training", sort)
    assert library.search_ids(negated, sort) == library.search_ids("training", sort)
