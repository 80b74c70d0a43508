"""The arXiv API (`/api/query`): papers by id, in batches of up to 100, and by title.

arXiv asks for one request every 3 s (https://info.arxiv.org/help/api/tou.html); the client's
rate limiter keeps that spacing across every request of a run, retries included.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import xml.etree.ElementTree as ET
from collections.abc import Sequence

from readinglist.core.completion.http import Cancelled, Clock, HttpClient, spacing_from_env
from readinglist.core.completion.remote import ARXIV, RemotePaper, ServiceFormatError
from readinglist.core.normalize import normalize_arxiv_id

ARXIV_API_ENV = "READINGLIST_ARXIV_API"
ARXIV_SPACING_ENV = "READINGLIST_ARXIV_SPACING"  # seconds; benchmarks and tests only
DEFAULT_ARXIV_API = "https://export.arxiv.org"
ARXIV_SPACING = 3.0
ID_BATCH = 100  # ids per id_list request
TITLE_RESULTS = 10  # candidates asked for per title search

_ATOM = "{http://www.w3.org/2005/Atom}"
_ARXIV = "{http://arxiv.org/schemas/atom}"
_QUERY_WORD = re.compile(r"[^\w]+", re.UNICODE)


def _text(element: ET.Element | None) -> str | None:
    if element is None or element.text is None:
        return None
    value = " ".join(element.text.split())
    return value or None


def _date(value: str | None) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        return None


def parse_feed(body: bytes, host: str) -> tuple[list[RemotePaper], list[str]]:
    """The papers of an arXiv Atom feed and the error messages it carried (error entries)."""
    try:
        root = ET.fromstring(body)
    except ET.ParseError as error:
        line, _column = error.position
        raise ServiceFormatError(
            host, f"an answer that is not complete Atom XML (line {line}: cut off or damaged)"
        ) from None
    if root.tag != f"{_ATOM}feed":
        raise ServiceFormatError(host, "an answer that is not an Atom feed")
    papers: list[RemotePaper] = []
    errors: list[str] = []
    for entry in root.iter(f"{_ATOM}entry"):
        entry_id = _text(entry.find(f"{_ATOM}id")) or ""
        if "/api/errors" in entry_id:
            errors.append(_text(entry.find(f"{_ATOM}summary")) or entry_id)
            continue
        arxiv_id = normalize_arxiv_id(entry_id)
        title = _text(entry.find(f"{_ATOM}title"))
        if arxiv_id is None or title is None:
            continue
        authors = [
            name
            for author in entry.findall(f"{_ATOM}author")
            if (name := _text(author.find(f"{_ATOM}name")))
        ]
        primary = entry.find(f"{_ARXIV}primary_category")
        subjects = [term for c in entry.findall(f"{_ATOM}category") if (term := c.get("term"))]
        papers.append(
            RemotePaper(
                source=ARXIV,
                arxiv_id=arxiv_id,
                title=title,
                authors=authors or None,
                # <published> is the first version's date; <updated> the latest one's.
                published=_date(_text(entry.find(f"{_ATOM}published"))),
                abstract=_text(entry.find(f"{_ATOM}summary")),
                primary_class=primary.get("term") if primary is not None else None,
                subjects=subjects or None,
                doi=_text(entry.find(f"{_ARXIV}doi")),
                journal_ref=_text(entry.find(f"{_ARXIV}journal_ref")),
                arxiv_comment=_text(entry.find(f"{_ARXIV}comment")),
            )
        )
    return papers, errors


def title_query(title: str) -> str:
    """`ti:"..."` for a title: its words only, so quotes and colons cannot break the query."""
    words = _QUERY_WORD.sub(" ", title).split()
    return 'ti:"' + " ".join(words) + '"'


class ArxivClient:
    def __init__(self, base_url: str | None = None, *, clock: Clock | None = None) -> None:
        base = base_url or os.environ.get(ARXIV_API_ENV) or DEFAULT_ARXIV_API
        spacing = spacing_from_env(ARXIV_SPACING_ENV, ARXIV_SPACING)
        self.http = HttpClient(base, spacing=spacing, clock=clock)

    @property
    def host(self) -> str:
        return self.http.host

    def _query(self, params: dict[str, str], cancelled: Cancelled) -> list[RemotePaper]:
        response = self.http.get(
            "/api/query", params, cancelled=cancelled, accept_statuses=frozenset({400})
        )
        papers, errors = parse_feed(response.body, self.host)
        if response.status == 400 or errors:
            reason = "; ".join(errors) or "HTTP 400"
            raise ServiceFormatError(self.host, f"an error for the request ({reason})")
        return papers

    def by_ids(self, ids: Sequence[str], cancelled: Cancelled) -> dict[str, RemotePaper]:
        """The papers arXiv knows among `ids` (without versions); unknown ids are absent."""
        found: dict[str, RemotePaper] = {}
        unique = list(dict.fromkeys(ids))
        for start in range(0, len(unique), ID_BATCH):
            batch = unique[start : start + ID_BATCH]
            params = {"id_list": ",".join(batch), "start": "0", "max_results": str(len(batch))}
            for paper in self._query(params, cancelled):
                found[paper.arxiv_id] = paper
        return found

    def search_title(self, title: str, cancelled: Cancelled) -> list[RemotePaper]:
        params = {
            "search_query": title_query(title),
            "start": "0",
            "max_results": str(TITLE_RESULTS),
        }
        return self._query(params, cancelled)
