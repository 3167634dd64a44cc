"""The window shown while goldspan opens: painted before anything slow runs.

Opening a project takes a second or two on an idle machine, mostly importing spaCy for
its tokenizer, and the daily backup copies the database; with another process using a
full CPU that stretched to 7-9 s with nothing on screen (issue 14, item 8: "the window
stayed black for 8 s"). This window comes up at the main window's size as soon as the
QApplication exists, says what is happening, and is replaced by the main window.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QPaintEvent
from PySide6.QtWidgets import QApplication, QLabel, QVBoxLayout, QWidget


class OpeningWindow(QWidget):
    """``goldspan — opening NAME``: a title line and the step being done."""

    def __init__(self, name: str, size: tuple[int, int] = (1400, 860)) -> None:
        super().__init__()
        self.setObjectName("openingWindow")
        self.setWindowTitle(f"goldspan — opening {name}")
        self.resize(*size)
        self.title = QLabel(f"Opening {name}…")
        self.title.setObjectName("articleTitle")
        self.title.setTextFormat(Qt.TextFormat.PlainText)
        self.title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.step_label = QLabel("")
        self.step_label.setObjectName("hintLabel")
        self.step_label.setTextFormat(Qt.TextFormat.PlainText)
        self.step_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        lay = QVBoxLayout(self)
        lay.addStretch(1)
        lay.addWidget(self.title)
        lay.addWidget(self.step_label)
        lay.addStretch(1)
        self.painted = 0  # paint events so far (a test checks it was on screen)
        from .theme import app_style

        self.setStyleSheet(app_style())

    def paintEvent(self, e: QPaintEvent) -> None:
        self.painted += 1
        super().paintEvent(e)

    def step(self, text: str) -> None:
        """Say what comes next and paint it now: the GUI thread is about to be busy."""
        self.step_label.setText(text)
        if not self.isVisible():
            self.show()
        self.repaint()
        QApplication.processEvents()  # (the first show and paint reach the screen)
