"""The annotation window's left pane: the queue of articles with its filters (text,
status, assigned to me, fewer than N done by others) and the progress under it."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtWidgets import QCheckBox, QComboBox, QLineEdit, QProgressBar, QSpinBox, QVBoxLayout, QWidget

from ..core.queue import Queue, QueueFilter
from ..core.status import Status, display
from .parts.elided import ElidedLabel
from .queue_model import QueueModel
from .widgets import Resize, fit_columns, heading, row_table, select_row

STATUS_FILTERS: tuple[tuple[str, tuple[Status, ...]], ...] = (
    ("All statuses", ()),
    ("Not finished", (Status.TODO, Status.IN_PROGRESS)),
    *((display(s).text.capitalize(), (s,)) for s in Status),
)


class QueuePane(QWidget):
    """``chosen(doc_id)``: an article was clicked (or activated) in the queue;
    ``filtered()``: the filter changed (the window re-selects its article)."""

    chosen = Signal(int)
    filtered = Signal()

    def __init__(self, queue: Queue) -> None:
        super().__init__()
        self.queue = queue
        self.filter_edit = QLineEdit(placeholderText="Filter articles…  (Ctrl+F)")
        self.filter_edit.setClearButtonEnabled(True)
        self.filter_edit.textChanged.connect(self._filter_changed)
        self.status_filter = QComboBox()
        for text, _ in STATUS_FILTERS:
            self.status_filter.addItem(text)
        self.status_filter.currentIndexChanged.connect(self._filter_changed)
        self.assigned_box = QCheckBox("Only articles assigned to me")
        self.assigned_box.setToolTip("Limit the queue, Enter's next article and the progress to "
                                     "the articles assigned to you (goldspan assign)")
        self.assigned_box.toggled.connect(self._filter_changed)
        self.fewer_box = QSpinBox()
        self.fewer_box.setRange(0, 99)
        self.fewer_box.setSpecialValueText("Any number of done versions")
        self.fewer_box.setPrefix("Fewer than ")
        self.fewer_box.setSuffix(" done by others")
        self.fewer_box.setToolTip("Only articles that fewer than N other annotators have done "
                                  "(to spread the work, or to reach N versions for agreement)")
        self.fewer_box.valueChanged.connect(self._filter_changed)
        self.queue_model = QueueModel(queue)
        # Fixed widths from the font, not ResizeToContents: that measures every row of a
        # column before the first paint (0.17 s on a 25,000-entity article).
        self.queue_view = row_table(
            self.queue_model, "queueView",
            (Resize.Interactive, Resize.Stretch, Resize.Interactive, Resize.Interactive),
            alternating=True,
        )
        fit_columns(self.queue_view, {0: "9999", 2: "in progress", 3: "Entities"}, pad=14)
        self.queue_view.clicked.connect(self._clicked)
        self.queue_view.activated.connect(self._clicked)
        self.progress_label = ElidedLabel()
        self.progress_label.setObjectName("progressLabel")
        self.progress_bar = QProgressBar()
        self.progress_bar.setTextVisible(False)
        self.progress_bar.setMaximumHeight(6)
        lv = QVBoxLayout(self)
        lv.setContentsMargins(8, 8, 4, 8)
        for w in (heading("Queue"), self.filter_edit, self.status_filter, self.assigned_box,
                  self.fewer_box):
            lv.addWidget(w)
        lv.addWidget(self.queue_view, 1)
        lv.addWidget(self.progress_label)
        lv.addWidget(self.progress_bar)

    def set_queue(self, queue: Queue) -> None:
        """Another annotator's queue (same filter)."""
        self.queue = queue
        self.queue_model.queue = queue
        self.queue_model.reload()
        self.update_progress()

    def _clicked(self, index: QModelIndex) -> None:
        doc_id = self.queue_model.data(index, Qt.ItemDataRole.UserRole)
        if doc_id is not None:
            self.chosen.emit(int(doc_id))

    def select(self, doc_id: int) -> None:
        select_row(self.queue_view, self.queue.row_of(doc_id))

    def _filter_changed(self, *_: object) -> None:
        statuses = STATUS_FILTERS[self.status_filter.currentIndex()][1]
        fewer = self.fewer_box.value() or None
        self.queue_model.set_filter(QueueFilter(statuses, self.filter_edit.text().strip(),
                                                self.assigned_box.isChecked(), fewer))
        self.update_progress()
        self.filtered.emit()

    def focus_filter(self) -> None:
        self.filter_edit.setFocus()
        self.filter_edit.selectAll()

    def update_progress(self) -> None:
        p = self.queue.progress()
        self.progress_bar.setMaximum(max(1, p.total))
        self.progress_bar.setValue(p.finished)
        extra = []
        for status in (Status.SKIPPED, Status.REJECTED):
            if p.counts.get(status):
                extra.append(f"{p.counts[status]} {display(status).text}")
        self.progress_label.setText(
            f"Done {p.done} of {p.total}" + (f"  ({', '.join(extra)})" if extra else "")
        )
