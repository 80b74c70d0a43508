"""How paper fields read in the table and the reading pane (plain Python, shared by both)."""

from __future__ import annotations

import datetime as dt

from readinglist.core.entries import DatePrecision
from readinglist.core.records import PaperRecord


def published_text(record: PaperRecord, *, mark_assumed: bool = True) -> str:
    """The date at its precision; a year we assumed (a text copy's yearless date) gets a "?"."""
    date = record.published
    if date is None:
        return ""
    precision = record.published_precision
    if precision is DatePrecision.YEAR:
        return f"{date.year}"
    if precision is DatePrecision.MONTH:
        return date.strftime("%Y-%m")
    if mark_assumed and precision is DatePrecision.YEAR_INFERRED:
        return f"{date.isoformat()}?"
    return date.isoformat()


def published_long(record: PaperRecord) -> str:
    """The date with what the page actually said about it."""
    text = published_text(record, mark_assumed=False)
    if not text:
        return "date unknown"
    if record.published_precision is DatePrecision.YEAR_INFERRED:
        return f"{text} (year assumed)"
    return text


def authors_text(record: PaperRecord) -> str:
    if record.authors:
        if len(record.authors) == 1:
            return record.authors[0]
        if len(record.authors) == 2:
            return f"{record.authors[0]} and {record.authors[1]}"
        return f"{record.authors[0]} et al. ({len(record.authors)})"
    if record.authors_count:
        return f"{record.authors_count} author{'s' if record.authors_count != 1 else ''}"
    return ""


def rating_text(rating: int) -> str:
    return "★" * rating


def added_text(moment: dt.datetime) -> str:
    local = moment.astimezone() if moment.tzinfo is not None else moment
    return local.strftime("%Y-%m-%d %H:%M")
