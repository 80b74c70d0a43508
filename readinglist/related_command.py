"""`readinglist related`: papers like one paper, or suggestions for a reading list, a tag or a
saved search, each with the distinctive words behind it.

Kept apart from `cli.py` so the command line only wires it in.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any, TypeVar

from readinglist.core.errors import UserError
from readinglist.core.library import Library
from readinglist.core.related import RelatedPaper, RelatedPapers
from readinglist.core.scopes import tag_scope

Parser = TypeVar("Parser", bound=argparse.ArgumentParser)  # the command line's own subclass


def add_related_parser(subparsers: argparse._SubParsersAction[Parser]) -> None:
    parser = subparsers.add_parser(
        "related",
        help="papers like a paper, or suggestions for a list, a tag or a saved search",
        description=(
            "The papers most like paper ID (best first, the paper itself left out), or with "
            "--list, --tag or --search the papers outside that set that fit it best. Each comes "
            "with the distinctive words it shares. Works offline, from the library alone."
        ),
    )
    parser.add_argument("id", nargs="?", type=int, metavar="ID")
    which = parser.add_mutually_exclusive_group()
    which.add_argument("--list", metavar="NAME", help="suggestions for this reading list")
    which.add_argument("--tag", metavar="NAME", help="suggestions for the papers with this tag")
    which.add_argument("--search", metavar="NAME", help="suggestions for this saved search")
    parser.add_argument("--limit", type=int, default=10, metavar="N", help="how many (default 10)")
    parser.add_argument("--json", action="store_true", help="print one JSON array")
    parser.set_defaults(handler=cmd_related)


def _members(library: Library, args: argparse.Namespace) -> tuple[str, list[int]]:
    if args.list is not None:
        return f"reading list {args.list!r}", library.list_paper_ids(args.list)
    if args.tag is not None:
        tag = next((t for t in library.tags() if t.name.lower() == args.tag.lower()), None)
        if tag is None:
            raise UserError(f"there is no tag named {args.tag!r}")
        return f"tag {tag.name!r}", library.search_ids("", scope_sql=tag_scope(tag.id))
    saved = next(
        (s for s in library.saved_searches() if s.name.lower() == args.search.lower()), None
    )
    if saved is None:
        raise UserError(f"there is no saved search named {args.search!r}")
    return f"saved search {saved.name!r}", library.search_ids(saved.detail)


def cmd_related(library: Library, args: argparse.Namespace) -> int:
    grouped = args.list is not None or args.tag is not None or args.search is not None
    if grouped == (args.id is not None):
        raise UserError("related takes a paper's ID, or one of --list, --tag or --search")
    if args.limit < 1:
        raise UserError(f"--limit must be at least 1, not {args.limit}")
    related = RelatedPapers(library)
    if not related.has_cached_model():
        print("readinglist: building the related-papers model (once)…", file=sys.stderr)
    related.refresh()
    words: tuple[str, ...] = ()
    if grouped:
        what, members = _members(library, args)
        if not members:
            raise UserError(f"the {what} has no papers to suggest from")
        suggestions = related.suggest(members, limit=args.limit)
        found, words = suggestions.papers, suggestions.words
    else:
        found = related.more_like(args.id, limit=args.limit)
    _print(library, found, words, args.json)
    return 0


def _print(
    library: Library, found: list[RelatedPaper], words: tuple[str, ...], as_json: bool
) -> None:
    records = {r.id: r for r in library.get_many([p.paper_id for p in found], relations=False)}
    if as_json:
        items: list[dict[str, Any]] = []
        for paper in found:
            record = records[paper.paper_id]
            items.append(
                {
                    "id": paper.paper_id,
                    "title": record.title,
                    "published": record.published.isoformat() if record.published else None,
                    "score": round(paper.score, 4),
                    "words": list(paper.words),
                }
            )
        json.dump(items, sys.stdout, ensure_ascii=False, indent=2)
        print()
        return
    if words:
        print(f"fits: {', '.join(words)}")
    for paper in found:
        record = records[paper.paper_id]
        date = record.published.isoformat() if record.published else "----------"
        reason = f"  ({', '.join(paper.words)})" if paper.words else ""
        print(f"{paper.paper_id:>6} {date}  {record.title}{reason}")


def answer_like(library: Library) -> None:
    """Let `like:ID` in a search ask the related-papers model, loaded or built on first use."""
    related: list[RelatedPapers] = []

    def similar(paper_id: int) -> list[int]:
        if not related:
            related.append(RelatedPapers(library))
        return related[0].similar_ids(paper_id)

    library.similar = similar
