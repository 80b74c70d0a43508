"""Hugging Face Papers pages scraped to Markdown by read-later tools (e.g. firecrawl).

    [101](https://huggingface.co/login?next=%2Fpapers%2F2606.00683)     <- upvotes ("-" is 0)
    ### [Title](https://huggingface.co/papers/2606.00683)
    [Abstract, lines ending in "\\\\"](https://huggingface.co/papers/2606.00683)
    [![occ-ai](avatar.png)OCC](https://huggingface.co/occ-ai)          <- or [- 5 authors](...)
    ·
    May 29[6](https://huggingface.co/papers/2606.00683#community)      <- date, comment count

A front matter block may say when the page was retrieved: that dates "May 29" in its year.
"""

from __future__ import annotations

import re

from readinglist.core.entries import ParseResult
from readinglist.importers.base import ListingText, ParseOptions
from readinglist.importers.hf_dates import SHORT_DATE, match_date
from readinglist.importers.hf_entries import (
    AUTHORS,
    Kind,
    Piece,
    assemble,
    captured_date,
    count_of,
    paper_id_of_url,
)

_ASCII_PUNCTUATION = set("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")
_DATE_AND_COMMENTS = re.compile(
    rf"^(?P<date>{SHORT_DATE.pattern})\s*(?:\[(?P<n>\d+)\]\((?P<url>\S+)\))?$"
)
_IMAGE = re.compile(r"^!\[(?P<alt>[^\]]*)\]\((?P<src>[^)\s]*)\)")


def unescape(text: str) -> str:
    """Markdown's backslash escapes undone; firecrawl's line breaks ("\\\\" at a line's end)
    become spaces. TeX survives: "\\\\%" is the escaped backslash of "\\%"."""
    out: list[str] = []
    index = 0
    while index < len(text):
        char = text[index]
        following = text[index + 1] if index + 1 < len(text) else ""
        if char == "\\" and following:
            after = text[index + 2] if index + 2 < len(text) else "\n"
            if following == "\\" and after == "\n":
                out.append(" ")
                index += 3
                continue
            if following in _ASCII_PUNCTUATION:
                out.append(following)
                index += 2
                continue
            if following.isspace():
                out.append(" ")
                index += 2
                continue
        out.append(char)
        index += 1
    return " ".join("".join(out).split())


def _link(paragraph: str) -> tuple[str, str] | None:
    """A paragraph that is one inline link `[text](url)`: (text, url)."""
    if not paragraph.startswith("[") or not paragraph.endswith(")"):
        return None
    split = paragraph.rfind("](")
    if split < 0:
        return None
    url = paragraph[split + 2 : -1]
    if not url or any(c.isspace() for c in url):
        return None
    return paragraph[1:split], url


def _front_matter(lines: list[str]) -> tuple[dict[str, str], int]:
    if not lines or lines[0].strip() != "---":
        return {}, 0
    values: dict[str, str] = {}
    for index in range(1, min(len(lines), 60)):
        line = lines[index]
        if line.strip() == "---":
            return values, index + 1
        key, _, value = line.partition(":")
        values[key.strip().lower()] = value.strip().strip('"')
    return {}, 0


def pieces_of(text: str) -> tuple[list[Piece], dict[str, str]]:
    lines = text.split("\n")
    meta, start = _front_matter(lines)
    pieces: list[Piece] = []
    paragraph: list[str] = []
    first = start + 1

    def flush() -> None:
        if paragraph:
            piece = _classify("\n".join(paragraph), first)
            if piece is not None:
                pieces.extend(piece)
        paragraph.clear()

    for number in range(start, len(lines)):
        line = lines[number].rstrip()
        if not line.strip():
            flush()
            continue
        if not paragraph:
            first = number + 1
        paragraph.append(line)
    flush()
    return pieces, meta


def _classify(paragraph: str, line: int) -> list[Piece] | None:
    text = paragraph.strip()
    if text.startswith("### "):
        link = _link(text[4:].strip())
        if link is None:
            return [Piece(Kind.TITLE, line, unescape(text[4:]))]
        return [Piece(Kind.TITLE, line, unescape(link[0]), paper_id_of_url(link[1]))]
    date = _DATE_AND_COMMENTS.match(text)
    if date is not None:
        found = match_date(date.group("date"))
        if found is None:
            return None
        pieces = [Piece(Kind.DATE, line, date=found)]
        if date.group("n") is not None and (date.group("url") or "").endswith("#community"):
            pieces.append(Piece(Kind.COMMENTS, line, number=int(date.group("n"))))
        return pieces
    link = _link(text)
    if link is None:
        return None
    label, url = link
    paper_id = paper_id_of_url(url)
    if "next=" in url and paper_id is not None:
        return [Piece(Kind.UPVOTES, line, paper_id=paper_id, number=count_of(label))]
    if url.endswith("#community"):
        count = count_of(label)
        return [Piece(Kind.COMMENTS, line, number=count)] if count is not None else None
    image = _IMAGE.match(label)
    if paper_id is None and image is not None and "huggingface.co/" in url:
        handle = url.rstrip("/").rsplit("/", 1)[-1]
        name = unescape(label[image.end() :]) or image.group("alt")
        return [Piece(Kind.ORG, line, text=name, handle=handle)]
    if paper_id is None:
        return None
    last = unescape(label.split("\n")[-1])
    authors = AUTHORS.match(last)
    if authors is not None:
        return [Piece(Kind.AUTHORS, line, number=int(authors.group("count").replace(",", "")))]
    return [Piece(Kind.LINK, line, unescape(label), paper_id)]


class HuggingFaceMarkdownImporter:
    name = "hf-markdown"
    label = "Hugging Face page (Markdown)"

    def sniff(self, listing: ListingText) -> float:
        head = listing.text[:50000]
        if head.lstrip()[:1] in ("<", "{"):
            return 0.0
        if "](https://huggingface.co/papers/" in head and "### [" in head:
            return 0.96
        return 0.0

    def parse(self, listing: ListingText, options: ParseOptions) -> ParseResult:
        pieces, meta = pieces_of(listing.text)
        captured = captured_date(meta.get("retrieved", "") or meta.get("date", ""))
        return assemble(pieces, listing, options, self.name, captured)


HF_MARKDOWN = HuggingFaceMarkdownImporter()
