"""SQL conditions that scope a search to one sidebar entry (Qt-free).

Each is written here, from integers and fixed words only, never from user text; the library's
`search_ids(scope_sql=...)` adds it to the query's own conditions.
"""

from __future__ import annotations

from collections.abc import Sequence

from readinglist.core.records import ReadingStatus


def status_scope(status: ReadingStatus) -> str:
    return f"p.status = '{ReadingStatus(status).value}'"


def list_scope(list_id: int) -> str:
    return f"p.id IN (SELECT paper_id FROM list_items WHERE list_id = {int(list_id)})"


def tag_scope(tag_id: int) -> str:
    return f"p.id IN (SELECT paper_id FROM paper_tags WHERE tag_id = {int(tag_id)})"


def source_scope(source_id: int) -> str:
    return f"p.id IN (SELECT paper_id FROM appearances WHERE source_id = {int(source_id)})"


def last_import_scope() -> str:
    """Papers the latest import added, from every file of it (a drop of several files is
    one import): an import stamps its pages and the papers it adds with one time, its own
    to the microsecond."""
    return "p.added_at = (SELECT max(imported_at) FROM sources)"


def papers_scope(ids: Sequence[int]) -> str:
    """Exactly these papers (an import's new ones, say), as runs of consecutive ids."""
    ordered = sorted({int(i) for i in ids})
    if not ordered:
        return "FALSE"
    runs: list[str] = []
    first = previous = ordered[0]
    for paper_id in [*ordered[1:], None]:
        if paper_id is not None and paper_id == previous + 1:
            previous = paper_id
            continue
        runs.append(
            f"p.id = {first}" if first == previous else f"p.id BETWEEN {first} AND {previous}"
        )
        if paper_id is not None:
            first = previous = paper_id
    return "(" + " OR ".join(runs) + ")"
