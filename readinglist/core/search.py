"""Turns a parsed query into one parameterised SQL statement over papers and its full-text
index: FTS5 on SQLite, the tsvector column of papers_fts on PostgreSQL (`postgres=True`).

User text only ever reaches the database as bound parameters; words reach FTS5 as quoted
strings (double quotes doubled), and PostgreSQL as the argument of `readinglist_query`, which
folds them as the index does, so no query can inject FTS5 or tsquery syntax or SQL. Both
backends find the same papers and rank them by the same bm25 (see core/postgres_schema.py).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from readinglist.core.errors import QueryError
from readinglist.core.query import And, Compare, FieldTerm, Node, Not, Or, Query, SortSpec, Words

# The ids of the papers most like a paper, best first (see core/related): what `like:ID` finds.
SimilarPapers = Callable[[int], Sequence[int]]

_TOKEN_CHARS = re.compile(r"\w", re.UNICODE)

# SQL expression and default direction for each sort field. Descending puts NULLs last by itself
# in SQLite (NULL sorts smallest); ascending says NULLS LAST so unknown values never lead.
SORT_COLUMNS: dict[str, tuple[str, bool]] = {
    "title": ("p.title_key", False),
    "published": ("p.published", True),
    "date": ("p.published", True),
    "year": ("p.published", True),
    "added": ("p.added_at", True),
    "authors": ("p.authors_count", True),
    "org": ("p.organization", False),
    "organization": ("p.organization", False),
    "comments": ("p.comments", True),
    "upvotes": ("p.upvotes", True),
    "status": ("p.status", False),
    "rating": ("p.rating", True),
    "tags": ("p.tags", False),
}
# Columns that are never NULL: their ascending order needs no NULLS LAST, which would keep
# SQLite from reading the order straight off the column's index.
_NOT_NULL = {"p.title_key", "p.added_at", "p.status", "p.rating", "p.tags"}


def fts_string(text: str) -> str:
    """A literal FTS5 string: the only quoting FTS5 has is doubling the double quote."""
    return '"' + text.replace('"', '""') + '"'


def _words_expression(words: Words) -> str | None:
    """FTS5 expression for free text, or None when it has nothing FTS5 would index."""
    if not _TOKEN_CHARS.search(words.text):
        return None
    if words.phrase or len(words.text) == 1:
        # A single character is a whole word ("C", "R", "3"): as a prefix it would match
        # nearly every paper, which is slow and useless, e.g. on the first keystroke.
        expression = fts_string(words.text)
    else:
        # Each word is a prefix: "effic" finds "efficiency". A word FTS5 splits into several
        # tokens ("pre-train") becomes a phrase whose last token is the prefix.
        expression = fts_string(words.text) + " *"
    if words.field is not None:
        expression = f"{words.field} : {expression}"
    return expression


# The tsvector weight each text field's words carry on PostgreSQL (postgres_schema.py).
_PG_WEIGHTS = {"title": "A", "abstract": "B", "notes": "C", "tags": "D"}


_ONE_TOKEN = re.compile(r"[^\W_]+")  # letters and digits: one token for FTS5's unicode61


def _one_token(words: Words) -> bool:
    """Free text that is a single word (or the start of one) in any column."""
    return not words.phrase and _ONE_TOKEN.fullmatch(words.text) is not None


def _pg_phrase(words: Words) -> tuple[str, bool, str] | None:
    """(text, prefix, weights) of `readinglist_query` for free text: the same word, prefix and
    column as `_words_expression` gives FTS5, or None when that gives None."""
    if _words_expression(words) is None:
        return None
    prefix = not (words.phrase or len(words.text) == 1)
    return words.text, prefix, _PG_WEIGHTS[words.field] if words.field else ""


@dataclass
class _Compiler:
    params: dict[str, Any] = field(default_factory=dict)
    similar: SimilarPapers | None = None
    postgres: bool = False
    pg_phrases: dict[tuple[str, bool, str], str] = field(default_factory=dict)
    # When the order comes from a column's index, the match set is only probed (`+p.id`):
    # SQLite then walks the index in order and stops at LIMIT, instead of fetching every
    # matching row by id and sorting them all (at 100,000 matches, most of the time spent).
    probe_matches: bool = False
    similar_params: dict[int, str] = field(default_factory=dict)  # one model query per paper

    def bind(self, value: Any) -> str:
        name = f"p{len(self.params)}"
        self.params[name] = value
        return f":{name}"

    @property
    def true(self) -> str:
        return "TRUE" if self.postgres else "1"

    def words(self, node: Words) -> str | None:
        """The full-text expression for free text: an FTS5 string on SQLite, tsquery SQL on
        PostgreSQL (the same word twice is the same SQL, so `_distinct` drops repeats)."""
        if not self.postgres:
            return _words_expression(node)
        phrase = _pg_phrase(node)
        if phrase is None:
            return None
        if phrase not in self.pg_phrases:
            text, prefix, weights = phrase
            self.pg_phrases[phrase] = (
                f"readinglist_query(CAST({self.bind(text)} AS text), {str(prefix).lower()}, "
                f"'{weights}')"
            )
        return self.pg_phrases[phrase]

    def fts_in(self, expression: str, negated: bool = False) -> str:
        keyword = "NOT IN" if negated else "IN"
        if self.postgres:
            # A sub-SELECT: the words are folded once per search, not once per row.
            return (
                f"p.id {keyword} (SELECT rowid FROM papers_fts "
                f"WHERE document @@ (SELECT {expression}))"
            )
        column = "+p.id" if self.probe_matches and not negated else "p.id"
        return (
            f"{column} {keyword} (SELECT rowid FROM papers_fts WHERE papers_fts MATCH "
            f"{self.bind(expression)})"
        )

    # FTS-only subtrees compile to one MATCH expression (fast); anything else becomes SQL.
    def fts_only(self, node: Node) -> str | None:
        and_, or_, and_not = (" && ", " || ", " && !! ") if self.postgres else _FTS5_OPERATORS
        if isinstance(node, Words):
            return self.words(node)
        if isinstance(node, Or):
            parts = [self.fts_only(child) for child in node.children]
            if any(part is None for part in parts):
                return None
            return "(" + or_.join(p for p in parts if p) + ")"
        if isinstance(node, And):
            positive = [c for c in node.children if not isinstance(c, Not)]
            negative = [c.child for c in node.children if isinstance(c, Not)]
            pos = [self.fts_only(c) for c in positive]
            neg = [self.fts_only(c) for c in negative]
            if not pos or any(p is None for p in pos) or any(n is None for n in neg):
                return None
            expression = "(" + and_.join(_distinct(p for p in pos if p)) + ")"
            for n in _distinct(n for n in neg if n):
                expression += f"{and_not}{n}"
            return expression
        return None

    def compile(self, node: Node) -> str:
        if isinstance(node, Words):
            expression = self.words(node)
            return self.fts_in(expression) if expression else self.true
        if isinstance(node, Not):
            child = node.child
            if isinstance(child, Words):
                expression = self.words(child)
                return self.fts_in(expression, negated=True) if expression else self.true
            return f"NOT ({self.compile(child)})"
        if isinstance(node, Or | And):
            if _has_text(node):
                expression = self.fts_only(node)
                if expression is not None:
                    return self.fts_in(expression)
            if isinstance(node, And):
                return self.compile_and(node)
            return "(" + " OR ".join(self.compile(c) for c in node.children) + ")"
        if isinstance(node, Compare):
            return self.compare(node)
        return self.field_term(node)

    def compile_and(self, node: And) -> str:
        # Gather the plain words into one MATCH; compile the rest one by one.
        expressions: list[str] = []
        rest: list[Node] = []
        for child in node.children:
            expression = self.words(child) if isinstance(child, Words) else None
            if expression:
                expressions.append(expression)
            else:
                rest.append(child)
        parts: list[str] = []
        if expressions:
            and_ = " && " if self.postgres else " AND "
            parts.append(self.fts_in(and_.join(_distinct(expressions))))
        parts.extend(self.compile(c) for c in rest)
        return "(" + " AND ".join(parts) + ")"

    def compare(self, node: Compare) -> str:
        column = {
            "year": "CAST(substr(p.published, 1, 4) AS INTEGER)",
            "comments": "p.comments",
            "upvotes": "p.upvotes",
            "rating": "p.rating",
            "authors": "p.authors_count",
        }[node.field]
        if node.field == "year":
            # Compare on the ISO string so the published index serves the range.
            low, high = {
                "=": (node.value, node.value),
                ">": (node.value + 1, 9999),
                ">=": (node.value, 9999),
                "<": (0, node.value - 1),
                "<=": (0, node.value),
                "between": (node.value, node.high if node.high is not None else node.value),
            }[node.op]
            return (
                f"(p.published >= {self.bind(f'{low:04d}-00-00')} AND "
                f"p.published <= {self.bind(f'{high:04d}-99-99')})"
            )
        if node.op == "between":
            return f"({column} BETWEEN {self.bind(node.value)} AND {self.bind(node.high)})"
        return f"({column} {node.op} {self.bind(node.value)})"

    def similar_ids(self, paper_id: int) -> str:
        """A parameter holding the JSON array of the papers most like `paper_id`, best first."""
        if self.similar is None:
            raise QueryError("like: needs the related-papers model, which is not ready yet", 0)
        if paper_id not in self.similar_params:
            ranked = json.dumps([int(i) for i in self.similar(paper_id)])
            self.similar_params[paper_id] = self.bind(ranked)
        return str(self.similar_params[paper_id])

    def field_term(self, node: FieldTerm) -> str:
        value = node.value
        if node.field == "status":
            return f"p.status = {self.bind(value)}"
        if node.field == "arxiv":
            return f"p.arxiv_id = {self.bind(value.lower().removeprefix('arxiv:'))}"
        if node.field == "has":
            return {
                "code": "p.code_urls != '[]'",
                "arxiv": "p.arxiv_id IS NOT NULL",
                "abstract": "p.has_abstract" if self.postgres else "p.has_abstract = 1",
                "notes": "p.notes != ''",
                "authors": "p.authors IS NOT NULL",
                "tags": "p.tags != ''",
                "org": "p.organization IS NOT NULL",
                "date": "p.published IS NOT NULL",
            }[value]
        if self.postgres:
            return self.pg_field_term(node)
        if node.field == "like":
            return f"p.id IN (SELECT value FROM json_each({self.similar_ids(int(value))}))"
        if node.field == "tag":
            return (
                "p.id IN (SELECT pt.paper_id FROM paper_tags pt JOIN tags t ON t.id = pt.tag_id "
                f"WHERE t.name = {self.bind(value)} COLLATE NOCASE)"
            )
        if node.field == "list":
            return (
                "p.id IN (SELECT li.paper_id FROM list_items li JOIN reading_lists l "
                f"ON l.id = li.list_id WHERE l.name = {self.bind(value)} COLLATE NOCASE)"
            )
        like = self.bind("%" + _escape_like(value) + "%")
        if node.field == "org":
            return (
                f"(p.organization LIKE {like} ESCAPE '\\' OR "
                f"p.organization_handle LIKE {like} ESCAPE '\\')"
            )
        if node.field == "source":
            return (
                "p.id IN (SELECT a.paper_id FROM appearances a JOIN sources s "
                f"ON s.id = a.source_id WHERE s.name LIKE {like} ESCAPE '\\')"
            )
        if node.field == "author":
            return (
                "EXISTS (SELECT 1 FROM json_each(p.authors) "
                f"WHERE json_each.value LIKE {like} ESCAPE '\\')"
            )
        raise AssertionError(f"unhandled field {node.field}")

    def pg_field_term(self, node: FieldTerm) -> str:
        """`field_term` on PostgreSQL: names are citext (case-blind like NOCASE); LIKE matches
        ASCII letters of either case and other letters as they are, as SQLite's LIKE does,
        hence lower() in the "C" collation on both sides."""
        value = node.value
        if node.field == "like":
            return f"p.id IN {_pg_ids(self.similar_ids(int(value)))}"
        if node.field == "tag":
            return (
                "p.id IN (SELECT pt.paper_id FROM paper_tags pt JOIN tags t ON t.id = pt.tag_id "
                f"WHERE t.name = CAST({self.bind(value)} AS citext))"
            )
        if node.field == "list":
            return (
                "p.id IN (SELECT li.paper_id FROM list_items li JOIN reading_lists l "
                f"ON l.id = li.list_id WHERE l.name = CAST({self.bind(value)} AS citext))"
            )
        like = self.bind(("%" + _escape_like(value) + "%").translate(_ASCII_LOWER))
        if node.field == "org":
            return (
                f"(lower(p.organization COLLATE \"C\") LIKE {like} ESCAPE '\\' OR "
                f"lower(p.organization_handle COLLATE \"C\") LIKE {like} ESCAPE '\\')"
            )
        if node.field == "source":
            return (
                "p.id IN (SELECT a.paper_id FROM appearances a JOIN sources s ON s.id = "
                f"a.source_id WHERE lower(s.name COLLATE \"C\") LIKE {like} ESCAPE '\\')"
            )
        if node.field == "author":
            return (
                "EXISTS (SELECT 1 FROM json_array_elements_text(CAST(p.authors AS json)) "
                f"AS a (name) WHERE lower(a.name COLLATE \"C\") LIKE {like} ESCAPE '\\')"
            )
        raise AssertionError(f"unhandled field {node.field}")


def _distinct(expressions: Iterable[str]) -> list[str]:
    """Each FTS expression once, in order: a repeated word costs a scan and changes nothing."""
    return list(dict.fromkeys(expressions))


def _has_text(node: Node) -> bool:
    if isinstance(node, Words):
        return True
    if isinstance(node, Not):
        return _has_text(node.child)
    if isinstance(node, And | Or):
        return any(_has_text(c) for c in node.children)
    return False


def _top_level_like(node: Node | None) -> int | None:
    """The paper of the query's first like:ID that every result must match (not under OR/NOT)."""
    if isinstance(node, FieldTerm) and node.field == "like":
        return int(node.value)
    if isinstance(node, And):
        for child in node.children:
            found = _top_level_like(child)
            if found is not None:
                return found
    return None


