"""The review's dashboard: the figures of ``goldspan agreement`` as coloured tables
(pairwise F1 matrix, F1 per label, the label confusion of a chosen pair), computed by
:mod:`goldspan.core.agreement` and laid out as the HTML report lays them out."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor, QResizeEvent
from PySide6.QtWidgets import (
    QAbstractItemView, QComboBox, QHeaderView, QLabel, QTableWidget, QTableWidgetItem,
    QVBoxLayout, QWidget,
)

from ..core.agreement import MISSED, AgreementResult
from ..core.agreement_report import all_labels, confusion_matrix
from .review_models import fmt, score_color
from .widgets import plain_tip

DARK_TEXT = QColor("#111111")


def count_color(count: int, top: int, agree: bool) -> QColor | None:
    """Green on the diagonal, red off it, darker for larger counts (as the HTML report)."""
    if not count:
        return None
    light = 0.95 - 0.40 * count / max(top, 1)
    return QColor.fromHslF((120.0 if agree else 0.0) / 360.0, 0.65, light)


def compact_table(name: str) -> QTableWidget:
    t = QTableWidget()
    t.setObjectName(name)
    t.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    t.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
    t.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    font = t.font()
    font.setPointSizeF(font.pointSizeF() * 0.9)  # figures, not prose: dense and aligned
    t.setFont(font)
    t.horizontalHeader().setFont(font)
    t.verticalHeader().setFont(font)
    t.verticalHeader().setDefaultSectionSize(20)
    t.horizontalHeader().setMinimumSectionSize(30)
    t.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    t.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
    t.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    t.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
    return t


def cell(text: str, background: QColor | None = None, tip: str | None = None) -> QTableWidgetItem:
    item = QTableWidgetItem(text)
    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    if background is not None:
        item.setBackground(QBrush(background))
        item.setForeground(QBrush(DARK_TEXT))
    if tip:
        item.setToolTip(plain_tip(tip))
    return item


def fit_height(t: QTableWidget) -> None:
    """Tall enough for every row (the dashboard scrolls as a whole, not per table), plus
    room for a horizontal scroll bar when the columns are wider than the panel."""
    t.resizeColumnsToContents()
    header = t.horizontalHeader().sizeHint().height()
    h = header + 2 * t.frameWidth() + t.rowCount() * t.verticalHeader().defaultSectionSize() + 2
    t.setFixedHeight(h)
    t.setProperty("fitted_height", h)


class Dashboard(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("reviewDashboard")
        self.result: AgreementResult | None = None
        self.summary = QLabel()
        self.summary.setObjectName("dashSummary")
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        self.pairs = compact_table("pairMatrix")
        self.labels = compact_table("labelTable")
        self.pair_choice = QComboBox()
        self.pair_choice.setObjectName("pairChoice")
        self.pair_choice.setToolTip("Which pair of annotators the confusion table compares")
        self.pair_choice.currentIndexChanged.connect(self._show_confusion)
        self.confusion = compact_table("confusionTable")
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(4)
        lay.addWidget(self.summary)
        lay.addWidget(self._title("Pairwise F1 (exact spans)"))
        lay.addWidget(self.pairs)
        lay.addWidget(self._title("F1 per label (exact)"))
        lay.addWidget(self.labels)
        lay.addWidget(self._title("Label confusion (overlapping spans)"))
        lay.addWidget(self.pair_choice)
        lay.addWidget(self.confusion)
        note = QLabel("Rows: the first annotator's label; columns: the second's. "
                      "“missed”: nothing overlapping on the other side.")
        note.setObjectName("dashNote")
        note.setWordWrap(True)
        lay.addWidget(note)
        lay.addStretch(1)

    def resizeEvent(self, e: QResizeEvent) -> None:
        super().resizeEvent(e)
        self._fit_scrollbars()

    def _fit_scrollbars(self) -> None:
        """A table wider than the panel scrolls sideways: make room for its bar."""
        for t in (self.pairs, self.labels, self.confusion):
            base = t.property("fitted_height")
            if base is None:
                continue
            wide = t.verticalHeader().width() + t.horizontalHeader().length() + 2 * t.frameWidth()
            extra = t.horizontalScrollBar().sizeHint().height() if wide > t.width() else 0
            t.setFixedHeight(int(base) + extra)

    @staticmethod
    def _title(text: str) -> QLabel:
        label = QLabel(text)
        label.setObjectName("dashTitle")
        return label

    def set_result(self, result: AgreementResult) -> None:
        self.result = result
        self.summary.setText(
            f"{len(result.annotators)} annotators ({', '.join(result.annotators)}) · "
            f"{result.documents} documents done by two or more · Krippendorff's α "
            f"(tokens) {fmt(result.alpha_token)}")
        self._fill_pairs(result)
        self._fill_labels(result)
        self.pair_choice.blockSignals(True)
        self.pair_choice.clear()
        for p in result.pairs:
            self.pair_choice.addItem(f"{p.a} ↓  /  {p.b} →")
        self.pair_choice.blockSignals(False)
        self._show_confusion(0)  # (and room for each table's sideways scroll bar)

    def _fill_pairs(self, result: AgreementResult) -> None:
        names = result.annotators
        t = self.pairs
        t.clear()
        t.setRowCount(len(names))
        t.setColumnCount(len(names))
        t.setHorizontalHeaderLabels(names)
        t.setVerticalHeaderLabels(names)
        for i, x in enumerate(names):
            for j, y in enumerate(names):
                if x == y:
                    t.setItem(i, j, cell("—"))
                    continue
                try:
                    p = result.pair(x, y)
                except KeyError:
                    t.setItem(i, j, cell("n/a"))
                    continue
                tip = (f"{x} / {y} on {p.documents} documents\nF1 exact {fmt(p.f1_exact)}\n"
                       f"F1 partial {fmt(p.f1_partial)}\nCohen's κ (tokens) {fmt(p.kappa_token)}")
                t.setItem(i, j, cell(fmt(p.f1_exact), score_color(p.f1_exact), tip))
        fit_height(t)

    def _fill_labels(self, result: AgreementResult) -> None:
        labels = all_labels(result)
        t = self.labels
        t.clear()
        t.setRowCount(len(labels))
        t.setColumnCount(len(result.pairs))
        t.setHorizontalHeaderLabels([f"{p.a}/{p.b}" for p in result.pairs])
        t.setVerticalHeaderLabels(labels)
        for i, lab in enumerate(labels):
            for j, p in enumerate(result.pairs):
                lf = p.labels.get(lab)
                if lf is None:
                    t.setItem(i, j, cell("n/a"))
                else:
                    tip = f"{lab}: {p.a} {lf.a}, {p.b} {lf.b}, identical {lf.exact}"
                    t.setItem(i, j, cell(fmt(lf.f1_exact), score_color(lf.f1_exact), tip))
        fit_height(t)

    def _show_confusion(self, index: int) -> None:
        t = self.confusion
        t.clear()
        if self.result is None or not (0 <= index < len(self.result.pairs)):
            t.setRowCount(0)
            t.setColumnCount(0)
            return
        p = self.result.pairs[index]
        rows, cols, cells = confusion_matrix(p)
        top = max(cells.values(), default=0)
        t.setRowCount(len(rows))
        t.setColumnCount(len(cols))
        t.setHorizontalHeaderLabels(cols)
        t.setVerticalHeaderLabels(rows)
        for i, r in enumerate(rows):
            for j, c in enumerate(cols):
                n = cells.get((r, c), 0)
                agree = r == c and r != MISSED
                tip = f"{p.a}: {r}  /  {p.b}: {c}  —  {n} span{'s' if n != 1 else ''}"
                t.setItem(i, j, cell(str(n) if n else "·", count_color(n, top, agree), tip))
        fit_height(t)
        self._fit_scrollbars()
