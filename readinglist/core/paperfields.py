"""One field of many papers, read without building whole records (Qt-free).

An undoable edit of 30,000 papers remembers what each had before: reading one column is a few
milliseconds where `Library.get_many` builds 30,000 records (a second or more, all of it
holding Python's GIL, which the window's thread then waits for).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select

from readinglist.core.library import Library
from readinglist.core.paper_rows import PAPERS, chunks
from readinglist.core.records import ReadingStatus


def _column(library: Library, ids: Sequence[int], name: str) -> dict[int, Any]:
    """`name` of each paper in `ids` that exists, keyed by id, in the order of `ids`."""
    found: dict[int, Any] = {}
    wanted = list(dict.fromkeys(ids))
    column = PAPERS.c[name]
    with library._read() as c:
        for chunk in chunks(wanted):
            rows = c.execute(select(PAPERS.c.id, column).where(PAPERS.c.id.in_(chunk)))
            found.update((paper_id, value) for paper_id, value in rows)
    return {paper_id: found[paper_id] for paper_id in wanted if paper_id in found}


def statuses(library: Library, ids: Sequence[int]) -> dict[int, ReadingStatus]:
    return {i: ReadingStatus(value) for i, value in _column(library, ids, "status").items()}


def ratings(library: Library, ids: Sequence[int]) -> dict[int, int]:
    return {i: int(value) for i, value in _column(library, ids, "rating").items()}


def tag_names(library: Library, ids: Sequence[int]) -> dict[int, list[str]]:
    """Each paper's tags as the table shows them (the `tags` column kept by triggers)."""
    return {
        i: [name for name in value.split(", ") if name]
        for i, value in _column(library, ids, "tags").items()
    }