_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")
_FTS5_OPERATORS = (" AND ", " OR ", " NOT ")


def _pg_ids(parameter: str) -> str:
    """The ids in a JSON array bound as `parameter`, on PostgreSQL."""
    return f"(SELECT value::bigint FROM json_array_elements_text(CAST({parameter} AS json)))"


def _escape_like(value: str) -> str:
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _is_word(node: Node) -> bool:
    return isinstance(node, Words) and _words_expression(node) is not None


def _is_negated_word(node: Node) -> bool:
    return isinstance(node, Not) and _is_word(node.child)


def _top_level_match(node: Node | None) -> str | None:
    """The FTS expression that decides relevance: the query's plain words, less its negated
    words (FTS5's NOT is binary, so only when there is a positive word to subtract from)."""
    if node is None:
        return None
    if isinstance(node, Words):
        return _words_expression(node)
    if isinstance(node, And):
        positive = [_words_expression(c) for c in node.children if isinstance(c, Words)]
        present = [p for p in positive if p]
        if not present:
            return None
        expression = "(" + " AND ".join(_distinct(present)) + ")"
        negated = [
            _words_expression(child.child)
            for child in node.children
            if isinstance(child, Not) and isinstance(child.child, Words)
        ]
        for word in _distinct(n for n in negated if n):
            expression += f" NOT {word}"
        return expression
    return None


