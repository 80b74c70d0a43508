"""What a service said about one paper, in the library's terms."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from readinglist.core.errors import UserError

ARXIV = "arxiv"
HUGGING_FACE = "huggingface"
SOURCE_LABELS = {ARXIV: "arXiv", HUGGING_FACE: "Hugging Face"}


class ServiceFormatError(UserError):
    """A service answered with something that is not its documented format (cut off, HTML)."""

    def __init__(self, host: str, what: str) -> None:
        self.host = host
        super().__init__(f"{host} sent {what}")


@dataclass(frozen=True)
class RemotePaper:
    """One paper as arXiv or Hugging Face describes it. None: the service did not say."""

    source: str  # ARXIV or HUGGING_FACE
    arxiv_id: str  # without version
    title: str
    authors: list[str] | None = None
    published: dt.date | None = None  # the first version's date
    abstract: str | None = None
    primary_class: str | None = None
    subjects: list[str] | None = None
    doi: str | None = None
    journal_ref: str | None = None
    arxiv_comment: str | None = None
    code_urls: list[str] = field(default_factory=list)
    upvotes: int | None = None
    organization: str | None = None
    organization_handle: str | None = None
    ai_summary: str | None = None
    ai_keywords: list[str] | None = None
