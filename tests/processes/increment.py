"""`python -m tests.processes.increment LIBRARY PAPER N`: N read-then-write increments.

Each increment reads a paper's upvotes and writes them back plus one inside one write
transaction, the shape of every read-then-write the library does (citation keys, tag creation,
list positions). Two of these at once must end with exactly 2 × N more upvotes.
"""

from __future__ import annotations

import sys
from pathlib import Path

from readinglist.core.library import Library

if __name__ == "__main__":
    path, paper, count = Path(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
    library = Library(path, create=False)
    print("ready", flush=True)
    sys.stdin.readline()
    for _ in range(count):
        with library._write() as c:
            (value,) = c.exec_driver_sql("SELECT upvotes FROM papers WHERE id = ?", (paper,)).one()
            c.exec_driver_sql(
                "UPDATE papers SET upvotes = ? WHERE id = ?", ((value or 0) + 1, paper)
            )
    library.close()
