"""Every file dialog of the window: they never open the files they list.

Qt's file dialog asks its icon provider for each file's type, and the default provider answers
from the file's content: it opens and closes `library.sqlite`, `-wal` and `-shm` to read their
first bytes. Closing any descriptor of a file drops every POSIX lock this process holds on it
(SQLite's howtocorrupt.html, section 2.2), so a `readinglist` command run afterwards believed
it was the last user, checkpointed and deleted the WAL the window was still writing into, and
the window's later edits were lost. Here types come from file names alone, and the dialog is
Qt's own (a platform's native dialog may run inside this process and read files too).
"""

from __future__ import annotations

from PySide6.QtCore import QFileInfo
from PySide6.QtWidgets import QFileDialog, QFileIconProvider, QWidget


class NameOnlyIconProvider(QFileIconProvider):
    """Icons and type names from the file name, never from the file's content."""

    def type(self, info: QFileInfo) -> str:
        if info.isDir():
            return "Folder"
        suffix = info.suffix()
        return f"{suffix.upper()} File" if suffix else "File"


_ICONS = NameOnlyIconProvider()


def file_dialog(
    parent: QWidget | None,
    title: str,
    start: str,
    filters: str,
    mode: QFileDialog.FileMode = QFileDialog.FileMode.ExistingFiles,
    *,
    save: bool = False,
    confirm_overwrite: bool = True,
) -> QFileDialog:
    """A file dialog that reads no file's content (see the module's docstring)."""
    dialog = QFileDialog(parent, title, start, filters)
    dialog.setOption(QFileDialog.Option.DontUseNativeDialog)
    dialog.setIconProvider(_ICONS)
    dialog.setFileMode(mode)
    if save:
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dialog.setOption(QFileDialog.Option.DontConfirmOverwrite, not confirm_overwrite)
    return dialog


def open_file_names(parent: QWidget | None, title: str, start: str, filters: str) -> list[str]:
    """The existing files the person picked (none when cancelled)."""
    dialog = file_dialog(parent, title, start, filters)
    return dialog.selectedFiles() if dialog.exec() else []


def save_file_name(
    parent: QWidget | None,
    title: str,
    start: str,
    filters: str,
    *,
    confirm_overwrite: bool = True,
) -> str:
    """The file name the person chose to write ('' when cancelled)."""
    dialog = file_dialog(
        parent,
        title,
        start,
        filters,
        QFileDialog.FileMode.AnyFile,
        save=True,
        confirm_overwrite=confirm_overwrite,
    )
    if not dialog.exec():
        return ""
    chosen = dialog.selectedFiles()
    return chosen[0] if chosen else ""
