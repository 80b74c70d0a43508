"""Reading lists: named, ordered selections of papers (positions 1..n, no ties)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, bindparam, delete, func, insert, select, text, update

from readinglist.core.dialect import nocase, same_name
from readinglist.core.errors import UserError
from readinglist.core.fields import now_text
from readinglist.core.models import ListItem, ReadingList
from readinglist.core.paper_rows import chunks, existing_ids
from readinglist.core.store import Store


@dataclass(frozen=True)
class NamedCount:
    """A sidebar entry: a tag, list or saved search and how many papers it holds."""

    id: int
    name: str
    count: int
    detail: str = ""  # a list's description, a saved search's query


def clean_list_name(name: str) -> str:
    clean = " ".join(name.split())
    if not clean:
        raise UserError("a reading list needs a name")
    return clean


def list_id(c: Connection, name: str, create: bool = False) -> int:
    """The id of the list called `name` (any case); created when asked. Inside a write
    transaction, so two processes never create the same list twice."""
    clean = clean_list_name(name)
    found = c.execute(
        select(ReadingList.id).where(same_name(c, ReadingList.__table__.c.name, clean))
    ).scalar()
    if found is None:
        if not create:
            raise UserError(f"there is no reading list named {clean!r}")
        found = c.execute(
            insert(ReadingList).returning(ReadingList.id),
            {"name": clean, "description": "", "created_at": now_text()},
        ).scalar_one()
    return int(found)


def append_to_list(c: Connection, list_id: int, ids: Sequence[int], now: str) -> int:
    """Put papers after the list's last one; returns how many were not in it yet. The last
    position is read inside the caller's write transaction, so positions never tie."""
    present = set(c.execute(select(ListItem.paper_id).where(ListItem.list_id == list_id)).scalars())
    last = c.execute(
        select(func.coalesce(func.max(ListItem.position), 0)).where(ListItem.list_id == list_id)
    ).scalar_one()
    rows = []
    for paper_id in ids:
        if paper_id in present:
            continue
        present.add(paper_id)
        last += 1
        rows.append({"list_id": list_id, "paper_id": paper_id, "position": last, "added_at": now})
    if rows:
        c.execute(insert(ListItem), rows)
    return len(rows)


class ReadingLists:
    def __init__(self, store: Store) -> None:
        self.store = store

    def create(self, name: str, description: str = "") -> int:
        clean = clean_list_name(name)
        with self.store.write() as c:
            exists = c.execute(
                select(ReadingList.id).where(same_name(c, ReadingList.__table__.c.name, clean))
            ).scalar()
            if exists is not None:
                raise UserError(f"a reading list named {clean!r} already exists")
            return int(
                c.execute(
                    insert(ReadingList).returning(ReadingList.id),
                    {"name": clean, "description": description, "created_at": now_text()},
                ).scalar_one()
            )

    def rename(self, old: str, new: str, description: str | None = None) -> None:
        clean = clean_list_name(new)
        with self.store.write() as c:
            found = list_id(c, old)
            clash = c.execute(
                select(ReadingList.id).where(
                    same_name(c, ReadingList.__table__.c.name, clean), ReadingList.id != found
                )
            ).scalar()
            if clash is not None:
                raise UserError(f"a reading list named {clean!r} already exists")
            values: dict[str, Any] = {"name": clean}
            if description is not None:
                values["description"] = description
            c.execute(update(ReadingList).where(ReadingList.id == found).values(**values))

    def delete(self, name: str) -> None:
        with self.store.write() as c:
            c.execute(delete(ReadingList).where(ReadingList.id == list_id(c, name)))

    def add(self, name: str, ids: Sequence[int], *, create: bool = False) -> int:
        """Append papers to a list (after its last one); returns how many were not in it."""
        with self.store.write() as c:
            ids = existing_ids(c, ids)
            return append_to_list(c, list_id(c, name, create=create), ids, now_text())

    def remove(self, name: str, ids: Sequence[int]) -> None:
        with self.store.write() as c:
            found = list_id(c, name)
            for chunk in chunks(list(ids)):
                c.execute(
                    delete(ListItem).where(ListItem.list_id == found, ListItem.paper_id.in_(chunk))
                )

    def reorder(self, name: str, ordered_ids: Sequence[int]) -> None:
        """Give the list exactly this order (the ids must be the list's members)."""
        with self.store.write() as c:
            where = ListItem.list_id == list_id(c, name)
            rows = c.execute(select(ListItem.paper_id, ListItem.position).where(where))
            now = {paper_id: position for paper_id, position in rows}
            if set(ordered_ids) != set(now) or len(ordered_ids) != len(now):
                raise UserError("the new order must hold exactly the papers of the list")
            # Only the papers whose place changes are written (one moved up: two rows).
            moved = [{"paper": p, "to": n} for n, p in enumerate(ordered_ids, 1) if now[p] != n]
            if moved:
                at = ListItem.paper_id == bindparam("paper")
                c.execute(update(ListItem).where(where, at).values(position=bindparam("to")), moved)

    def paper_ids(self, name: str) -> list[int]:
        with self.store.read() as c:
            found = list_id(c, name)
            return list(
                c.execute(
                    select(ListItem.paper_id)
                    .where(ListItem.list_id == found)
                    .order_by(ListItem.position)
                ).scalars()
            )

    def all(self) -> list[NamedCount]:
        with self.store.read() as c:
            rows = c.execute(
                text(
                    "SELECT l.id, l.name, count(li.paper_id), l.description FROM reading_lists l "
                    "LEFT JOIN list_items li ON li.list_id = l.id GROUP BY l.id "
                    f"ORDER BY l.name{nocase(c)}"
                )
            )
            return [NamedCount(r[0], r[1], r[2], r[3]) for r in rows]
