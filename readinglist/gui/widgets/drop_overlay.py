"""What the window shows while files are dragged over it: a tinted, outlined cover saying what
dropping them does. It takes no input; the window shows it on drag enter and hides it on
leave and drop."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPaintEvent, QPalette, QPen
from PySide6.QtWidgets import QWidget


class DropOverlay(QWidget):
    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.setAttribute(Qt.WidgetAttribute.WA_NoSystemBackground)
        self.text = ""
        parent.installEventFilter(self)
        self.hide()

    def show_for(self, file_count: int) -> None:
        noun = "file" if file_count == 1 else "files"
        self.text = f"Drop to import {file_count} {noun}"
        parent = self.parentWidget()
        if parent is not None:
            self.setGeometry(parent.rect())
        self.raise_()
        self.show()
        self.update()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        parent = self.parentWidget()
        if watched is parent and parent is not None and event.type() == QEvent.Type.Resize:
            self.setGeometry(parent.rect())
        return False

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        accent = self.palette().color(QPalette.ColorRole.Highlight)
        tint = QColor(accent)
        tint.setAlpha(40)
        rect = QRectF(self.rect()).adjusted(6, 6, -6, -6)
        painter.fillRect(self.rect(), tint)
        pen = QPen(accent, 3, Qt.PenStyle.DashLine)
        painter.setPen(pen)
        painter.drawRoundedRect(rect, 10, 10)
        font = QFont(self.font())
        font.setPointSizeF(font.pointSizeF() * 1.6)
        font.setBold(True)
        painter.setFont(font)
        # The words on a plate, readable over any rows below.
        metrics = painter.fontMetrics()
        width = metrics.horizontalAdvance(self.text) + 40
        height = metrics.height() + 24
        plate = QRectF(rect.center().x() - width / 2, rect.center().y() - height / 2, width, height)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(self.palette().color(QPalette.ColorRole.Window))
        painter.drawRoundedRect(plate, 8, 8)
        painter.setPen(accent)
        painter.drawText(plate, int(Qt.AlignmentFlag.AlignCenter), self.text)
        painter.end()
