"""Hugging Face Papers pages exported as text with each link's address on its own line
(notebook and clipping tools):

     [-] 19                                                   <- upvotes ("-" is 0)
    https://huggingface.co/login?next=%2Fpapers%2F2409.02326
    Arctic-SnowCoder: Demystifying High-Quality Data ...      <- title
    https://huggingface.co/papers/2409.02326
    Recent studies have been increasingly ...                 <- abstract
    https://huggingface.co/papers/2409.02326
    [
    3 authors](https://huggingface.co/papers/2409.02326)      <- or " Kyutai" + its page
    ·
    Sep 3, 2024
    2                                                         <- comment count
    https://huggingface.co/papers/2409.02326#community
"""

from __future__ import annotations

import re

from readinglist.core.entries import ParseResult
from readinglist.importers.base import ListingText, ParseOptions
from readinglist.importers.hf_dates import match_date
from readinglist.importers.hf_entries import (
    AUTHORS,
    Kind,
    Piece,
    assemble,
    captured_date,
    count_of,
    paper_id_of_url,
)
from readinglist.importers.hf_markdown import _front_matter

_URL_LINE = re.compile(r"^https?://\S+$")
_AUTHORS_LINK = re.compile(r"^(?P<label>.*?)\]\((?P<url>https?://\S+)\)$")
_UPVOTE_BOX = "[-]"


def _profile_handle(url: str) -> str | None:
    path = url.split("huggingface.co", 1)[-1] if "huggingface.co/" in url else ""
    parts = path.strip("/").split("/")
    return parts[0] if len(parts) == 1 and parts[0] and "?" not in path else None


def pieces_of(text: str) -> tuple[list[Piece], dict[str, str]]:
    lines = text.split("\n")
    meta, start = _front_matter(lines)
    pieces: list[Piece] = []
    pending: list[tuple[int, str]] = []  # text lines waiting for the address they link to
    for number in range(start, len(lines)):
        line = lines[number].strip()
        here = number + 1
        if not line or line == "[":
            continue
        if _URL_LINE.match(line):
            label = " ".join(text for _, text in pending)
            first = pending[0][0] if pending else here
            pending.clear()
            paper_id = paper_id_of_url(line)
            if "next=" in line:
                if paper_id and pieces and pieces[-1].kind is Kind.UPVOTES:
                    pieces[-1].paper_id = paper_id
            elif line.endswith("#community"):
                count = count_of(label)
                if count is not None:
                    pieces.append(Piece(Kind.COMMENTS, first, number=count))
            elif paper_id is not None:
                if label:
                    pieces.append(Piece(Kind.LINK, first, label, paper_id))
            elif label and (handle := _profile_handle(line)) is not None:
                pieces.append(Piece(Kind.ORG, first, text=label, handle=handle))
            continue
        if line.startswith(_UPVOTE_BOX):
            pending.clear()
            pieces.append(Piece(Kind.UPVOTES, here, number=count_of(line[len(_UPVOTE_BOX) :])))
            continue
        if line == "·":
            pending.clear()
            continue
        date = match_date(line)
        if date is not None:
            pending.clear()
            pieces.append(Piece(Kind.DATE, here, date=date))
            continue
        link = _AUTHORS_LINK.match(line)
        if link is not None:
            authors = AUTHORS.match(link.group("label").strip())
            pending.clear()
            if authors is not None and paper_id_of_url(link.group("url")):
                count = int(authors.group("count").replace(",", ""))
                pieces.append(Piece(Kind.AUTHORS, here, number=count))
            continue
        pending.append((here, line))
    return pieces, meta


class HuggingFaceLinkedTextImporter:
    name = "hf-linked-text"
    label = "Hugging Face page (text with links)"

    def sniff(self, listing: ListingText) -> float:
        head = listing.text[:50000]
        if head.lstrip()[:1] in ("<", "{"):
            return 0.0
        lines = [line.strip() for line in head.split("\n")]
        paper_lines = sum(1 for line in lines if line.startswith("https://huggingface.co/papers/2"))
        boxes = sum(1 for line in lines if line.startswith(_UPVOTE_BOX))
        return 0.95 if paper_lines >= 2 and boxes >= 1 else 0.0

    def parse(self, listing: ListingText, options: ParseOptions) -> ParseResult:
        pieces, meta = pieces_of(listing.text)
        captured = captured_date(meta.get("exported", "") or meta.get("retrieved", ""))
        return assemble(pieces, listing, options, self.name, captured)


HF_LINKED_TEXT = HuggingFaceLinkedTextImporter()
