"""Guards against a PySide6 release that mishandles references to None (6.12.0 loses one on
QStandardItem.appendRow and on QModelIndex.data() of an unset role; see pyproject)."""

from __future__ import annotations

import sys

from PySide6.QtCore import Qt
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QApplication


def test_pyside_keeps_its_references_to_none(qapp: QApplication) -> None:
    model = QStandardItemModel(0, 2)
    before = sys.getrefcount(None)
    for _ in range(200):
        model.appendRow([QStandardItem("a"), QStandardItem("b")])
        model.index(0, 0).data(Qt.ItemDataRole.UserRole + 7)  # a role nobody set: None
    # A buggy binding loses one reference per call and soon aborts the interpreter.
    assert sys.getrefcount(None) >= before - 20