def _without_plain_words(node: Node | None) -> Node | None:
    """`node` less the words that `_top_level_match` moved into the ranking MATCH."""
    if node is None or _is_word(node):
        return None
    if isinstance(node, And):
        rest = tuple(c for c in node.children if not (_is_word(c) or _is_negated_word(c)))
        if not rest:
            return None
        return rest[0] if len(rest) == 1 else And(rest)
    return node


@dataclass(frozen=True)
class CompiledSearch:
    sql: str
    params: dict[str, Any]


def compile_search(
    query: Query,
    sort: SortSpec | None = None,
    *,
    scope_sql: str | None = None,
    limit: int | None = None,
    select: str = "p.id",
    similar: SimilarPapers | None = None,
    postgres: bool = False,
) -> CompiledSearch:
    """SQL selecting matching papers in order. `sort` overrides the query's own sort:.

    `scope_sql` is an extra condition (e.g. a sidebar selection) written by our code, not user
    text. Without any sort: most alike first when the query says like:ID, relevance when it
    has words, else newest added first. `similar` answers like:ID (QueryError without it).
    `postgres`: SQL for a shared library on PostgreSQL (`:name` parameters all the same),
    which finds the same papers in the same order.
    """
    if postgres:
        return _compile_postgres(query, sort, scope_sql, limit, select, similar)
    spec = sort or query.sort
    relevance_match = _top_level_match(query.where)
    like = _top_level_like(query.where)
    if spec is None:
        if like is not None:
            spec = SortSpec("similarity", True)
        else:
            spec = SortSpec("relevance" if relevance_match else "added", True)
    compiler = _Compiler(
        probe_matches=spec.field != "relevance" and spec.field in SORT_COLUMNS, similar=similar
    )
    conditions: list[str] = []
    where = query.where
    from_sql = "papers p"
    if spec.field == "similarity":
        if like is None:
            raise QueryError("sort:similarity needs a like:ID in the query", 0)
        # Joined with the ranked ids: their position in the array is the order.
        from_sql = f"papers p JOIN json_each({compiler.similar_ids(like)}) r ON r.value = p.id"
        order = f"r.key {'ASC' if spec.descending else 'DESC'}"
    elif spec.field == "relevance" and relevance_match:
        rest = _without_plain_words(where)
        if rest is None and not scope_sql and select == "p.id":
            return _ranked_in_index(compiler, relevance_match, spec.descending, limit)
        # The join's MATCH both filters and ranks, so the plain words leave the WHERE.
        from_sql = "papers p JOIN papers_fts f ON f.rowid = p.id"
        conditions.append(f"papers_fts MATCH {compiler.bind(relevance_match)}")
        where = _without_plain_words(where)
        # bm25 rank: smaller is better; "descending" relevance means best first.
        order = f"f.rank {'ASC' if spec.descending else 'DESC'}, p.id DESC"
    else:
        column, _default_desc = SORT_COLUMNS.get(spec.field, SORT_COLUMNS["added"])
        direction = "DESC" if spec.descending else "ASC"
        if not spec.descending and column not in _NOT_NULL:
            direction += " NULLS LAST"
        order = f"{column} {direction}, p.id {'DESC' if spec.descending else 'ASC'}"
    return _select(compiler, select, from_sql, conditions, where, scope_sql, order, limit)


