"""`readinglist export`: what to export (a list, a search, everything) and where to write it.

Kept apart from `cli.py` so the command line only wires it in.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TypeVar

from readinglist.core.database import is_open_library_file
from readinglist.core.errors import UserError
from readinglist.core.library import Library
from readinglist.exporters.bibtex import export_bibtex
from readinglist.exporters.markdown import AbstractMode, GroupBy, export_markdown

Parser = TypeVar("Parser", bound=argparse.ArgumentParser)  # the command line's own subclass


def add_export_parser(subparsers: argparse._SubParsersAction[Parser]) -> None:
    parser = subparsers.add_parser(
        "export",
        help="export a reading list or search results as Markdown or BibTeX",
        description=(
            "Export a reading list (in its own order), the papers matching a search query, or "
            "the whole library when neither is given. BibTeX keys are stored with their papers "
            "the first time they are issued and never change."
        ),
    )
    parser.add_argument("--format", required=True, choices=("markdown", "bibtex"))
    parser.add_argument("--list", metavar="NAME", help="export this reading list")
    parser.add_argument("query", nargs="?", default="", help="export the papers matching QUERY")
    parser.add_argument("-o", "--output", metavar="FILE", help="write here (default: stdout)")
    parser.add_argument(
        "--abstracts",
        choices=("none", "full", "details"),
        default="none",
        help="include abstracts; Markdown can fold them in a <details> block (default: none)",
    )
    parser.add_argument("--notes", action="store_true", help="include your notes")
    parser.add_argument(
        "--group-by", choices=("tag", "status"), help="Markdown: group papers by tag or status"
    )
    parser.add_argument("--title", help="Markdown: the heading (default: the list's name)")
    parser.set_defaults(handler=run_export)


def run_export(library: Library, args: argparse.Namespace) -> int:
    if args.list and args.query:
        raise UserError("give either --list NAME or a query, not both")
    if args.output and is_open_library_file(Path(args.output).expanduser()):
        raise UserError(f"{args.output} is the library itself; choose another file for the export")
    title = args.title
    description: str | None = None
    if args.list:
        ids = library.list_paper_ids(args.list)
        found = [n for n in library.lists() if n.name.casefold() == args.list.casefold()]
        if found:
            title = title or found[0].name
            description = found[0].detail or None
    else:
        ids = library.search_ids(args.query)
        title = title or (f"Papers matching {args.query}" if args.query else "Reading list")
    if args.format == "bibtex":
        keys = library.issue_citation_keys(ids)
        output = export_bibtex(
            library.get_many(ids, relations=False),
            keys=keys,
            include_abstracts=args.abstracts != "none",
            include_notes=args.notes,
        )
    else:
        abstracts: AbstractMode = args.abstracts
        group_by: GroupBy = args.group_by
        output = export_markdown(
            library.get_many(ids, relations=False),
            title=title,
            description=description,
            abstracts=abstracts,
            include_notes=args.notes,
            group_by=group_by,
        )
    if args.output:
        path = Path(args.output).expanduser()
        try:
            path.write_text(output, encoding="utf-8", newline="\n")
        except OSError as error:
            raise UserError(f"cannot write {path}: {error.strerror or error}") from None
        noun = "entries" if args.format == "bibtex" else "papers"
        print(f"wrote {len(ids)} {noun} to {path}", file=sys.stderr)
    else:
        sys.stdout.write(output)
    return 0
