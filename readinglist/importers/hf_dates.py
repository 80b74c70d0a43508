"""Dates as Hugging Face pages print them: "May 29" (this year) or "Dec 8, 2024"."""

from __future__ import annotations

import copy
import datetime as dt
import re

from readinglist.core.entries import DatePrecision
from readinglist.importers.base import ListingText, ParseOptions

_MONTHS = {
    name: number
    for number, name in enumerate(
        ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], 1
    )
}
SHORT_DATE = re.compile(r"(?P<month>[A-Z][a-z]{2})[a-z]*\.? (?P<day>\d{1,2})(?:, (?P<year>\d{4}))?")
_WHOLE_DATE = re.compile(rf"^{SHORT_DATE.pattern}$")


def match_date(text: str) -> tuple[int, int, int | None] | None:
    """(month, day, year or None) when `text` is exactly a printed date."""
    match = _WHOLE_DATE.match(text.strip())
    if match is None:
        return None
    month = _MONTHS.get(match.group("month").lower())
    if month is None:
        return None
    year = int(match.group("year")) if match.group("year") else None
    return month, int(match.group("day")), year


class YearResolver:
    """Places dates printed without a year: in the year of the capture (or the file's
    modification time), a year earlier when that would put them after the capture."""

    def __init__(
        self, listing: ListingText, options: ParseOptions, captured: dt.date | None
    ) -> None:
        if options.year is not None:
            self.latest = dt.date(options.year, 12, 31)
            self.why = "given with --year"
        elif captured is not None:
            self.latest = captured
            self.why = "from the capture date the file records"
        elif listing.modified is not None:
            self.latest = listing.modified.date()
            self.why = "from the file's modification time"
        else:
            self.latest = dt.date.today()
            self.why = "the current year (pasted text)"
        self.inferred = 0

    def anchored_to(self, page_date: dt.date) -> YearResolver:
        """A resolver for the dates on a page dated `page_date`: none may follow it."""
        anchored = copy.copy(self)
        anchored.latest = page_date
        anchored.inferred = 0
        return anchored

    def resolve(
        self, month: int, day: int, year: int | None, *, count: bool = True
    ) -> tuple[dt.date | None, DatePrecision]:
        if year is not None:
            made = _make(year, month, day)
            return made, DatePrecision.DAY if made else DatePrecision.UNKNOWN
        made = _make(self.latest.year, month, day)
        if made is not None and made > self.latest:
            made = _make(self.latest.year - 1, month, day)
        if made is None:
            return None, DatePrecision.UNKNOWN
        if count:
            self.inferred += 1
        return made, DatePrecision.YEAR_INFERRED

    def assumption(self) -> str | None:
        if not self.inferred:
            return None
        return (
            f"{self.inferred} paper dates printed without a year were placed in "
            f"{self.latest.year} ({self.why}), a year earlier where that would follow "
            f"{self.latest:%b %-d}"
        )


def _make(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None
