"""The bundle's executable: the command line, which opens the window when given no command.

`ReadingList` opens the window, `ReadingList page.html` opens it with the import preview,
`ReadingList import FILE` / `ReadingList --version` behave as `readinglist` does.
"""

import multiprocessing
import sys

from readinglist.cli import main

if __name__ == "__main__":
    # A big dropped page is parsed in a child process (importers/elsewhere.py): in the
    # bundle, that child is this executable again, and this call makes it one.
    multiprocessing.freeze_support()
    sys.exit(main())
