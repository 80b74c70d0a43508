"""Markdown export: a reading list that renders as intended on Git forges and in CommonMark.

Every piece of page text (titles, abstracts, names) is escaped so that markdown-it-py
(CommonMark) and Python-Markdown agree on it: a `*` in a title never turns into emphasis, `[`
never into a link, `<` never into HTML, `$…$` stays visible LaTeX. Python-Markdown honours
backslash escapes only for some characters, so the others are written as character references,
which both accept. The user's notes are Markdown already and are kept as written, in a quote.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Literal

from readinglist.core.entries import DatePrecision
from readinglist.core.normalize import arxiv_abs_url
from readinglist.core.records import PaperRecord, ReadingStatus

AbstractMode = Literal["none", "full", "details"]
GroupBy = Literal["tag", "status"] | None

_MONTH_NAMES = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_MAX_NAMES = 5  # longer author lists are cut to three names and "et al."
# Backslash escapes both renderers honour.
_BACKSLASHED = frozenset("\\`*_[]#")
# Characters Python-Markdown will not unescape: character references instead.
_REFERENCES = {
    "<": "&lt;",
    ">": "&gt;",
    "&": "&amp;",
    "|": "&#124;",
    "~": "&#126;",
    "$": "&#36;",
}
_TO_ESCAPE = re.compile(r"[\\`*_\[\]#<>&|~$]")
# Inside the <details> block: HTML's own specials, Markdown's and pandoc's extensions' markup
# (`$` math, `\` TeX, `@` citations, `^` `~` super/subscript, `{}` attributes, `:` bare URIs),
# and runs of `-` or `.` that pandoc's smart typography would turn into dashes or an ellipsis.
_HTML_TEXT_ESCAPE = re.compile(
    r"""[&<>"'\\`*_\[\](){}!#$@^~|:]|-(?=-)|(?<=-)-|\.(?=\.)|(?<=\.)\."""
)
# Pandoc's list markers: bullets, numbers, letters and roman numerals with `.` or `)`.
_LINE_START_MARKER = re.compile(r"[-+*]|\(|\w{1,10}[.)](?:\s|$)")
_NAMED_REFERENCES = {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;"}
# What starts a list when it opens a line (`#`, `>`, `*` are always escaped anyway).
_BLOCK_START = re.compile(r"^(\s*)([-+]|\d+[.)])(?=\s|$)")
_STATUS_LABELS = {
    ReadingStatus.READING: "Reading",
    ReadingStatus.UNREAD: "Unread",
    ReadingStatus.READ: "Read",
}


def escape_inline(text: str) -> str:
    """`text` as Markdown inline content that renders as exactly `text` (whitespace collapsed)."""
    return _TO_ESCAPE.sub(_escape_match, " ".join(text.split()))


def _escape_match(match: re.Match[str]) -> str:
    char = match.group()
    return "\\" + char if char in _BACKSLASHED else _REFERENCES[char]


def _escape_paragraph(text: str) -> str:
    """One paragraph of free text, escaped."""
    return _guard_line_start(escape_inline(text))


def _guard_line_start(line: str) -> str:
    """A leading `-`, `+` or `1.` would start a list: escape its marker (`\\-`, `1\\.`)."""
    match = _BLOCK_START.match(line)
    if not match:
        return line
    position = match.end(2) - 1
    return line[:position] + "\\" + line[position:]


def _html_text(text: str) -> str:
    """`text` as HTML that no Markdown reader turns into markup, pandoc's included: its links,
    images, math, raw TeX, citations, spans and bare-URL links all start with one of these."""
    return _HTML_TEXT_ESCAPE.sub(_html_reference, text)


def _html_paragraph(text: str) -> str:
    """A paragraph for the <details> block. Pandoc reads what follows `<p>` as the start of a
    line, where `- `, `+ `, `1. ` or `a) ` would open a list: such a start is a reference too."""
    if _LINE_START_MARKER.match(text):
        return f"&#{ord(text[0])};" + _html_text(text[1:])
    return _html_text(text)


def _html_reference(match: re.Match[str]) -> str:
    char = match.group()
    return _NAMED_REFERENCES.get(char) or f"&#{ord(char)};"


def _paragraphs(text: str) -> list[str]:
    parts = re.split(r"\n\s*\n", text.replace("\r\n", "\n").strip())
    return [_escape_paragraph(p) for p in parts if p.strip()]


def _url(url: str) -> str:
    """A link destination: percent-encode what would end it or be read as markup."""
    safe = url.strip()
    for char, code in ((" ", "%20"), ("(", "%28"), (")", "%29"), ("<", "%3C"), (">", "%3E")):
        safe = safe.replace(char, code)
    return safe.replace("\\", "%5C")


def _date(record: PaperRecord) -> str | None:
    date, precision = record.published, record.published_precision
    if date is None or precision is DatePrecision.UNKNOWN:
        return None
    if precision is DatePrecision.YEAR:
        return str(date.year)
    if precision is DatePrecision.MONTH:
        return f"{_MONTH_NAMES[date.month - 1]} {date.year}"
    return f"{date.day} {_MONTH_NAMES[date.month - 1]} {date.year}"


def _authors(record: PaperRecord) -> str | None:
    if record.authors:
        names = record.authors
        total = max(len(names), record.authors_count or 0)
        if total > _MAX_NAMES:
            return ", ".join(escape_inline(n) for n in names[:3]) + " et al."
        return ", ".join(escape_inline(n) for n in names)
    if record.authors_count:
        count = record.authors_count
        return f"{count} author{'s' if count != 1 else ''}"
    return None


def _link(record: PaperRecord) -> str | None:
    if record.arxiv_id:
        return arxiv_abs_url(record.arxiv_id)
    return record.url or None


def _metadata(record: PaperRecord) -> str:
    parts = [p for p in (_date(record), _authors(record)) if p]
    if record.organization:
        parts.append(escape_inline(record.organization))
    for index, url in enumerate(record.code_urls, 1):
        label = "Code" if len(record.code_urls) == 1 else f"Code {index}"
        parts.append(f"[{label}]({_url(url)})")
    return _guard_line_start(" · ".join(parts))


def _abstract(record: PaperRecord, mode: AbstractMode) -> list[str]:
    if mode == "none" or not record.abstract or not record.abstract.strip():
        return []
    if mode == "full":
        return _paragraphs(record.abstract)
    # An HTML block without blank lines: CommonMark renderers and Python-Markdown pass it through
    # untouched, but pandoc's Markdown reads Markdown inside it. So every character any of them
    # could take as markup is a character reference, which all of them show as the character.
    body = "</p>\n<p>".join(
        _html_paragraph(" ".join(p.split()))
        for p in re.split(r"\n\s*\n", record.abstract.strip())
        if p.strip()
    )
    return [f"<details>\n<summary>Abstract</summary>\n<p>{body}</p>\n</details>"]


def _entry(record: PaperRecord, level: int, abstracts: AbstractMode, notes: bool) -> list[str]:
    title = escape_inline(record.title) or "Untitled"
    link = _link(record)
    heading = f"[{title}]({_url(link)})" if link else title
    blocks = [f"{'#' * level} {heading}"]
    metadata = _metadata(record)
    if metadata:
        blocks.append(metadata)
    blocks.extend(_abstract(record, abstracts))
    if notes and record.notes.strip():
        # Notes are written in Markdown (as the window shows them), so they are kept as such,
        # inside a block quote so that a heading or list in them stays within the entry.
        lines = record.notes.strip().replace("\r\n", "\n").split("\n")
        quoted = "\n".join(f"> {line}" if line.strip() else ">" for line in lines)
        blocks.append("**Notes:**\n" + quoted)
    return blocks


def _groups(
    papers: Sequence[PaperRecord], group_by: GroupBy
) -> list[tuple[str | None, list[PaperRecord]]]:
    if group_by is None:
        return [(None, list(papers))]
    if group_by == "status":
        return [
            (label, [p for p in papers if p.status is status])
            for status, label in _STATUS_LABELS.items()
            if any(p.status is status for p in papers)
        ]
    # A paper with several tags is listed under each: a reader browsing one tag sees all of it.
    by_tag: dict[str, list[PaperRecord]] = {}
    untagged: list[PaperRecord] = []
    for paper in papers:
        for tag in paper.tags:
            by_tag.setdefault(tag, []).append(paper)
        if not paper.tags:
            untagged.append(paper)
    groups: list[tuple[str | None, list[PaperRecord]]] = [
        (tag, by_tag[tag]) for tag in sorted(by_tag, key=str.casefold)
    ]
    if untagged:
        groups.append(("Untagged", untagged))
    return groups


def export_markdown(
    papers: Sequence[PaperRecord],
    *,
    title: str,
    description: str | None = None,
    abstracts: AbstractMode = "none",
    include_notes: bool = False,
    group_by: GroupBy = None,
) -> str:
    """The reading list as Markdown: a heading with its name and description, then one
    section per paper in the given order (under a heading per tag or status when grouped)."""
    if abstracts not in ("none", "full", "details"):
        raise ValueError(f"abstracts must be 'none', 'full' or 'details', not {abstracts!r}")
    if group_by not in (None, "tag", "status"):
        raise ValueError(f"group_by must be None, 'tag' or 'status', not {group_by!r}")
    blocks = [f"# {escape_inline(title) or 'Reading list'}"]
    if description and description.strip():
        blocks.extend(_paragraphs(description))
    if not papers:
        blocks.append("No papers.")
    count = len({p.id for p in papers})
    if papers:
        blocks.append(f"{count} paper{'s' if count != 1 else ''}.")
    level = 2 if group_by is None else 3
    for label, members in _groups(papers, group_by):
        if label is not None:
            blocks.append(f"## {escape_inline(label)}")
        for record in members:
            blocks.extend(_entry(record, level, abstracts, include_notes))
    return "\n\n".join(blocks) + "\n"
