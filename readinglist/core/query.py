"""The search query language, shared by the command line and the window.

    training efficiency        both words, each matched as a prefix (train… effic…)
    "speech model"             the exact phrase
    -survey   NOT survey       without the word
    a OR b    (a OR b) c       either; parentheses group
    title:diffusion            a word in one field (title, abstract, notes)
    tag:to-read  list:thesis   tags and reading lists, by name
    status:unread  org:tencent  source:daily  arxiv:2409.01234
    year:2024  year:>=2023  year:2022..2024  authors:>10  comments:>0  upvotes:>=50  rating:>3
    authors:smith              an author's name
    has:code  has:arxiv  has:abstract  has:notes  has:authors  has:tags
    like:42                    the papers most like paper 42, most alike first
    sort:published  sort:-upvotes   order of the results (- for descending)

Parsing never touches the database: `parse_query` turns text into a small tree, or raises
QueryError with the 0-based position of the problem.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from readinglist.core.errors import QueryError

TEXT_FIELDS = ("title", "abstract", "notes")
NUMERIC_FIELDS = ("year", "comments", "upvotes", "rating")
FIELDS = (
    *TEXT_FIELDS,
    *NUMERIC_FIELDS,
    "authors",
    "author",
    "tag",
    "list",
    "status",
    "org",
    "source",
    "arxiv",
    "has",
    "like",
    "sort",
)
HAS_VALUES = ("code", "arxiv", "abstract", "notes", "authors", "tags", "org", "date")
STATUS_VALUES = ("unread", "reading", "read")
SORT_FIELDS = (
    "relevance",
    "similarity",
    "title",
    "published",
    "date",
    "year",
    "added",
    "authors",
    "org",
    "organization",
    "comments",
    "upvotes",
    "status",
    "rating",
    "tags",
)


@dataclass(frozen=True)
class Words:
    """Free text: words matched by prefix, or an exact phrase; `field` limits it to a column."""

    text: str
    phrase: bool
    field: str | None = None


@dataclass(frozen=True)
class FieldTerm:
    field: str
    value: str


@dataclass(frozen=True)
class Compare:
    """A numeric condition: op in <, <=, >, >=, =; `high` set for a range low..high."""

    field: str
    op: str
    value: int
    high: int | None = None


@dataclass(frozen=True)
class Not:
    child: Node


@dataclass(frozen=True)
class And:
    children: tuple[Node, ...]


@dataclass(frozen=True)
class Or:
    children: tuple[Node, ...]


Node = Words | FieldTerm | Compare | Not | And | Or


@dataclass(frozen=True)
class SortSpec:
    field: str
    descending: bool


@dataclass(frozen=True)
class Query:
    """A parsed query: `where` is None for "everything"; `sort` is None unless it says sort:."""

    where: Node | None
    sort: SortSpec | None = None


@dataclass(frozen=True)
class _Token:
    kind: str  # "word", "phrase", "lparen", "rparen", "or", "and", "not"
    text: str
    position: int
    negated: bool = False  # a leading "-"
    field: str | None = None  # "title" in title:word / title:"a phrase"
    value_position: int = -1  # where the value starts, after any "-" and "field:"


_FIELD_PREFIX = re.compile(r"([A-Za-z]+):")

# Bounds that keep every query quick and the parser's recursion shallow. Each word costs a scan
# of the index for every indexed word it is a prefix of (about 30 ms for a common word at
# 100,000 papers), so a search of a pasted page would take minutes; real queries are a few
# words. Parentheses and NOT recurse in the parser and nest in the SQL.
MAX_QUERY_CHARS = 2000
MAX_TERMS = 50
MAX_NESTING = 20


def _tokenize(text: str) -> list[_Token]:
    if len(text) > MAX_QUERY_CHARS:
        raise QueryError(
            f"a query is at most {MAX_QUERY_CHARS:,} characters; this one has {len(text):,}",
            MAX_QUERY_CHARS,
        )
    tokens: list[_Token] = []
    terms = 0
    index = 0
    length = len(text)
    while index < length:
        char = text[index]
        if char.isspace():
            index += 1
            continue
        start = index
        if char == "(":
            tokens.append(_Token("lparen", char, start))
            index += 1
            continue
        if char == ")":
            tokens.append(_Token("rparen", char, start))
            index += 1
            continue
        negated = False
        if char == "-" and index + 1 < length and not text[index + 1].isspace():
            negated = True
            index += 1
        field: str | None = None
        match = _FIELD_PREFIX.match(text, index)
        if match is not None and match.group(1).lower() in FIELDS:
            field = match.group(1).lower()
            index = match.end()
        elif (
            match is not None
            and match.end() < length
            and not text[match.end()].isspace()
            and not text.startswith("//", match.end())
        ):
            known = ", ".join(f for f in FIELDS if f != "author")
            raise QueryError(f"unknown field {match.group(1)!r}; known fields: {known}", index)
        if index < length and text[index] == '"':
            end = text.find('"', index + 1)
            if end == -1:
                raise QueryError("a quotation mark is not closed", index)
            terms = _count_term(terms, start)
            tokens.append(_Token("phrase", text[index + 1 : end], start, negated, field, index + 1))
            index = end + 1
            continue
        end = index
        while end < length and not text[end].isspace() and text[end] not in '()"':
            end += 1
        word = text[index:end]
        if field is not None and not word:
            raise QueryError(f"{field}: needs a value right after the colon", start)
        if field is None and not negated and word in ("OR", "AND", "NOT"):
            tokens.append(_Token(word.lower(), word, start))
        elif not word and negated:
            raise QueryError("a minus sign must come right before a word", start)
        else:
            terms = _count_term(terms, start)
            tokens.append(_Token("word", word, start, negated, field, index))
        index = end
    return tokens


def _count_term(terms: int, position: int) -> int:
    if terms == MAX_TERMS:
        raise QueryError(f"a query holds at most {MAX_TERMS} words and terms", position)
    return terms + 1


def _parse_number(text: str, position: int, field: str) -> int:
    """`position` is where `text` starts; an error points at its first offending character."""
    if not re.fullmatch(r"\d{1,9}", text):
        digits = re.match(r"\d*", text)
        offset = digits.end() if digits is not None else 0
        if offset >= 9:  # too many digits: point at the first one too many
            offset = 9
        elif offset == len(text):  # nothing at all after the comparison
            offset = 0
        raise QueryError(f"{field}: expects a whole number, not {text!r}", position + offset)
    return int(text)


def _compare(token: _Token) -> Compare:
    field = "authors" if token.field in ("authors", "author") else str(token.field)
    value = token.text
    range_match = re.fullmatch(r"(\d+)\.\.(\d+)", value)
    if range_match:
        low, high = int(range_match.group(1)), int(range_match.group(2))
        if low > high:
            raise QueryError(f"{field}: the range {value} runs backwards", token.value_position)
        return Compare(field, "between", low, high)
    op_match = re.fullmatch(r"(>=|<=|>|<|=)?(.*)", value)
    assert op_match is not None  # the pattern matches any string
    op = op_match.group(1) or "="
    number_at = token.value_position + op_match.start(2)
    return Compare(field, op, _parse_number(op_match.group(2), number_at, field))


def _term(token: _Token, sorts: list[SortSpec]) -> Node | None:
    field = token.field
    if field is None:
        return Words(token.text, token.kind == "phrase")
    if field in TEXT_FIELDS:
        return Words(token.text, token.kind == "phrase", field)
    value = token.text
    if field in NUMERIC_FIELDS:
        return _compare(token)
    if field in ("authors", "author"):
        if re.fullmatch(r"(>=|<=|>|<|=)?\d+(\.\.\d+)?", value):
            return _compare(token)
        return FieldTerm("author", value)
    if field == "has":
        if value.lower() not in HAS_VALUES:
            raise QueryError(
                f"has: takes one of {', '.join(HAS_VALUES)}, not {value!r}", token.value_position
            )
        return FieldTerm("has", value.lower())
    if field == "status":
        if value.lower() not in STATUS_VALUES:
            raise QueryError(
                f"status: takes unread, reading or read, not {value!r}",
                token.value_position,
            )
        return FieldTerm("status", value.lower())
    if field == "like":
        if not re.fullmatch(r"\d{1,9}", value):
            raise QueryError(f"like: takes a paper's id, not {value!r}", token.position)
        return FieldTerm("like", value)
    if field == "sort":
        descending = value.startswith("-")
        name = value.lstrip("-+").lower()
        if name not in SORT_FIELDS:
            raise QueryError(
                f"sort: takes one of {', '.join(SORT_FIELDS)}, not {value!r}",
                token.value_position,
            )
        sorts.append(SortSpec(name, descending))
        return None
    return FieldTerm(field, value)


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens = _tokenize(text)
        self.index = 0
        self.sorts: list[SortSpec] = []
        self.depth = 0  # parentheses and NOTs open around the current token

    def peek(self) -> _Token | None:
        return self.tokens[self.index] if self.index < len(self.tokens) else None

    def parse(self) -> Query:
        node = self.parse_or()
        token = self.peek()
        if token is not None:  # only a stray ")" can stop parse_or early
            raise QueryError("a closing parenthesis has no opening one", token.position)
        return Query(node, self.sorts[-1] if self.sorts else None)

    def parse_or(self) -> Node | None:
        children: list[Node] = []
        first = self.parse_and()
        if first is not None:
            children.append(first)
        while (token := self.peek()) is not None and token.kind == "or":
            if first is None and not children:
                raise QueryError("OR needs something before it", token.position)
            self.index += 1
            nxt = self.parse_and()
            if nxt is None:
                raise QueryError("OR needs something after it", token.position)
            children.append(nxt)
        if not children:
            return None
        return children[0] if len(children) == 1 else Or(tuple(children))

    def parse_and(self) -> Node | None:
        children: list[Node] = []
        while (token := self.peek()) is not None and token.kind not in ("or", "rparen"):
            if token.kind == "and":
                self.index += 1
                continue
            node = self.parse_unary()
            if node is not None:
                children.append(node)
        if not children:
            return None
        return children[0] if len(children) == 1 else And(tuple(children))

    def parse_unary(self) -> Node | None:
        token = self.peek()
        assert token is not None
        if token.kind in ("not", "lparen"):
            if self.depth == MAX_NESTING:
                raise QueryError(
                    f"parentheses and NOT nest at most {MAX_NESTING} deep",
                    token.position,
                )
            self.depth += 1
            try:
                return self.parse_nested(token)
            finally:
                self.depth -= 1
        self.index += 1
        node = _term(token, self.sorts)
        if node is None:
            return None
        return Not(node) if token.negated else node

    def parse_nested(self, token: _Token) -> Node | None:
        """NOT and a parenthesised group, the two ways a query nests."""
        if token.kind == "not":
            self.index += 1
            following = self.peek()
            if following is None or following.kind in ("or", "and", "rparen", "not"):
                raise QueryError("NOT needs a word after it", token.position)
            child = self.parse_unary()
            return Not(child) if child is not None else None
        self.index += 1  # the opening parenthesis
        inner = self.parse_or()
        closing = self.peek()
        if closing is None or closing.kind != "rparen":
            raise QueryError("a parenthesis is not closed", token.position)
        self.index += 1
        if inner is None:
            raise QueryError("empty parentheses", token.position)
        return inner


def parse_query(text: str) -> Query:
    """Parse the query language; raise QueryError (one sentence, a position) when malformed."""
    # FTS5 ends a string at NUL; other control characters mean nothing in a query.
    cleaned = "".join(" " if ord(char) < 32 else char for char in text)
    return _Parser(cleaned).parse()
