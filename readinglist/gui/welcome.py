"""The first-run welcome: what an empty library shows instead of an empty table.

It explains the three ways to import and what the library file is and where it lives. The
window owns the widget (`MainWindow.empty_label`, shown while the library is empty); this module
only gives it its words and its links, so the window's layout stays the window's business.
"""

from __future__ import annotations

import html
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QMainWindow

from readinglist.gui.help_actions import reveal

SHOW_FOLDER_LINK = "readinglist:show-library-folder"
IMPORT_LINK = "readinglist:import"
PASTE_LINK = "readinglist:paste"


def welcome_html(library_path: Path, read_only: bool = False) -> str:
    path = html.escape(str(library_path))
    if read_only:
        status = (
            "<p><b>This library is open read-only</b>: you can look, but nothing can be added "
            "or changed.</p>"
        )
    else:
        status = ""
    return f"""
<table align="center" width="600"><tr><td>
<h2>Welcome to ReadingList</h2>
<p>Your library is empty. Bring in papers from a saved listing page (an arXiv listing, a
Hugging Face papers page, or a text or Markdown copy of one) in any of three ways:</p>
<ol>
<li><b>Drop</b> saved pages onto this window.</li>
<li><a href="{IMPORT_LINK}">Choose files</a> with <b>File ▸ Import…</b></li>
<li><b>Copy</b> a listing in your browser and <a href="{PASTE_LINK}">paste it</a>
(<b>File ▸ Paste Listing</b>).</li>
</ol>
<p>You always see a preview first: nothing is stored until you press Import. Saved pages can also
be opened with ReadingList from your file manager.</p>
{status}
<p>Your library is one file, which holds every paper, your notes, tags and reading lists:<br>
<code>{path}</code><br>
Back it up by copying it. <a href="{SHOW_FOLDER_LINK}">Show the library folder</a>
(also in <b>Help ▸ Show Library Folder</b>).</p>
</td></tr></table>"""


def install_welcome(window: QMainWindow, library_path: Path, read_only: bool = False) -> bool:
    """Give the window's empty state the welcome text; False when the window has none."""
    label = getattr(window, "empty_label", None)
    if not isinstance(label, QLabel):
        return False
    label.setObjectName("welcome")
    label.setTextFormat(Qt.TextFormat.RichText)
    label.setText(welcome_html(library_path, read_only))
    label.setWordWrap(True)
    label.setAlignment(Qt.AlignmentFlag.AlignCenter)
    label.setStyleSheet("QLabel#welcome { font-size: 14px; padding: 24px; }")
    label.setTextInteractionFlags(
        Qt.TextInteractionFlag.LinksAccessibleByMouse
        | Qt.TextInteractionFlag.LinksAccessibleByKeyboard
        | Qt.TextInteractionFlag.TextSelectableByMouse
    )
    label.setOpenExternalLinks(False)
    label.linkActivated.connect(lambda link: follow_link(window, library_path, link))
    return True


def follow_link(window: QMainWindow, library_path: Path, link: str) -> None:
    if link == SHOW_FOLDER_LINK:
        reveal(library_path)
    elif link == IMPORT_LINK:
        getattr(window, "import_dialog", lambda: None)()
    elif link == PASTE_LINK:
        getattr(window, "paste_listing", lambda: None)()
