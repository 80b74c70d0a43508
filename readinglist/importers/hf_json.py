"""Hugging Face paper records as JSON: the page's `DailyPapers` props and the public API.

Both carry the same item shape: `{"paper": {...}, "numComments": n, ...}` (daily papers and
search API) or the bare paper object (`/api/papers/<id>`). The paper id is the arXiv id.
"""

from __future__ import annotations

from typing import Any

from readinglist.core.entries import DatePrecision, ParsedPaper, ParseWarning
from readinglist.core.jsonvalues import json_date, json_int
from readinglist.core.normalize import normalize_arxiv_id

HF_PAPERS = "https://huggingface.co/papers/"


def _text(value: Any) -> str | None:
    if not isinstance(value, str):
        return None
    text = value.strip()
    return text or None


def is_paper_item(item: Any) -> bool:
    """True when `item` looks like one paper record (with or without the daily wrapper)."""
    if not isinstance(item, dict):
        return False
    paper = item.get("paper", item)
    return isinstance(paper, dict) and isinstance(paper.get("id"), str) and "title" in paper


def paper_from_item(item: dict[str, Any], line: int) -> ParsedPaper | ParseWarning:
    """One record as a ParsedPaper, or a warning saying why it was skipped."""
    paper = item.get("paper", item)
    if not isinstance(paper, dict):
        return ParseWarning(line, "a paper record without its paper object was skipped")
    title = _text(paper.get("title")) or _text(item.get("title"))
    raw_id = _text(paper.get("id"))
    if title is None:
        return ParseWarning(line, f"the paper record {raw_id or '?'} has no title; skipped")
    title = " ".join(title.split())  # titles arrive hard-wrapped from arXiv
    parsed = ParsedPaper(title=title, line=line)
    parsed.arxiv_id = normalize_arxiv_id(raw_id) if raw_id else None
    if parsed.arxiv_id is None and raw_id:
        parsed.url = HF_PAPERS + raw_id
    parsed.abstract = _text(paper.get("summary")) or _text(item.get("summary"))
    authors = paper.get("authors")
    if isinstance(authors, list):
        names = [_text(a.get("name")) for a in authors if isinstance(a, dict)]
        parsed.authors = [name for name in names if name]
        parsed.authors_count = len(authors)
    # The paper's own publishedAt is UTC; the wrapper's copy is shifted to a local zone.
    published = json_date(paper.get("publishedAt")) or json_date(item.get("publishedAt"))
    if published is not None:
        parsed.published = published
        parsed.published_precision = DatePrecision.DAY
    parsed.upvotes = json_int(paper.get("upvotes"))
    if parsed.upvotes is None:
        parsed.upvotes = json_int(item.get("upvotes"))
    parsed.comments = json_int(item.get("numComments"))
    if parsed.comments is None:
        parsed.comments = json_int(paper.get("numComments"))
    organization = paper.get("organization") or item.get("organization")
    if isinstance(organization, dict):
        parsed.organization_handle = _text(organization.get("name"))
        parsed.organization = _text(organization.get("fullname")) or parsed.organization_handle
    repo = _text(paper.get("githubRepo"))
    if repo is not None:
        parsed.code_urls = [repo]
    parsed.ai_summary = _text(paper.get("ai_summary"))
    keywords = paper.get("ai_keywords")
    if isinstance(keywords, list):
        parsed.ai_keywords = [k.strip() for k in keywords if isinstance(k, str) and k.strip()]
    parsed.shown = {
        key: value
        for key, value in {
            "id": raw_id,
            "title": title,
            "upvotes": parsed.upvotes,
            "comments": parsed.comments,
            "publishedAt": paper.get("publishedAt"),
            "submittedOnDailyAt": paper.get("submittedOnDailyAt"),
            "organization": parsed.organization_handle,
            "githubRepo": repo,
            "projectPage": _text(paper.get("projectPage")),
        }.items()
        if value is not None
    }
    return parsed
