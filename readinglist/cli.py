"""The `readinglist` command line. Errors meant for the user print one line, never a traceback."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from readinglist import __version__
from readinglist.core.errors import UserError
from readinglist.core.library import Library
from readinglist.exporters.command import add_export_parser


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="readinglist", description=__doc__)
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument(
        "--library", metavar="FILE", help="the library file (default: $READINGLIST_LIBRARY)"
    )
    subparsers = parser.add_subparsers(dest="command", required=True)
    add_export_parser(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        library = Library.open(args.library)
        try:
            code: int = args.run(library, args)
        finally:
            library.close()
    except UserError as error:
        print(f"readinglist: {error}", file=sys.stderr)
        return 1
    except BrokenPipeError:  # `readinglist export … | head`
        return 0
    return code


if __name__ == "__main__":
    sys.exit(main())