def _select(
    compiler: _Compiler,
    select: str,
    from_sql: str,
    conditions: list[str],
    where: Node | None,
    scope_sql: str | None,
    order: str,
    limit: int | None,
    with_sql: str = "",
) -> CompiledSearch:
    """The search's statement, on either backend: `conditions` so far, the query's and the
    scope's, in the order given."""
    if where is not None:
        conditions.append(compiler.compile(where))
    if scope_sql:
        conditions.append(scope_sql)
    where_sql = " AND ".join(conditions) if conditions else compiler.true
    sql = f"{with_sql}SELECT {select} FROM {from_sql} WHERE {where_sql} ORDER BY {order}"
    if limit is not None:
        sql += f" LIMIT {int(limit)}"
    return CompiledSearch(sql, compiler.params)


def _ranked_in_index(
    compiler: _Compiler, match: str, descending: bool, limit: int | None
) -> CompiledSearch:
    """Words alone, by relevance: ranked inside the FTS index without reading any papers row
    (at 22,000 matches of 100,000 papers, 17 ms instead of 25 ms). The rowid tie-break also
    keeps SQLite's own top-N sorter: handed `ORDER BY rank` alone, FTS5 sorts every match
    itself, which is slower."""
    sql = (
        f"SELECT rowid FROM papers_fts WHERE papers_fts MATCH {compiler.bind(match)} "
        f"ORDER BY rank {'ASC' if descending else 'DESC'}, rowid DESC"
    )
    if limit is not None:
        sql += f" LIMIT {int(limit)}"
    return CompiledSearch(sql, compiler.params)


