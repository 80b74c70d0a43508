"""Saved searches: a name for a query, run afresh whenever it is opened."""

from __future__ import annotations

from sqlalchemy import delete, func, select, text

from readinglist.core.errors import UserError
from readinglist.core.lists import NamedCount
from readinglist.core.models import SavedSearch
from readinglist.core.query import parse_query
from readinglist.core.store import Store


class SavedSearches:
    def __init__(self, store: Store) -> None:
        self.store = store

    def save(self, name: str, query: str) -> None:
        parse_query(query)  # refuse to save what cannot run
        clean = " ".join(name.split())
        if not clean:
            raise UserError("a saved search needs a name")
        with self.store.write() as c:
            c.execute(
                text(
                    'INSERT INTO saved_searches (name, "query") VALUES (:n, :q) '
                    'ON CONFLICT (name) DO UPDATE SET "query" = excluded."query"'
                ),
                {"n": clean, "q": query},
            )

    def delete(self, name: str) -> None:
        with self.store.write() as c:
            c.execute(delete(SavedSearch).where(func.lower(SavedSearch.name) == name.lower()))

    def all(self) -> list[NamedCount]:
        with self.store.read() as c:
            rows = c.execute(
                select(SavedSearch.id, SavedSearch.name, SavedSearch.query).order_by(
                    SavedSearch.name
                )
            )
            return [NamedCount(r[0], r[1], 0, r[2]) for r in rows]
