"""What arXiv listings share, whatever their layout: sections, dates, subjects, id dates."""

from __future__ import annotations

import datetime as dt
import re

from readinglist.core.entries import DatePrecision

_MONTHS = {
    name: number
    for number, name in enumerate(
        ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], 1
    )
}
# "Monday, 28 September 2026", "Wed, 7 Oct 2026", "Tue, 23 Jul 24" (older pages: two digits)
_LISTING_DATE = re.compile(
    r"(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)[a-z]*,\s+(?P<day>\d{1,2})\s+(?P<month>[A-Za-z]+)\s+(?P<year>\d{4}|\d{2})\b"
)
# "Information Theory (cs.IT)", "Statistics Theory (math.ST)", "High Energy Physics - Theory (hep-th)"
_SUBJECT = re.compile(r"\((?P<code>[a-z\-]+(?:\.[A-Za-z\-]+)?)\)\s*$")
_NEW_ID = re.compile(r"^(?P<yy>\d{2})(?P<mm>\d{2})\.\d{4,5}$")
_OLD_ID = re.compile(r"^[a-z][a-z.\-]*/(?P<yy>\d{2})(?P<mm>\d{2})\d{3}$", re.IGNORECASE)

SECTION_NEW = "new"
SECTION_CROSS = "cross"
SECTION_REPLACEMENT = "replacement"


def listing_date(text: str) -> dt.date | None:
    match = _LISTING_DATE.search(text)
    if match is None:
        return None
    month = _MONTHS.get(match.group("month")[:3].lower())
    if month is None:
        return None
    year = int(match.group("year"))
    if year < 100:
        year += 2000  # two-digit years are on pages from 2007 on (new-style ids)
    try:
        return dt.date(year, month, int(match.group("day")))
    except ValueError:
        return None


def section_of(heading: str) -> str | None:
    """'New submissions (showing 10 of 10 entries)', 'Cross-lists for Tue, 23 Jul 24', ..."""
    text = heading.strip().lower()
    if text.startswith("new submissions"):
        return SECTION_NEW
    if text.startswith(("cross submissions", "cross-lists", "cross lists")):
        return SECTION_CROSS
    if text.startswith(("replacement submissions", "replacements")):
        return SECTION_REPLACEMENT
    return None


def subject_codes(text: str) -> list[str]:
    """'Information Theory (cs.IT); Artificial Intelligence (cs.AI)' -> ['cs.IT', 'cs.AI']."""
    codes: list[str] = []
    for part in text.split(";"):
        match = _SUBJECT.search(part.strip())
        if match is not None and match.group("code") not in codes:
            codes.append(match.group("code"))
    return codes


def month_of_id(arxiv_id: str) -> tuple[dt.date | None, DatePrecision]:
    """An id's YYMM is the month the paper was first submitted: a fact, not a guess.
    Old-style ids (hep-th/9901001) carry it too; arXiv began in 1991."""
    match = _NEW_ID.match(arxiv_id)
    century = 2000
    if match is None:
        match = _OLD_ID.match(arxiv_id)
        if match is None:
            return None, DatePrecision.UNKNOWN
        century = 1900 if int(match.group("yy")) >= 91 else 2000
    month = int(match.group("mm"))
    if not 1 <= month <= 12:
        return None, DatePrecision.UNKNOWN
    return dt.date(century + int(match.group("yy")), month, 1), DatePrecision.MONTH
