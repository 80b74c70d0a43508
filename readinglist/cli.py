"""The command line: the same library services as the window, for scripts and terminals.

Exit status: 0 on success, 1 on a user error (one sentence on stderr), 2 on bad usage.
With no command, `readinglist` opens the window.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TextIO

from readinglist import __version__
from readinglist.complete_command import add_complete_parser
from readinglist.core.completion.service import field_sources
from readinglist.core.database import resolve_library
from readinglist.core.errors import LibraryOpenError, UserError
from readinglist.core.library import Library
from readinglist.core.query import SORT_FIELDS, SortSpec
from readinglist.core.records import PaperRecord, ReadingStatus
from readinglist.core.search import default_descending
from readinglist.core.summary import ImportSummary, Outcome
from readinglist.exporters.command import add_export_parser
from readinglist.importers import ParseOptions, detect, files_to_import, parse_as, read_listing
from readinglist.recovery import FailureKind, ReadOnlyLibrary, check_writable, classify
from readinglist.related_command import add_related_parser, answer_like

Handler = Callable[[Library, argparse.Namespace], int]


def paper_json(record: PaperRecord) -> dict[str, Any]:
    """The stable JSON shape of a paper (documented in the README)."""
    return {
        "id": record.id,
        "title": record.title,
        "abstract": record.abstract,
        "arxiv_id": record.arxiv_id,
        "doi": record.doi,
        "url": record.url,
        "published": record.published.isoformat() if record.published else None,
        "published_precision": str(record.published_precision),
        "authors": list(record.authors or []),
        "authors_count": record.authors_count,
        "organization": record.organization,
        "upvotes": record.upvotes,
        "comments": record.comments,
        "code_urls": record.code_urls,
        "status": str(record.status),
        "rating": record.rating,
        "notes": record.notes,
        "tags": record.tags,
        "lists": record.lists,
        "sources": [source.name for source in record.sources],
    }


def _published_text(record: PaperRecord) -> str:
    if record.published is None:
        return "date unknown"
    if record.published_precision == "month":
        return record.published.strftime("%Y-%m")
    if record.published_precision == "year":
        return str(record.published.year)
    suffix = " (year assumed)" if record.published_precision == "year_inferred" else ""
    return record.published.isoformat() + suffix


def _authors_text(record: PaperRecord) -> str:
    if record.authors:
        return ", ".join(record.authors)
    if record.authors_count:
        return f"{record.authors_count} authors (names unknown)"
    return "authors unknown"


class _Progress:
    """A one-line progress bar on a terminal; silent when stderr is not a terminal."""

    def __init__(self, stream: TextIO, label: str) -> None:
        self.stream = stream
        self.label = label
        self.enabled = stream.isatty()
        self.shown = False

    def __call__(self, done: int, total: int) -> None:
        if not self.enabled or total < 500:
            return
        width = 30
        filled = width * done // max(total, 1)
        bar = "#" * filled + "-" * (width - filled)
        self.stream.write(f"\r{self.label} [{bar}] {done}/{total}")
        self.stream.flush()
        self.shown = True

    def finish(self) -> None:
        if self.shown:
            self.stream.write("\r\033[K")
            self.stream.flush()


def _print_summary(summary: ImportSummary, label: str, out: TextIO) -> None:
    print(f"{summary.headline()} [{label}]", file=out)
    if summary.same_file_seen_before:
        print("  this file was imported before", file=out)
    for assumption in summary.assumptions:
        print(f"  assumed: {assumption}", file=out)
    for dup in summary.possible_duplicates:
        other = f"#{dup.other_id}" if dup.other_id is not None else "another new entry"
        print(
            f"  possible duplicate: line {dup.line} {dup.title!r} ~ {other} {dup.other_title!r}",
            file=out,
        )
    for warning in summary.warnings:
        print(f"  warning: {warning}", file=out)


def cmd_import(library: Library, args: argparse.Namespace) -> int:
    failures = 0
    total_new = 0
    files, skipped = files_to_import([Path(name) for name in args.files])
    for folder in skipped:
        print(f"{folder.name}: skipped, the resources folder of a saved page", file=sys.stderr)
    for path in files:
        try:
            listing = read_listing(path)
            importer = detect(listing)  # its label goes into the summary
            result = parse_as(importer, listing, ParseOptions(year=args.year))
            progress = _Progress(sys.stderr, listing.name)
            try:
                summary = library.import_result(
                    result,
                    file_name=listing.name,
                    file_path=str(path.resolve()),
                    sha256=listing.sha256,
                    list_name=args.list,
                    dry_run=args.dry_run,
                    progress=progress,
                )
            finally:
                progress.finish()
        except UserError as error:
            print(f"readinglist: {error}", file=sys.stderr)
            failures += 1
            continue
        total_new += summary.count(Outcome.NEW)
        _print_summary(summary, importer.label, sys.stdout)
    if len(files) > 1:
        verb = "would add" if args.dry_run else "added"
        print(f"In all: {verb} {total_new} new papers; library holds {library.count()}.")
    return 1 if failures else 0


def _sort_spec(name: str | None, reverse: bool) -> SortSpec | None:
    if name is None:
        return None
    field = name.lstrip("-")
    descending = default_descending(field) if field != "relevance" else True
    if name.startswith("-"):
        descending = True
    if reverse:
        descending = not descending
    return SortSpec(field, descending)


def cmd_search(library: Library, args: argparse.Namespace) -> int:
    query = " ".join(args.query)
    ids = library.search_ids(query, _sort_spec(args.sort, args.reverse), limit=args.limit)
    records = library.get_many(ids)
    if args.json:
        json.dump([paper_json(r) for r in records], sys.stdout, ensure_ascii=False, indent=2)
        print()
        return 0
    for record in records:
        date = record.published.isoformat() if record.published else "----------"
        flag = {"unread": " ", "reading": "~", "read": "✓"}[record.status.value]
        print(f"{record.id:>6} {flag} {date}  {record.title}")
    if not args.quiet:
        print(f"{len(records)} paper{'s' if len(records) != 1 else ''}", file=sys.stderr)
    return 0


def cmd_show(library: Library, args: argparse.Namespace) -> int:
    record = library.get(args.id)
    if args.json:
        json.dump(paper_json(record), sys.stdout, ensure_ascii=False, indent=2)
        print()
        return 0
    lines = [
        record.title,
        "",
        f"id {record.id} · {_published_text(record)} · {_authors_text(record)}",
    ]
    details = []
    if record.organization:
        details.append(record.organization)
    if record.arxiv_id:
        details.append(f"arXiv:{record.arxiv_id}")
    if record.upvotes is not None:
        details.append(f"{record.upvotes} upvotes")
    if record.comments is not None:
        details.append(f"{record.comments} comments")
    details.append(f"status {record.status.value}")
    if record.rating:
        details.append(f"rating {record.rating}/5")
    lines.append(" · ".join(details))
    if record.url:
        lines.append(record.url)
    for url in record.code_urls:
        lines.append(f"code: {url}")
    if record.tags:
        lines.append("tags: " + ", ".join(record.tags))
    if record.lists:
        lines.append("lists: " + ", ".join(record.lists))
    if record.sources:
        lines.append("seen in: " + ", ".join(f"{s.name} (#{s.position})" for s in record.sources))
    if record.doi:
        lines.append(f"doi: {record.doi}")
    for source in field_sources(library, record.id):
        lines.append(
            f"{source.label}: from {source.source_label}"
            + (f" ({source.reference})" if source.reference else "")
            + f", {source.completed_at:%Y-%m-%d %H:%M} UTC"
        )
    lines += ["", record.abstract or "(no abstract)"]
    if record.notes:
        lines += ["", "Notes:", record.notes]
    print("\n".join(lines))
    return 0


def cmd_status(library: Library, args: argparse.Namespace) -> int:
    library.set_status(args.ids, args.status)
    return 0


def cmd_rate(library: Library, args: argparse.Namespace) -> int:
    library.set_rating(args.ids, args.rating)
    return 0


def cmd_note(library: Library, args: argparse.Namespace) -> int:
    notes = _stdin_text("the notes") if args.text == "-" else args.text
    library.set_notes(args.id, notes)
    return 0


def _stdin_text(what: str) -> str:
    """Standard input as UTF-8 text without NUL bytes, or one sentence saying where it is not."""
    raw = sys.stdin.buffer.read()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise UserError(
            f"{what} on standard input, line {line}: not UTF-8 text (byte 0x{raw[exc.start]:02x})"
        ) from None
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        raise UserError(f"{what} on standard input, line {line}: a NUL byte, which text never has")
    return text.replace("\r\n", "\n").replace("\r", "\n")  # as text-mode stdin reads it


# Arguments that name files: any bytes the system allows. Every other one is text to store or
# search, and must be UTF-8 (Python keeps undecodable bytes as lone surrogates, which SQLite
# cannot take).
_PATH_ARGUMENTS = frozenset({"files", "output", "library"})


def _check_text_arguments(args: argparse.Namespace) -> None:
    for name, value in vars(args).items():
        if name in _PATH_ARGUMENTS:
            continue
        for text in value if isinstance(value, list) else [value]:
            if isinstance(text, str) and not _is_utf8(text):
                shown = text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
                raise UserError(f"the argument {shown!r} is not UTF-8 text")


def _is_utf8(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


_LARGEST_ID = 2**63 - 1  # SQLite's largest integer


def _paper_id(text: str) -> int:
    """A paper id: a whole number SQLite can hold (a larger one used to end in a traceback)."""
    if not (text.isascii() and text.isdigit()) or not 0 < int(text) <= _LARGEST_ID:
        raise argparse.ArgumentTypeError(f"{text!r} is not a paper id")
    return int(text)


def _count(text: str) -> int:
    if not (text.isascii() and text.isdigit()) or int(text) > _LARGEST_ID:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of papers")
    return int(text)


def _year(text: str) -> int:
    """--year: a year a page could be from (its papers may fall in the year before)."""
    try:
        year = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a year") from None
    if not 1000 <= year <= 9999:
        raise argparse.ArgumentTypeError(f"{year} is not a year between 1000 and 9999")
    return year


def cmd_tag(library: Library, args: argparse.Namespace) -> int:
    ids: list[int] = []
    add: list[str] = []
    remove: list[str] = []
    for item in args.items:
        if item.isdigit():  # "²" too, which _paper_id refuses
            try:
                ids.append(_paper_id(item))
            except argparse.ArgumentTypeError as error:
                raise UserError(str(error)) from None
        elif item.startswith("+") and len(item) > 1:
            add.append(item[1:])
        elif item.startswith("-") and len(item) > 1:
            remove.append(item[1:])
        else:
            raise UserError(f"{item!r} is neither a paper id nor +tag / -tag")
    if not ids:
        raise UserError("name at least one paper id")
    if not add and not remove:
        raise UserError("name at least one +tag to add or -tag to remove")
    if add:
        library.add_tags(ids, add)
    if remove:
        library.remove_tags(ids, remove)
    return 0


def cmd_list(library: Library, args: argparse.Namespace) -> int:
    action = args.action
    if action is None:
        for entry in library.lists():
            print(f"{entry.name} ({entry.count})" + (f" — {entry.detail}" if entry.detail else ""))
        return 0
    if action == "create":
        library.create_list(args.name, args.description or "")
    elif action == "add":
        added = library.add_to_list(args.name, args.ids)
        print(f"{added} added to {args.name}")
    elif action == "remove":
        library.remove_from_list(args.name, args.ids)
    elif action == "rename":
        library.rename_list(args.name, args.new_name)
    elif action == "delete":
        library.delete_list(args.name)
    elif action == "show":
        records = library.get_many(library.list_paper_ids(args.name))
        if args.json:
            json.dump([paper_json(r) for r in records], sys.stdout, ensure_ascii=False, indent=2)
            print()
        else:
            for position, record in enumerate(records, 1):
                print(f"{position:>4}. [{record.id}] {record.title}")
    return 0


def cmd_merge(library: Library, args: argparse.Namespace) -> int:
    record = library.merge(args.keep, args.other)
    print(f"merged {args.other} into {record.id}: {record.title}")
    return 0


def cmd_sources(library: Library, args: argparse.Namespace) -> int:
    for source in library.sources():
        date = source.page_date.isoformat() if source.page_date else "no date"
        print(
            f"{source.id:>4} {source.name} [{source.format}] page {date}, "
            f"{source.paper_count} papers, imported {source.imported_at:%Y-%m-%d %H:%M}"
        )
    return 0


class CommandParser(argparse.ArgumentParser):
    """A command's parser. Where a query is positional (`search`, `export`, `complete`), a word
    with one leading "-" that is none of the command's own options (`-q`, `-o`) is part of the
    query, as the query language's `-survey` promises; everywhere else parsing is argparse's
    own."""

    query_words_may_start_with_dash = False

    def _parse_optional(self, arg_string: str) -> Any:
        if (
            self.query_words_may_start_with_dash
            and arg_string.startswith("-")
            and not arg_string.startswith("--")  # an unknown --option stays a usage error
            and arg_string not in self._option_string_actions
        ):
            return None  # argparse's "not an option": a positional value
        return super()._parse_optional(arg_string)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="readinglist",
        description="A local library of research papers. With no command, opens the window.",
    )
    parser.add_argument("--version", action="version", version=f"ReadingList {__version__}")
    parser.add_argument(
        "--library",
        metavar="PATH",
        help="library file (default: $READINGLIST_LIBRARY, else the user data folder)",
    )
    parser.add_argument(
        "--smoke-test",
        action="store_true",
        help="open the window, wait for its first paint, exit 0 (checks an installation)",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=CommandParser)

    def add(name: str, handler: Handler, help_text: str) -> argparse.ArgumentParser:
        sub = commands.add_parser(name, help=help_text, description=help_text)
        sub.set_defaults(handler=handler)
        return sub

    sub = add("import", cmd_import, "import saved listing pages")
    sub.add_argument("files", nargs="+", metavar="FILE")
    sub.add_argument("--list", metavar="NAME", help="also add the papers to this reading list")
    sub.add_argument("--year", type=_year, metavar="YYYY", help="year of a text copy's page")
    sub.add_argument("--dry-run", action="store_true", help="show what would happen; store nothing")

    sub = add("search", cmd_search, "search the library (see README for the query language)")
    sub.add_argument("query", nargs="*", metavar="QUERY")
    sub.add_argument("--sort", choices=[*SORT_FIELDS, *(f"-{f}" for f in SORT_FIELDS)])
    sub.add_argument("--reverse", action="store_true", help="reverse the sort direction")
    sub.add_argument("--limit", type=_count, metavar="N")
    sub.add_argument("--json", action="store_true", help="print one JSON array of papers")
    sub.add_argument("-q", "--quiet", action="store_true", help="no count on stderr")

    sub = add("show", cmd_show, "show one paper")
    sub.add_argument("id", type=_paper_id)
    sub.add_argument("--json", action="store_true")

    sub = add("status", cmd_status, "set the reading status of papers")
    sub.add_argument("ids", type=_paper_id, nargs="+", metavar="ID")
    sub.add_argument("status", choices=[s.value for s in ReadingStatus])

    sub = add("rate", cmd_rate, "rate papers 0-5")
    sub.add_argument("ids", type=_paper_id, nargs="+", metavar="ID")
    sub.add_argument("rating", type=int, choices=range(6))

    sub = add("note", cmd_note, "replace a paper's notes (Markdown); '-' reads stdin")
    sub.add_argument("id", type=_paper_id)
    sub.add_argument("text")

    sub = add("tag", cmd_tag, "add (+name) or remove (-name) tags: tag ID... +name -name")
    # REMAINDER: "-name" is a tag to remove, not an option.
    sub.add_argument("items", nargs=argparse.REMAINDER, metavar="ID|+TAG|-TAG")

    sub = add("list", cmd_list, "reading lists: create, add, remove, show, rename, delete")
    actions = sub.add_subparsers(dest="action", metavar="ACTION")
    a = actions.add_parser("create", help="create a list")
    a.add_argument("name")
    a.add_argument("--description")
    a = actions.add_parser("add", help="append papers to a list")
    a.add_argument("name")
    a.add_argument("ids", type=_paper_id, nargs="+", metavar="ID")
    a = actions.add_parser("remove", help="remove papers from a list")
    a.add_argument("name")
    a.add_argument("ids", type=_paper_id, nargs="+", metavar="ID")
    a = actions.add_parser("show", help="the list's papers in order")
    a.add_argument("name")
    a.add_argument("--json", action="store_true")
    a = actions.add_parser("rename", help="rename a list")
    a.add_argument("name")
    a.add_argument("new_name")
    a = actions.add_parser("delete", help="delete a list (its papers stay in the library)")
    a.add_argument("name")

    sub = add("merge", cmd_merge, "merge the second paper into the first")
    sub.add_argument("keep", type=_paper_id)
    sub.add_argument("other", type=_paper_id)

    add("sources", cmd_sources, "the imported files")
    add_export_parser(commands)
    add_complete_parser(commands)
    for name in ("search", "export", "complete"):
        query_parser = commands.choices[name]
        assert isinstance(query_parser, CommandParser)
        query_parser.query_words_may_start_with_dash = True
    add_related_parser(commands)
    return parser


def _command_names(parser: argparse.ArgumentParser) -> set[str]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return set(action.choices)
    return set()


def _looks_like_file(argument: str) -> bool:
    path = Path(argument)
    if path.suffix or os.sep in argument or "/" in argument:
        return True
    try:
        return path.exists()
    except OSError:  # in a folder we may not search: a file, and importing it will say so
        return True


def split_window_files(
    parser: argparse.ArgumentParser, argv: Sequence[str]
) -> tuple[list[str], list[Path]]:
    """`readinglist FILE...` (what a double-click or "Open with" runs) opens the window with
    the files in its import preview: with no command named, take the files out of argv."""
    commands = _command_names(parser)
    rest: list[str] = []
    files: list[Path] = []
    index = 0
    while index < len(argv):
        argument = argv[index]
        if argument == "--":  # everything after is a file, even "-odd-name.html"
            files += [Path(a) for a in argv[index + 1 :]]
            break
        if argument.startswith("-"):
            rest.append(argument)
            if argument == "--library" and index + 1 < len(argv):
                index += 1
                rest.append(argv[index])
        elif argument in commands or not _looks_like_file(argument):
            return list(argv), []  # a command (or a typo argparse should report)
        else:
            files.append(Path(argument))
        index += 1
    return rest, files


def _open_library(explicit: str | None, *, create: bool) -> Library:
    """The library to work on; one that cannot be written opens read-only, so that reading
    commands still work and writing ones say why they cannot."""
    location = resolve_library(explicit)
    if isinstance(location, str):  # a shared library: the server says what the member may do
        return Library(location, create=create)
    path = location
    try:
        if path.is_file():
            check_writable(path)
        return Library(path, create=create)
    except LibraryOpenError as error:
        if classify(path, error).kind is not FailureKind.READ_ONLY or not path.is_file():
            raise
        return ReadOnlyLibrary(path)


def main(argv: Sequence[str] | None = None) -> int:
    # Background work logs what it could not do (statistics, checkpoints); a command has no
    # log window, and Python's fallback would print those as tracebacks after a success.
    logging.getLogger("readinglist").addHandler(logging.NullHandler())
    parser = build_parser()
    arguments = list(sys.argv[1:] if argv is None else argv)
    arguments, files = split_window_files(parser, arguments)
    args = parser.parse_args(arguments)
    if args.command is None:
        from readinglist.gui.app import main as gui_main

        return gui_main(
            [sys.argv[0]],
            library_path=resolve_library(args.library),
            files=files,
            smoke_test=args.smoke_test,
        )
    # Only commands that add something start a library; any other on a path that holds none is
    # an error, so a mistyped --library never leaves an empty library behind.
    creates = args.command == "import" or (args.command == "list" and args.action == "create")
    try:
        _check_text_arguments(args)
        library = _open_library(args.library, create=creates)
    except UserError as error:
        print(f"readinglist: {error}", file=sys.stderr)
        return 1
    answer_like(library)
    try:
        code: int = args.handler(library, args)
        return code
    except UserError as error:
        print(f"readinglist: {error}", file=sys.stderr)
        return 1
    except BrokenPipeError:  # `readinglist search | head`
        return 0
    finally:
        library.close()


if __name__ == "__main__":
    sys.exit(main())