def sorts_itself(query: Query) -> bool:
    """Whether the query orders its own results (sort:, or like:ID: most alike first), so a
    table's column sort should not override it."""
    return query.sort is not None or _top_level_like(query.where) is not None


def default_descending(field_name: str) -> bool:
    """The natural first direction for a sort field (newest, most, highest first)."""
    return SORT_COLUMNS.get(field_name, ("", True))[1]


def _pg_top_level(compiler: _Compiler, node: Node | None) -> tuple[str, list[Words]] | None:
    """`_top_level_match` on PostgreSQL: the tsquery SQL that decides relevance and the
    phrases bm25 sums over (the positive ones: a negated phrase never occurs in a match)."""
    if node is None:
        return None
    if isinstance(node, Words):
        expression = compiler.words(node)
        return (expression, [node]) if expression else None
    if not isinstance(node, And):
        return None
    positive: dict[str, Words] = {}
    for child in node.children:
        if isinstance(child, Words) and (expression := compiler.words(child)):
            positive.setdefault(expression, child)
    if not positive:
        return None
    match = "(" + " && ".join(positive) + ")"
    negated = [
        compiler.words(child.child)
        for child in node.children
        if isinstance(child, Not) and isinstance(child.child, Words)
    ]
    for word in _distinct(n for n in negated if n):
        match += f" && !! {word}"
    return match, list(positive.values())


