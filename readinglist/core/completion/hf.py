"""Hugging Face's papers API: `/api/papers/search?q=` finds a paper's arXiv id by its title,
`/api/papers/{id}` gives a paper's details (code links, upvotes, organization)."""

from __future__ import annotations

import json
import os
import urllib.parse
from typing import Any

from readinglist.core.completion.http import Cancelled, Clock, HttpClient, spacing_from_env
from readinglist.core.completion.remote import HUGGING_FACE, RemotePaper, ServiceFormatError
from readinglist.core.jsonvalues import json_date, json_int
from readinglist.core.normalize import normalize_arxiv_id

HF_API_ENV = "READINGLIST_HF_API"
HF_SPACING_ENV = "READINGLIST_HF_SPACING"
DEFAULT_HF_API = "https://huggingface.co"
# Hugging Face documents no spacing for this API; a tenth of a second keeps a run of a few
# hundred searches well under its rate limits, and 429s are honoured anyway.
HF_SPACING = 0.1


def _text(value: Any) -> str | None:
    if not isinstance(value, str):
        return None
    clean = " ".join(value.split())
    return clean or None


def paper_from_json(item: Any) -> RemotePaper | None:
    """A paper object (or a search/daily item wrapping one in "paper"); None if it is not one."""
    if not isinstance(item, dict):
        return None
    paper = item.get("paper", item)
    if not isinstance(paper, dict):
        return None
    arxiv_id = normalize_arxiv_id(str(paper.get("id", "")))
    title = _text(paper.get("title")) or _text(item.get("title"))
    if arxiv_id is None or title is None:
        return None
    authors_raw = paper.get("authors")
    authors = None
    if isinstance(authors_raw, list):
        names = [_text(a.get("name")) for a in authors_raw if isinstance(a, dict)]
        authors = [n for n in names if n] or None
    organization = paper.get("organization") or item.get("organization")
    org_name = org_handle = None
    if isinstance(organization, dict):
        org_handle = _text(organization.get("name"))
        org_name = _text(organization.get("fullname")) or org_handle
    repo = _text(paper.get("githubRepo"))
    keywords = paper.get("ai_keywords")
    return RemotePaper(
        source=HUGGING_FACE,
        arxiv_id=arxiv_id,
        title=title,
        authors=authors,
        # The paper's own publishedAt is arXiv's first-version time, in UTC.
        published=json_date(paper.get("publishedAt")),
        abstract=_text(paper.get("summary")),
        code_urls=[repo] if repo else [],
        upvotes=json_int(paper.get("upvotes")),
        organization=org_name,
        organization_handle=org_handle,
        ai_summary=_text(paper.get("ai_summary")),
        ai_keywords=[k for k in keywords if isinstance(k, str)]
        if isinstance(keywords, list)
        else None,
    )


class HuggingFaceClient:
    def __init__(self, base_url: str | None = None, *, clock: Clock | None = None) -> None:
        base = base_url or os.environ.get(HF_API_ENV) or DEFAULT_HF_API
        spacing = spacing_from_env(HF_SPACING_ENV, HF_SPACING)
        self.http = HttpClient(base, spacing=spacing, clock=clock)

    @property
    def host(self) -> str:
        return self.http.host

    def _json(self, body: bytes) -> Any:
        try:
            return json.loads(body)
        except (json.JSONDecodeError, UnicodeDecodeError):
            raise ServiceFormatError(self.host, "an answer that is not complete JSON") from None

    def search(self, title: str, cancelled: Cancelled) -> list[RemotePaper]:
        response = self.http.get("/api/papers/search", {"q": title}, cancelled=cancelled)
        data = self._json(response.body)
        if not isinstance(data, list):
            raise ServiceFormatError(self.host, "a search answer that is not a list of papers")
        return [paper for item in data if (paper := paper_from_json(item)) is not None]

    def paper(self, arxiv_id: str, cancelled: Cancelled) -> RemotePaper | None:
        """The paper's page on Hugging Face; None when Hugging Face does not have it."""
        path = "/api/papers/" + urllib.parse.quote(arxiv_id, safe="")
        response = self.http.get(path, cancelled=cancelled, accept_statuses=frozenset({404}))
        if response.status == 404:
            return None
        return paper_from_json(self._json(response.body))
