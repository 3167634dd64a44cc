"""The document header both windows show over the article: the title (one line,
elided) and the status badge, coloured from the one table in core.status."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSizePolicy, QWidget

from ...core.status import display
from .elided import ElidedLabel


class DocumentHeader(QWidget):
    """Title and status badge. The badge's width is fixed by its widest possible text
    (``set_badge_widths``), so a status change never moves the title or the article."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title_label = ElidedLabel()
        self.title_label.setObjectName("articleTitle")
        self.status_badge = QLabel()
        self.status_badge.setObjectName("statusBadge")
        self.status_badge.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.status_badge.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.title_label, 1)
        row.addWidget(self.status_badge, 0, Qt.AlignmentFlag.AlignVCenter)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        self._color: str | None = None

    def show_title(self, title: str, tooltip: str = "") -> None:
        self.title_label.setText(title)
        self.title_label.setToolTip(tooltip)

    def show_status(self, text: str, status: str | None, widest: str = "") -> None:
        """The badge says ``text`` in the colour of ``status`` (None: "to do")."""
        self.status_badge.setText(f"  {text}  ")
        color = display(status if status is not None else "todo").color
        if color != self._color:  # (a restyle at every edit cost)
            self._color = color
            self.status_badge.setStyleSheet(
                f"QLabel#statusBadge {{ background: {color}; color: white; border-radius: 9px;"
                " padding: 2px 6px; font-weight: 600; }")
        sample = f"  {widest or text}  "
        width = self.status_badge.fontMetrics().horizontalAdvance(sample) + 24
        self.status_badge.setFixedWidth(width)

    def restyle(self) -> None:
        """Forget the badge colour (a theme change re-polished every child)."""
        self._color = None
