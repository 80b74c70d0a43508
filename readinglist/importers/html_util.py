"""Small helpers shared by the HTML importers: parsing, readable text, and line numbers."""

from __future__ import annotations

from typing import Any

from selectolax.lexbor import LexborHTMLParser, LexborNode

from readinglist.core.errors import ListingError
from readinglist.importers.base import ListingText


def parse_html(listing: ListingText) -> LexborHTMLParser:
    try:
        return LexborHTMLParser(listing.text)
    except Exception as exc:  # the parser's own errors carry no stable type
        raise ListingError(listing.path, f"the HTML cannot be parsed ({exc})") from None


def squash(text: str) -> str:
    """Runs of whitespace (as HTML renders them) become one space."""
    return " ".join(text.split())


def node_text(node: LexborNode | None, *, skip: tuple[str, ...] = ()) -> str:
    """The text a reader sees in `node`: whitespace folded, `<br>` kept as a line break, and
    the elements matching the `skip` selectors (labels such as "Title:") left out."""
    if node is None:
        return ""
    skipped = {id_of(n) for selector in skip for n in node.css(selector)}
    parts: list[str] = []
    _collect(node, parts, skipped)
    lines = "".join(parts).split("\n")
    return "\n".join(line for line in (squash(line) for line in lines) if line)


def id_of(node: LexborNode) -> Any:
    return node.mem_id


def _collect(node: LexborNode, parts: list[str], skipped: set[Any]) -> None:
    child = node.child
    while child is not None:
        if child.tag == "-text":
            parts.append(child.text_content or "")
        elif child.tag == "br":
            parts.append("\n")
        elif child.tag not in ("script", "style", "-comment") and id_of(child) not in skipped:
            _collect(child, parts, skipped)
        child = child.next


class LineFinder:
    """1-based line numbers of entries, found by searching the source text for a string each
    entry is known to contain, moving forward through the file as entries are read in order."""

    def __init__(self, text: str) -> None:
        self._text = text
        self._cursor = 0
        self._line = 1

    def find(self, needle: str) -> int:
        return self.locate(needle)[0]

    def locate(self, needle: str) -> tuple[int, int]:
        """The 1-based line and column of the needle's next occurrence (a saved page often
        holds all its entries on one long line: the column tells them apart). Not found: the
        place of the last one found."""
        at = self._text.find(needle, self._cursor) if needle else -1
        if at >= 0:
            self._line += self._text.count("\n", self._cursor, at)
            self._cursor = at
        return self._line, self._cursor - self._text.rfind("\n", 0, self._cursor)