def _pg_bm25(compiler: _Compiler, phrases: list[Words]) -> tuple[str, str, str]:
    """(WITH clause, joins to `f`, score): FTS5's bm25 of `f` for `phrases`, higher better.

    FTS5 (fts5_aux.c) sums over the query's phrases, in order, idf * (tf * (k1 + 1)) /
    (tf + k1 * (1 - b + b * length / average length)), k1 1.2, b 0.75, every column weight 1:
    tf the phrase's instances in the row, length its words in all columns, the average over
    the index, idf ln((rows - n + 0.5) / (n + 0.5)) for the n rows holding the phrase, 1e-6
    when that is not positive. The same operations in the same order on the same counts give
    the same doubles, so ties fall alike. tf is ts_rank_cd with every weight 1 and no
    normalisation: for one phrase each instance is a cover worth exactly 1."""
    values = []
    for i, words in enumerate(phrases):
        found = _pg_phrase(words)
        assert found is not None
        text, prefix, weights = found
        values.append(
            f"({i}, readinglist_query(CAST({compiler.bind(text)} AS text), "
            f"{str(prefix).lower()}, '{weights}'))"
        )
    with_sql = (
        "WITH phrase (i, query) AS MATERIALIZED (VALUES " + ", ".join(values) + "), "
        "ranking AS MATERIALIZED (SELECT array_agg(ph.query ORDER BY ph.i) AS queries, "
        # ln(x) <= 0 exactly when x <= 1.
        "array_agg(CASE WHEN x.ratio <= 1 THEN 1e-6::float8 ELSE ln(x.ratio) END "
        "ORDER BY ph.i) AS idfs, "
        "min(s.words::float8 / nullif(s.documents, 0)::float8) AS average "
        "FROM phrase ph CROSS JOIN papers_fts_stats s "
        "CROSS JOIN LATERAL (SELECT count(*) AS hits FROM papers_fts "
        "WHERE document @@ ph.query) h "
        "CROSS JOIN LATERAL (SELECT ((s.documents - h.hits)::float8 + 0.5::float8) "
        "/ (h.hits::float8 + 0.5::float8)) AS x (ratio)) "
    )
    # Each phrase's tf once per row (OFFSET 0 keeps the LATERAL from being folded into each
    # use, which would compute it again at each). Each reads (detoasts) the document anew:
    # 5 us a row here, where a copy to share (document || '') costs 16.
    tfs = ", ".join(
        "ts_rank_cd('{1,1,1,1}'::float4[], f.document, "
        f"(SELECT queries[{i}] FROM ranking), 0)::float8 AS tf{i}"
        for i in range(1, len(phrases) + 1)
    )
    joins = f" CROSS JOIN LATERAL (SELECT {tfs} OFFSET 0) AS t"
    score = "0::float8"
    for i in range(1, len(phrases) + 1):
        score = (
            f"({score} + (SELECT idfs[{i}] FROM ranking) * ((t.tf{i} * (1.2::float8 + 1.0::float8))"
            f" / (t.tf{i} + 1.2::float8 * (1::float8 - 0.75::float8 + 0.75::float8 * "
            "f.words::float8 / (SELECT average FROM ranking)))))"
        )
    return with_sql, joins, score


