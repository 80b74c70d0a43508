"""SQL conditions that scope a search to one sidebar entry (Qt-free).

Each is written here, from integers and fixed words only, never from user text; the library's
`search_ids(scope_sql=...)` adds it to the query's own conditions.
"""

from __future__ import annotations

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
    """Papers the latest import added: an import stamps its new papers and its source alike."""
    return "p.added_at >= (SELECT max(imported_at) FROM sources)"
