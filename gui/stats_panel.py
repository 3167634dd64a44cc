"""Project → Statistics: how good the suggestions really are on these articles.

The figures are ``goldspan stats`` (core/stats.py): per model, exact-match precision,
recall and F1 against the gold, what analysts did with its suggestions, and a
per-label bar chart painted by hand (QtCharts is not needed for bars).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import (
    QComboBox, QDialog, QDialogButtonBox, QFormLayout, QHeaderView, QLabel, QScrollArea, QTableWidget,
    QTableWidgetItem, QVBoxLayout, QWidget,
)

from ..core.stats import collect
from ..core.storage import Store

OUTCOME_TEXT = (("kept", "kept"), ("relabelled", "relabelled"), ("resized", "resized"),
                ("replaced", "replaced"), ("deleted", "deleted"))


class LabelBars(QWidget):
    """Horizontal bars, one group per label: precision, recall and F1 (0–1)."""

    SERIES = (("precision", "#7aa6d9"), ("recall", "#9bc48a"), ("f1", "#3c5f8f"))

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("labelBars")
        self.rows: list[tuple[str, dict[str, float], int, int]] = []
        self.colors: dict[str, str] = {}
        self.setMinimumHeight(120)

    def set_figures(self, per_label: dict[str, dict[str, Any]], colors: dict[str, str]) -> None:
        rows = []
        for label, fig in per_label.items():
            tp, fp, fn = (int(fig.get(k, 0)) for k in ("tp", "fp", "fn"))
            if tp + fp + fn == 0:
                continue  # neither in the gold nor suggested: nothing to show
            rows.append((label, {k: float(fig.get(k, 0.0)) for k, _ in self.SERIES}, tp + fn, tp + fp))
        self.rows = sorted(rows, key=lambda r: (-r[2], r[0]))
        self.colors = colors
        self.updateGeometry()
        self.update()

    ROW = 46
    LEFT = 190  # at least; wider when a label or its counts need it
    RIGHT = 56
    BARS = 300  # the least width of the bars themselves

    def _small(self) -> QFont:
        small = QFont(self.font())
        small.setPointSizeF(self.font().pointSizeF() * 0.85)
        return small

    def _detail(self, support: int, suggested: int) -> str:
        return f"{support} in gold · {suggested} suggested"

    def _row_height(self) -> int:
        """Two lines of text (the label, then its counts) with room around them."""
        return max(self.ROW, QFontMetrics(self.font()).height()
                   + QFontMetrics(self._small()).height() + 16)

    def left(self) -> int:
        """Where the bars start: after the longest label and counts line (a fixed
        column cut "MilitaryPlatform" to "MilitaryPlatfor")."""
        big, small = QFontMetrics(self.font()), QFontMetrics(self._small())
        widest = max([big.horizontalAdvance(label) for label, *_ in self.rows]
                     + [small.horizontalAdvance(self._detail(su, sg)) for _, _, su, sg in self.rows]
                     + [0])
        return max(self.LEFT, 18 + widest + 12)

    def sizeHint(self) -> QSize:
        return QSize(self.left() + self.BARS + self.RIGHT,
                     40 + self._row_height() * max(1, len(self.rows)))

    def minimumSizeHint(self) -> QSize:
        return self.sizeHint()

    def paintEvent(self, _e: QPaintEvent) -> None:
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        text = self.palette().color(self.foregroundRole())
        left, row_h = self.left(), self._row_height()
        width = max(50, self.width() - left - self.RIGHT)
        small = self._small()
        # legend
        x = left
        p.setFont(small)
        metrics = QFontMetrics(small)
        for name, color in self.SERIES:
            shown = name.upper() if name == "f1" else name
            step = max(100, metrics.horizontalAdvance(shown) + 30)
            p.fillRect(QRectF(x, 8, 12, 12), QColor(color))
            p.setPen(text)
            p.drawText(QRectF(x + 16, 4, step - 16, 20), int(Qt.AlignmentFlag.AlignVCenter), shown)
            x += step
        if not self.rows:
            p.drawText(QRectF(0, 30, self.width(), 40), int(Qt.AlignmentFlag.AlignCenter),
                       "No model has suggested on documents with gold yet.")
            return
        # grid at 0, 0.5, 1
        p.setPen(QPen(QColor(128, 128, 128, 90), 1, Qt.PenStyle.DashLine))
        for frac in (0.0, 0.5, 1.0):
            gx = left + frac * width
            p.drawLine(int(gx), 28, int(gx), self.height() - 6)
        y = 32
        for label, figs, support, suggested in self.rows:
            p.setPen(text)
            p.setFont(self.font())
            swatch = QColor(self.colors.get(label, "#8c8c8c"))
            p.fillRect(QRectF(6, y + 6, 6, row_h - 16), swatch)
            p.drawText(QRectF(18, y, left - 24, row_h / 2 + 4),
                       int(Qt.AlignmentFlag.AlignVCenter), label)
            p.setFont(small)
            p.drawText(QRectF(18, y + row_h / 2 - 2, left - 24, row_h / 2),
                       int(Qt.AlignmentFlag.AlignVCenter), self._detail(support, suggested))
            bar_h = (row_h - 14) / 3
            for i, (key, color) in enumerate(self.SERIES):
                value = figs[key]
                by = y + 4 + i * bar_h
                p.fillRect(QRectF(left, by, value * width, bar_h - 2), QColor(color))
                if key == "f1":
                    p.setPen(text)
                    p.drawText(QRectF(left + width + 6, y, self.RIGHT, row_h - 8),
                               int(Qt.AlignmentFlag.AlignVCenter), f"{value:.2f}")
            y += row_h
        p.end()


class StatsDialog(QDialog):
    def __init__(self, store: Store, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("goldspan — statistics")
        self.store = store
        self.colors = {lab.name: lab.color for lab in store.labels()}
        self.figures = collect(store)
        f = self.figures
        v = f["versions"]["by_status"]
        summary = QFormLayout()
        summary.addRow("Documents", QLabel(str(f["documents"])))
        summary.addRow("Versions", QLabel(", ".join(f"{n} {k.replace('_', ' ')}" for k, n in v.items()) or "none"))
        summary.addRow("Entities", QLabel(f"{f['spans']['total']} in all versions"))
        self.model_box = QComboBox()
        self.model_box.setObjectName("modelBox")
        for model in f["model_vs_gold"]:
            self.model_box.addItem(model)
        self.model_box.currentTextChanged.connect(self._show_model)
        summary.addRow("Model", self.model_box)
        self.table = QTableWidget(0, 2, self)
        self.table.setObjectName("modelFigures")
        self.table.setHorizontalHeaderLabels(["Figure", "Value"])
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        self.bars = LabelBars(self)
        scroll = QScrollArea(self)
        scroll.setWidget(self.bars)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        self.note = QLabel()
        self.note.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addLayout(summary)
        lay.addWidget(self.note)
        lay.addWidget(self.table)
        lay.addWidget(QLabel("Per label, against the gold (exact matches):"))
        lay.addWidget(scroll, 1)
        lay.addWidget(buttons)
        self._show_model(self.model_box.currentText())
        self.resize(720, 820)

    def _show_model(self, model: str) -> None:
        fig = self.figures["model_vs_gold"].get(model)
        self.table.setRowCount(0)
        if fig is None:
            self.note.setText("No model's suggestions can be compared with gold yet: accept "
                              "some articles (Enter) and come back.")
            self.bars.set_figures({}, self.colors)
            return
        self.note.setText(f"{model}: {fig.get('suggestions', 0)} suggestions on "
                          f"{fig.get('documents', 0)} documents that have gold.")
        rows = [("Precision", f"{fig['precision']:.3f}"), ("Recall", f"{fig['recall']:.3f}"),
                ("F1", f"{fig['f1']:.3f}")]
        rows += [(f"Suggestions {text}", str(fig.get(key, 0))) for key, text in OUTCOME_TEXT]
        for name, value in rows:
            r = self.table.rowCount()
            self.table.insertRow(r)
            self.table.setItem(r, 0, QTableWidgetItem(name))
            item = QTableWidgetItem(value)
            item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.table.setItem(r, 1, item)
        # every row shown, whatever the font: no scroll bar over nine lines
        rows_height = sum(self.table.rowHeight(r) for r in range(self.table.rowCount()))
        self.table.setFixedHeight(self.table.horizontalHeader().sizeHint().height() + rows_height
                                  + 2 * self.table.frameWidth() + 2)
        self.bars.set_figures(fig.get("per_label", {}), self.colors)
