"""`make screenshot`: the main window over the shared samples, saved to docs/screenshot.png."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "tests" / "fixtures" / "samples" / "hf-text"


def main() -> int:
    from PySide6.QtWidgets import QApplication

    from readinglist.core.library import Library
    from readinglist.core.records import ReadingStatus
    from readinglist.gui.app import create_app
    from readinglist.gui.main_window import MainWindow
    from readinglist.gui.settings import Settings
    from readinglist.gui.worker import run_until, wait_for_background_work
    from readinglist.importers import parse_listing, read_listing

    # The text copies, then a daily page that completes some of them and brings authors,
    # organizations and upvotes.
    files = [
        *sorted(SAMPLES.glob("*.txt")),
        SAMPLES.parent / "pages" / "hf-papers-daily_2026-07-02.html",
    ]
    if not all(path.is_file() for path in files):
        print(f"no samples in {SAMPLES}", file=sys.stderr)
        return 1
    app = create_app([sys.argv[0]])
    with tempfile.TemporaryDirectory() as folder:
        library = Library(Path(folder) / "library.sqlite")
        for path in files:
            listing = read_listing(path)
            library.import_result(
                parse_listing(listing),
                file_name=listing.name,
                file_path=str(path),
                sha256=listing.sha256,
            )
        ids = library.search_ids("")
        # A little of what a reader does, so the picture shows more than a fresh import.
        library.set_status(ids[1:4], ReadingStatus.READ)
        library.set_status(ids[4:6], ReadingStatus.READING)
        library.set_rating(ids[:1], 4)
        library.add_tags(ids[:3], ["to-read"])
        library.add_tags(ids[2:5], ["agents"])
        library.add_to_list("Thesis background", ids[:5], create=True)
        library.set_notes(ids[0], "Compare with **last week's** baseline; see section 4.")
        window = MainWindow(library, Settings(Path(folder) / "settings.ini"))
        window.resize(1440, 860)
        window.show()
        run_until(lambda: window.model.complete)
        window.select_ids(ids[:1])
        app.processEvents()
        out = ROOT / "docs" / "screenshot.png"
        out.parent.mkdir(exist_ok=True)
        window.grab().save(str(out))
        print(f"wrote {out}")
        window.close()
        wait_for_background_work()
        window.deleteLater()
        QApplication.processEvents()  # deliver what the window still had queued, then it goes
        library.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