def _pg_one_phrase_ranked(
    compiler: _Compiler, words: Words, descending: bool, limit: int | None
) -> CompiledSearch:
    """One word or phrase alone, by relevance: the papers holding it are the matches, so the
    n of its idf is their count, taken in the same scan (count(*) OVER ()) instead of a
    second one. The score is `_pg_bm25`'s, operation for operation."""
    query = f"(SELECT {compiler.words(words)})"
    ratio = "((s.documents - m.hits)::float8 + 0.5::float8) / (m.hits::float8 + 0.5::float8)"
    idf = f"(CASE WHEN {ratio} <= 1 THEN 1e-6::float8 ELSE ln({ratio}) END)"
    average = "(s.words::float8 / nullif(s.documents, 0)::float8)"
    score = (
        f"(0::float8 + {idf} * ((m.tf * (1.2::float8 + 1.0::float8)) / (m.tf + 1.2::float8 "
        f"* (1::float8 - 0.75::float8 + 0.75::float8 * m.words::float8 / {average}))))"
    )
    # tf below the window (OFFSET 0), which then keeps three numbers a row, not documents.
    sql = (
        "SELECT m.rowid FROM (SELECT x.rowid, x.words, x.tf, count(*) OVER () AS hits FROM "
        "(SELECT f.rowid, f.words, "
        f"ts_rank_cd('{{1,1,1,1}}'::float4[], f.document, {query}, 0)::float8 AS tf "
        f"FROM papers_fts f WHERE f.document @@ {query} OFFSET 0) AS x) AS m "
        f"CROSS JOIN papers_fts_stats s "
        f"ORDER BY {score} {'DESC' if descending else 'ASC'}, m.rowid DESC"
    )
    if limit is not None:
        sql += f" LIMIT {int(limit)}"
    return CompiledSearch(sql, compiler.params)


# Sort columns holding text PostgreSQL must order byte by byte, as SQLite's BINARY does.
_PG_BINARY = {"p.title_key", "p.organization", "p.tags", "p.status"}


