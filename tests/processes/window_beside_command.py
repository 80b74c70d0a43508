"""`python -m tests.processes.window_beside_command LIBRARY`: the window, driven over stdin.

The window opens the import dialog on the library's own folder and lets it look at every file
there, as a person browsing to the folder does, then closes it and prints "dialog-done". On
"edit" it changes paper 1's notes through the window's library and prints "edited"; on "quit"
it closes. The test runs a `readinglist` command between the two, in another process.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QFileInfo, QTimer
from PySide6.QtWidgets import QApplication, QFileDialog, QFileSystemModel

from readinglist.core.library import Library
from readinglist.gui.main_window import MainWindow

NOTE = "written by the window after a command ran beside it"


def look_at_folder(folder: Path) -> None:
    """Inside the import dialog: show the library's folder and ask the type of every file."""
    dialog = next(w for w in QApplication.topLevelWidgets() if isinstance(w, QFileDialog))
    model = dialog.findChild(QFileSystemModel)

    def loaded(_path: str) -> None:
        provider = dialog.iconProvider()
        for entry in sorted(folder.iterdir()):
            provider.type(QFileInfo(str(entry)))  # what the dialog's Type column shows
        dialog.reject()

    model.directoryLoaded.connect(loaded)
    dialog.setDirectory(str(folder))


def main() -> int:
    path = Path(sys.argv[1])
    app = QApplication([])
    library = Library(path, create=False)
    window = MainWindow(library)
    window.show()
    QTimer.singleShot(0, lambda: look_at_folder(path.parent))
    window.importer.import_dialog()  # modal: returns once look_at_folder rejected it
    print("dialog-done", flush=True)
    for line in sys.stdin:
        if line.strip() == "edit":
            library.set_notes(1, NOTE)
            print("edited", flush=True)
        elif line.strip() == "quit":
            break
    window.close()
    app.processEvents()
    library.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
