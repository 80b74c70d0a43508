"""BibTeX export: `@misc` entries that classic bibtex, biber, pybtex and bibtexparser all accept.

Keys are issued and stored by the library (`Library.issue_citation_keys`); this module only
makes and checks them. `url`, `eprint` and `doi` are written verbatim: escaping them breaks
the link.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from readinglist.core.citekeys import NAME_SUFFIXES, make_citation_key, validate_citation_key
from readinglist.core.entries import DatePrecision
from readinglist.core.records import PaperRecord
from readinglist.exporters.latex import to_latex

_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_WITH_MONTH = {DatePrecision.DAY, DatePrecision.YEAR_INFERRED, DatePrecision.MONTH}
_WITH_YEAR = _WITH_MONTH | {DatePrecision.YEAR}
_NAME_PARTICLES = frozenset(
    [
        "da",
        "de",
        "del",
        "della",
        "der",
        "di",
        "dos",
        "du",
        "la",
        "le",
        "van",
        "von",
        "den",
        "ten",
        "ter",
    ]
)

# ----------------------------------------------------------------- fields


def _bibtex_name(name: str) -> str:
    """`First von Last` → `von Last, First`; a name already with a comma is taken as given."""
    name = " ".join(name.split())
    if "," in name:
        return ", ".join(to_latex(part.strip()) for part in name.split(",", 2))
    tokens = name.split()
    suffix = ""
    if len(tokens) > 2 and tokens[-1].lower() in NAME_SUFFIXES:
        suffix = tokens.pop()
    if len(tokens) == 1:
        # One word (a mononym or "DeepSeek-AI"): braced so bibtex never splits or abbreviates it.
        return "{" + to_latex(tokens[0]) + "}"
    last_start = len(tokens) - 1
    while last_start > 1 and tokens[last_start - 1].lower() in _NAME_PARTICLES:
        last_start -= 1
    last = " ".join(tokens[last_start:])
    first = " ".join(tokens[:last_start])
    parts = [last, suffix, first] if suffix else [last, first]
    return ", ".join(to_latex(p) for p in parts)


def _authors_field(record: PaperRecord) -> str | None:
    if not record.authors:
        return None
    names = []
    for name in record.authors:
        encoded = _bibtex_name(name)
        # A name with the word "and" in it would be read as two names.
        if re.search(r"(^|\s)and(\s|$)", encoded, re.IGNORECASE):
            encoded = "{" + encoded + "}"
        names.append(encoded)
    if record.authors_count is not None and record.authors_count > len(record.authors):
        names.append("others")
    return " and ".join(names)


def _safe_url(url: str) -> str:
    """The URL verbatim, except what would end the field or the line (URL-equivalent anyway)."""
    return (
        url.strip()
        .replace(" ", "%20")
        .replace("{", "%7B")
        .replace("}", "%7D")
        .replace("\n", "")
        .replace("\r", "")
    )


def _plain(text: str) -> str:
    """Free text (abstract, notes) as a field value that cannot break the entry."""
    return to_latex(text)


def _sort_key(record: PaperRecord) -> str:
    # What bibtex sorts and labels by when no author is named: the title, without braces that
    # would make it sort as one unit.
    return to_latex(record.title) or "Untitled"


def _entry(
    record: PaperRecord, key: str, include_abstracts: bool, include_notes: bool
) -> list[str]:
    fields: list[tuple[str, str]] = [
        ("title", "{" + to_latex(record.title, protect_case=True) + "}")
    ]
    authors = _authors_field(record)
    if authors is not None:
        fields.append(("author", "{" + authors + "}"))
    else:
        # No invented names: bibtex needs `key` to sort an entry without author.
        fields.append(("key", "{" + _sort_key(record) + "}"))
        if record.authors_count:
            count = record.authors_count
            fields.append(("note", "{" + f"{count} author{'s' if count != 1 else ''}" + "}"))
    if record.published is not None and record.published_precision in _WITH_YEAR:
        fields.append(("year", "{" + str(record.published.year) + "}"))
        if record.published_precision in _WITH_MONTH:
            fields.append(("month", _MONTHS[record.published.month - 1]))
    if record.arxiv_id:
        fields.append(("eprint", "{" + _safe_url(record.arxiv_id) + "}"))
        fields.append(("archivePrefix", "{arXiv}"))
        if record.primary_class:
            fields.append(("primaryClass", "{" + _safe_url(record.primary_class) + "}"))
        fields.append(("url", "{https://arxiv.org/abs/" + _safe_url(record.arxiv_id) + "}"))
    elif record.url:
        fields.append(("url", "{" + _safe_url(record.url) + "}"))
    if record.doi:
        fields.append(("doi", "{" + _safe_url(record.doi) + "}"))
    if include_abstracts and record.abstract and record.abstract.strip():
        fields.append(("abstract", "{" + _plain(record.abstract) + "}"))
    if include_notes and record.notes.strip():
        fields.append(("annote", "{" + _plain(record.notes) + "}"))
    lines = [f"@misc{{{key},"]
    lines.extend(f"  {name} = {value}," for name, value in fields[:-1])
    name, value = fields[-1]
    lines.append(f"  {name} = {value}")
    lines.append("}")
    return lines


def export_bibtex(
    papers: Sequence[PaperRecord],
    *,
    keys: Mapping[int, str],
    include_abstracts: bool,
    include_notes: bool,
) -> str:
    """One `@misc` entry per paper, in the given order, under the key `keys[paper.id]`.

    A paper missing from `keys` uses its stored key, else gets a fresh one unique within this
    export (a preview can do without storing keys). Raises ValueError on an invalid key or on
    two papers sharing a key.
    """
    # A paper given twice is written once: a repeated key is an error for bibtex and biber.
    papers = list({record.id: record for record in reversed(papers)}.values())[::-1]
    used: dict[str, int] = {}
    chosen: list[str | None] = []
    for record in papers:
        key = keys.get(record.id) or record.citation_key
        if key is not None:
            problem = validate_citation_key(key)
            if problem is not None:
                raise ValueError(f"paper {record.id} has the key {key!r}: {problem}")
            if key.lower() in used and used[key.lower()] != record.id:
                raise ValueError(
                    f"papers {used[key.lower()]} and {record.id} share the key {key!r}"
                )
            used[key.lower()] = record.id
        chosen.append(key)
    taken = set(used)
    blocks: list[str] = []
    for record, maybe_key in zip(papers, chosen, strict=True):
        key = maybe_key
        if key is None:
            key = make_citation_key(record, taken)
            taken.add(key.lower())
        blocks.append("\n".join(_entry(record, key, include_abstracts, include_notes)))
    return "\n\n".join(blocks) + "\n" if blocks else ""
