"""`python -m readinglist.gui [LIBRARY]` opens the window."""

import sys
from pathlib import Path

from readinglist.gui.app import main

sys.exit(main(sys.argv[:1], Path(sys.argv[1]) if len(sys.argv) > 1 else None))