def _compile_postgres(
    query: Query,
    sort: SortSpec | None,
    scope_sql: str | None,
    limit: int | None,
    select: str,
    similar: SimilarPapers | None,
) -> CompiledSearch:
    """compile_search for PostgreSQL: the same choices, in PostgreSQL's terms."""
    compiler = _Compiler(similar=similar, postgres=True)
    spec = sort or query.sort
    relevance = _pg_top_level(compiler, query.where)
    like = _top_level_like(query.where)
    if spec is None:
        if like is not None:
            spec = SortSpec("similarity", True)
        else:
            spec = SortSpec("relevance" if relevance else "added", True)
    conditions: list[str] = []
    where = query.where
    with_sql = ""
    from_sql = "papers p"
    if spec.field == "similarity":
        if like is None:
            raise QueryError("sort:similarity needs a like:ID in the query", 0)
        from_sql = (
            "papers p JOIN json_array_elements_text(CAST("
            f"{compiler.similar_ids(like)} AS json)) WITH ORDINALITY AS r (value, key) "
            "ON r.value::bigint = p.id"
        )
        order = f"r.key {'ASC' if spec.descending else 'DESC'}"
    elif spec.field == "relevance" and relevance:
        match, phrases = relevance
        where = _without_plain_words(where)
        alone = where is None and not scope_sql and select == "p.id" and len(phrases) == 1
        only = compiler.words(phrases[0])
        if alone and match in (only, f"({only})"):  # one phrase, nothing negated
            return _pg_one_phrase_ranked(compiler, phrases[0], spec.descending, limit)
        with_sql, joins, score = _pg_bm25(compiler, phrases)
        # Higher is better here (FTS5's rank is minus this); ties by id, newest first.
        order = f"{score} {'DESC' if spec.descending else 'ASC'}, f.rowid DESC"
        if where is None and not scope_sql and select == "p.id":
            sql = (
                f"{with_sql}SELECT f.rowid FROM papers_fts f{joins} "
                f"WHERE f.document @@ (SELECT {match}) ORDER BY {order}"
            )
            if limit is not None:
                sql += f" LIMIT {int(limit)}"
            return CompiledSearch(sql, compiler.params)
        from_sql = f"papers p JOIN papers_fts f ON f.rowid = p.id{joins}"
        conditions.append(f"f.document @@ (SELECT {match})")
    else:
        column, _default_desc = SORT_COLUMNS.get(spec.field, SORT_COLUMNS["added"])
        nullable = column not in _NOT_NULL
        if column in _PG_BINARY:
            column += ' COLLATE "C"'
        # SQLite puts NULLs last both ways (smallest, or NULLS LAST); PostgreSQL must be told
        # (the indexes of postgres_schema.py step 2 hold that order). A column never NULL
        # keeps PostgreSQL's own order, which its plain index serves both ways.
        direction = "DESC" if spec.descending else "ASC"
        if nullable:
            direction += " NULLS LAST"
        order = f"{column} {direction}, p.id {'DESC' if spec.descending else 'ASC'}"
        if isinstance(where, Words) and not scope_sql and _one_token(where):
            # One word, sorted by a column (a word being typed): the word's query is folded when
            # the search is planned (readinglist_query is immutable, and every connection plans
            # for its parameters' values: postgres.py), so the planner knows from the word's
            # statistics how many papers it matches. A common word is then probed while the
            # sort's index is walked up to LIMIT, as SQLite does (43 -> 18 ms for a prefix
            # matching 22,472 of 100,000), a rare one fetched and sorted. Not for a phrase or
            # several words: the planner guesses as if the words were independent, and walked
            # the whole index for a rare phrase (0.5 s).
            expression = compiler.words(where)
            if expression is not None:
                conditions.append(
                    f"p.id IN (SELECT rowid FROM papers_fts WHERE document @@ {expression})"
                )
                where = None
    return _select(compiler, select, from_sql, conditions, where, scope_sql, order, limit, with_sql)
