"""Tags: names without commas, compared without regard to case, on any number of papers."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlalchemy import Connection, delete, insert, select, text

from readinglist.core.dialect import insert_or_ignore, nocase, same_name
from readinglist.core.errors import UserError
from readinglist.core.lists import NamedCount
from readinglist.core.models import PaperTag, Tag
from readinglist.core.paper_rows import chunks, existing_ids
from readinglist.core.store import Store


def check_tag(name: str) -> str:
    clean = " ".join(name.split())
    if not clean:
        raise UserError("a tag needs a name")
    if "," in clean or len(clean) > 64:
        raise UserError(f"the tag {clean!r} is not valid: no commas, at most 64 characters")
    return clean


def tag_id(c: Connection, name: str, create: bool) -> int | None:
    """The tag called `name` in any case; created when asked (inside the caller's write
    transaction, so two processes tagging at once share one tag)."""
    # Compared by the column's own rules (NOCASE on SQLite, citext on PostgreSQL), as its
    # unique constraint is: Python's lower() folds some letters otherwise ("İ").
    found = c.execute(select(Tag.id).where(same_name(c, Tag.__table__.c.name, name))).scalar()
    if found is None and create:
        found = c.execute(insert(Tag).returning(Tag.id), {"name": name}).scalar_one()
    return int(found) if found is not None else None


def attach(c: Connection, paper_ids: Sequence[int], name: str) -> None:
    found = tag_id(c, name, create=True)
    c.execute(
        text(insert_or_ignore(c, "paper_tags (paper_id, tag_id)", "VALUES (:p, :t)")),
        [{"p": paper_id, "t": found} for paper_id in paper_ids],
    )


class Tags:
    def __init__(self, store: Store) -> None:
        self.store = store

    def add(self, ids: Sequence[int], names: Iterable[str]) -> None:
        clean = [check_tag(n) for n in names]
        with self.store.write() as c:
            ids = existing_ids(c, ids)
            for name in clean:
                attach(c, ids, name)

    def remove(self, ids: Sequence[int], names: Iterable[str]) -> None:
        with self.store.write() as c:
            ids = existing_ids(c, ids)
            for name in names:
                found = tag_id(c, name.strip(), create=False)
                if found is None:
                    continue
                for chunk in chunks(ids):
                    c.execute(
                        delete(PaperTag).where(
                            PaperTag.tag_id == found, PaperTag.paper_id.in_(chunk)
                        )
                    )
            # A tag nobody carries any more disappears from the sidebar.
            c.execute(text("DELETE FROM tags WHERE id NOT IN (SELECT tag_id FROM paper_tags)"))

    def all(self) -> list[NamedCount]:
        with self.store.read() as c:
            rows = c.execute(
                text(
                    "SELECT t.id, t.name, count(pt.paper_id) FROM tags t LEFT JOIN paper_tags pt "
                    f"ON pt.tag_id = t.id GROUP BY t.id ORDER BY t.name{nocase(c)}"
                )
            )
            return [NamedCount(r[0], r[1], r[2]) for r in rows]
