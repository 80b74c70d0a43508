"""`python -m tests.processes.import_until_told LIBRARY PAGE`: an import that stops to be killed.

Prints "halfway" when half the page is matched inside the import's transaction, then waits for
a line on stdin before going on; prints "committed" once the import is committed (its WAL
checkpoint still running in the background), then waits again. The test kills it with SIGKILL
at either point.
"""

from __future__ import annotations

import sys
from pathlib import Path

from readinglist.core.library import Library
from readinglist.importers import ParseOptions, parse_listing, read_listing

if __name__ == "__main__":
    library = Library(Path(sys.argv[1]), create=False)
    listing = read_listing(Path(sys.argv[2]))
    result = parse_listing(listing, ParseOptions(year=2025))
    told = False

    def progress(done: int, total: int) -> None:
        global told
        if not told and done >= total // 2:
            told = True
            print("halfway", flush=True)
            sys.stdin.readline()

    library.import_result(
        result, file_name=listing.name, file_path=None, sha256=listing.sha256, progress=progress
    )
    print("committed", flush=True)
    sys.stdin.readline()
