"""Issuing citation keys: a paper's key is stored the first time it is asked for and never
changes, so a document citing it never breaks (how a key is made: citekeys.py)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Connection, bindparam, func, select, update
from sqlalchemy.engine import RowMapping

from readinglist.core.citekeys import make_citation_key, validate_citation_key
from readinglist.core.errors import UserError
from readinglist.core.fields import record_from_row
from readinglist.core.paper_rows import PAPERS, chunks, existing_ids
from readinglist.core.store import Store


class CitationKeys:
    def __init__(self, store: Store) -> None:
        self.store = store

    def issue(self, paper_ids: Sequence[int]) -> dict[int, str]:
        """The citation key of each paper: its stored key, else a new one, stored at once.

        A later paper that would collide gets a suffix (a, b, …). Keys are unique across the
        library, compared without regard to case as BibTeX does. One write transaction, so two
        exports at once never issue the same key twice. A read-only library issues keys for
        that export only (a writable one issues the same later, unless it has gained papers).
        """
        with self.store.read() as c:  # most exports find every key stored: no lock needed
            ids = existing_ids(c, paper_ids)
            keys = self._stored(c, ids)
            if len(keys) == len(ids):
                return keys
            if not self.store.writable:
                return self._issue(c, ids, keys)
        with self.store.write() as c:  # read again under the lock: another export may have won
            ids = existing_ids(c, paper_ids)
            return self._issue(c, ids, self._stored(c, ids))

    @staticmethod
    def _stored(c: Connection, ids: list[int]) -> dict[int, str]:
        keys: dict[int, str] = {}
        for chunk in chunks(ids):
            rows = c.execute(
                select(PAPERS.c.id, PAPERS.c.citation_key).where(PAPERS.c.id.in_(chunk))
            )
            keys.update({r.id: r.citation_key for r in rows if r.citation_key})
        return keys

    def _issue(self, c: Connection, ids: list[int], keys: dict[int, str]) -> dict[int, str]:
        """Make keys for the papers that have none, storing them when the library can."""
        missing = [i for i in ids if i not in keys]
        if missing:
            taken = {
                key.lower()
                for key in c.execute(
                    select(PAPERS.c.citation_key).where(PAPERS.c.citation_key.is_not(None))
                ).scalars()
            }
            rows_by_id: dict[int, RowMapping] = {}
            for chunk in chunks(missing):
                for row in c.execute(select(PAPERS).where(PAPERS.c.id.in_(chunk))).mappings():
                    rows_by_id[row["id"]] = row
            updates = []
            for paper_id in missing:  # in the order asked: the first paper gets the bare key
                record = record_from_row(rows_by_id[paper_id], None, [], [])
                key = make_citation_key(record, taken)
                taken.add(key.lower())
                keys[paper_id] = key
                updates.append({"paper": paper_id, "key": key})
            if self.store.writable:
                c.execute(
                    update(PAPERS)
                    .where(PAPERS.c.id == bindparam("paper"))
                    .values(citation_key=bindparam("key")),
                    updates,
                )
        return {i: keys[i] for i in ids}

    def set(self, paper_id: int, key: str) -> None:
        """Give a paper the key the user chose. Raises UserError when it is invalid or taken."""
        key = key.strip()
        problem = validate_citation_key(key)
        if problem is not None:
            raise UserError(problem)
        with self.store.write() as c:
            existing_ids(c, [paper_id])
            other = c.execute(
                select(PAPERS.c.id).where(
                    func.lower(PAPERS.c.citation_key) == key.lower(), PAPERS.c.id != paper_id
                )
            ).scalar()
            if other is not None:
                raise UserError(f"the citation key {key!r} is already used by paper {other}")
            c.execute(update(PAPERS).where(PAPERS.c.id == paper_id).values(citation_key=key))
