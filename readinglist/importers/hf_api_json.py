"""Responses of the Hugging Face papers API saved as JSON: `GET /api/daily_papers` (a list of
`{"paper": ..., "numComments": ...}` items), `GET /api/papers/search` (the same items) and
`GET /api/papers/<id>` (one bare paper object). Same fields as the page's props."""

from __future__ import annotations

import json
from typing import Any

from readinglist.core.entries import ParsedPaper, ParseResult, ParseWarning
from readinglist.core.errors import ListingError
from readinglist.importers.base import ListingText, ParseOptions
from readinglist.importers.hf_json import is_paper_item, paper_from_item


def _items(data: Any) -> list[Any] | None:
    if isinstance(data, list):
        return data
    if isinstance(data, dict):
        if is_paper_item(data):
            return [data]
        for key in ("papers", "dailyPapers", "results", "items"):
            if isinstance(data.get(key), list):
                return list(data[key])
    return None


class HuggingFaceApiJsonImporter:
    name = "hf-api-json"
    label = "Hugging Face API response (JSON)"

    def sniff(self, listing: ListingText) -> float:
        head = listing.text[:20000].lstrip()
        if not head.startswith(("[", "{")):
            return 0.0
        markers = ('"paper"', '"upvotes"', '"publishedAt"', '"summary"', '"authors"')
        hits = sum(marker in head for marker in markers)
        return 0.95 if hits >= 3 else 0.0

    def parse(self, listing: ListingText, options: ParseOptions) -> ParseResult:
        try:
            data = json.loads(listing.text)
        except json.JSONDecodeError as exc:
            raise ListingError(
                listing.path,
                f"the JSON is not valid ({exc.msg}); the file may be cut off",
                line=exc.lineno,
            ) from None
        except RecursionError:
            raise ListingError(
                listing.path, "the JSON nests deeper than Python reads; no API response does"
            ) from None
        items = _items(data)
        if items is None:
            raise ListingError(listing.path, "this JSON does not hold Hugging Face paper records")
        papers: list[ParsedPaper] = []
        warnings: list[ParseWarning] = []
        # Each item's line: find its paper id in the text, in order (for messages only).
        cursor = 0
        for index, item in enumerate(items, 1):
            if not is_paper_item(item):
                warnings.append(ParseWarning(None, f"item {index} is not a paper record; skipped"))
                continue
            paper = item.get("paper", item)
            needle = json.dumps(paper.get("id"))
            at = listing.text.find(needle, cursor)
            if at >= 0:
                cursor = at
            line = listing.text.count("\n", 0, cursor) + 1
            made = paper_from_item(item, line)
            if isinstance(made, ParseWarning):
                warnings.append(made)
            else:
                papers.append(made)
        if not papers:
            raise ListingError(listing.path, "no paper records found in this JSON")
        return ParseResult(format=self.name, papers=papers, warnings=warnings)


HF_API_JSON = HuggingFaceApiJsonImporter()
