"""How dates read in the window: an assumed year is never shown as if the page said it."""

from __future__ import annotations

import dataclasses
import datetime as dt

from readinglist.core.entries import DatePrecision
from readinglist.core.records import PaperRecord, ReadingStatus
from readinglist.gui.format import published_long, published_text

NOW = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
PAPER = PaperRecord(
    id=1, title="T", abstract=None, arxiv_id=None, url=None, published=dt.date(2025, 9, 9),
    published_precision=DatePrecision.DAY, authors=None, authors_count=None, organization=None,
    upvotes=None, comments=None, code_urls=[], status=ReadingStatus.UNREAD, rating=0, notes="",
    tags=[], added_at=NOW, updated_at=NOW,
)  # fmt: skip


def test_dates_at_their_precision() -> None:
    assumed = dataclasses.replace(PAPER, published_precision=DatePrecision.YEAR_INFERRED)
    month = dataclasses.replace(PAPER, published_precision=DatePrecision.MONTH)
    assert published_text(PAPER) == "2025-09-09"
    assert published_text(assumed) == "2025-09-09?"
    assert published_long(assumed) == "2025-09-09 (year assumed)"
    assert published_text(month) == "2025-09"
    assert published_long(dataclasses.replace(PAPER, published=None)) == "date unknown"
