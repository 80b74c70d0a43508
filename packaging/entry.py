"""The bundle's executable: the command line, which opens the window when given no command.

`ReadingList` opens the window, `ReadingList page.html` opens it with the import preview,
`ReadingList import FILE` / `ReadingList --version` behave as `readinglist` does.
"""

import sys

from readinglist.cli import main

if __name__ == "__main__":
    sys.exit(main())
