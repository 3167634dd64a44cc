"""File → Import…: the options of ``goldspan import`` in a dialog, run on a worker
thread behind a progress dialog that can be cancelled.

One difference from the CLI, on purpose: the dialog imports **all the chosen files or
none**. The CLI keeps earlier files when a later one is refused (each file is its own
transaction); here the whole import runs in one transaction, so Cancel, or a refusal
in any file, leaves the database exactly as it was, and the message says so.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable, Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import (
    QDragEnterEvent, QDragMoveEvent, QDropEvent, QPaintEvent, QPainter, QPalette,
)
from PySide6.QtWidgets import (
    QAbstractItemView, QCheckBox, QComboBox, QDialogButtonBox, QFileDialog,
    QFormLayout, QHBoxLayout, QLabel, QLineEdit, QListWidget, QPushButton, QVBoxLayout,
    QWidget,
)

from ..core.errors import GoldspanError, InputError
from ..core.formats.base import Cancelled
from ..core.formats import registry
from ..core.formats.detect import expand
from ..core.importer import DEFAULT_ANNOTATOR, FileSummary, ImportSummary, import_paths
from ..core.storage import Store
from .task_runner import Report, TaskDialog, TaskRunner


def import_formats() -> list[tuple[str, str]]:
    """(name, what the list shows): Auto, then every format the registry reads."""
    return [("auto", "Auto (by extension and content)"),
            *((f.name, f.title) for f in registry.readable())]


def file_filter() -> str:
    """The file dialog's filter: every extension a registered format reads."""
    patterns = " ".join(f"*{e}" for e in sorted(registry.extensions()))
    return f"Dataset files ({patterns});;All files (*)"


def import_task(
    paths: Sequence[Path],
    *,
    format: str = "auto",
    annotator: str | None = None,
    locked_labels: bool = False,
) -> Callable[[Store, Report, Callable[[], bool]], ImportSummary]:
    """The work the dialog runs: every file through :func:`import_paths`, all inside
    one transaction (see the module docstring), with progress per file and record."""

    def run(store: Store, report: Report, cancelled: Callable[[], bool]) -> ImportSummary:
        files, skipped, passed = expand([Path(p) for p in paths])
        summary = ImportSummary(skipped=skipped, passed_over=passed)
        runs: dict[tuple[int, str], tuple[FileSummary, int]] = {}  # runs over all the files
        n = len(files)
        with store.transaction():
            for i, path in enumerate(files):
                if cancelled():
                    raise Cancelled("import cancelled; nothing was imported", path=path)
                which = f" (file {i + 1} of {n})" if n > 1 else ""

                def progress(p: Path, records: int, i: int = i, which: str = which) -> None:
                    report(i, n if n > 1 else 0, f"Importing {p.name}{which}: {records:,} records")

                report(i, n if n > 1 else 0, f"Importing {path.name}{which}…")
                try:
                    done = import_paths(store, [path], format=format, annotator=annotator,
                                        locked_labels=locked_labels, progress=progress,
                                        cancelled=cancelled, runs=runs)
                except Cancelled:
                    raise
                except GoldspanError as err:
                    if i == 0:
                        raise
                    again = InputError(f"{err.message} (nothing was imported: the {n} chosen "
                                       "files go in together or not at all)",
                                       path=err.path, line=err.line, offset=err.offset)
                    again.code = err.code
                    raise again from None
                summary.files.extend(done.files)
            report(n, n if n > 1 else 0, "Saving…")
        return summary

    return run


class PathList(QListWidget):
    """The chosen files and folders; also takes them dropped from a file manager."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAcceptDrops(True)
        self.setDragDropMode(QAbstractItemView.DragDropMode.DropOnly)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setToolTip("Files and folders to import, in this order (a folder's files in "
                        "name order). Drop files here, or use the buttons.")

    def paths(self) -> list[Path]:
        return [Path(self.item(i).text()) for i in range(self.count())]

    def add_paths(self, paths: Sequence[str | Path]) -> None:
        have = {str(p) for p in self.paths()}
        for p in paths:
            text = str(Path(p))
            if text and text not in have:
                self.addItem(text)
                have.add(text)
        self.changed.emit()

    def remove_selected(self) -> None:
        for item in self.selectedItems():
            self.takeItem(self.row(item))
        self.changed.emit()

    def clear_paths(self) -> None:
        self.clear()
        self.changed.emit()

    def paintEvent(self, e: QPaintEvent) -> None:
        super().paintEvent(e)
        if self.count() == 0:
            p = QPainter(self.viewport())
            p.setPen(self.palette().color(QPalette.ColorRole.PlaceholderText))
            p.drawText(self.viewport().rect(), Qt.AlignmentFlag.AlignCenter,
                       "Drop files or folders here,\nor use Add files… / Add folder…")
            p.end()

    def dragEnterEvent(self, e: QDragEnterEvent) -> None:
        if e.mimeData().hasUrls():
            e.acceptProposedAction()
        else:
            super().dragEnterEvent(e)

    def dragMoveEvent(self, e: QDragMoveEvent) -> None:
        if e.mimeData().hasUrls():
            e.acceptProposedAction()
        else:
            super().dragMoveEvent(e)

    def dropEvent(self, e: QDropEvent) -> None:
        local = [u.toLocalFile() for u in e.mimeData().urls() if u.isLocalFile()]
        if local:
            self.add_paths(local)
            e.acceptProposedAction()


class ImportDialog(TaskDialog):
    """Choose files, format, annotator and label locking; Import runs the import and
    shows its one-line summary here; ``imported(summary)`` tells the window."""

    imported = Signal(object)  # ImportSummary
    def __init__(self, db_path: str | Path, parent: QWidget | None = None) -> None:
        super().__init__(db_path, parent)
        self.last_summary: ImportSummary | None = None
        self.setWindowTitle("Import documents and annotations")

        self.path_list = PathList()
        self.path_list.setMinimumHeight(110)
        self.add_files_button = QPushButton("Add files…")
        self.add_folder_button = QPushButton("Add folder…")
        self.remove_button = QPushButton("Remove")
        self.add_files_button.clicked.connect(self._browse_files)
        self.add_folder_button.clicked.connect(self._browse_folder)
        self.remove_button.clicked.connect(self.path_list.remove_selected)
        side = QVBoxLayout()
        side.setContentsMargins(0, 0, 0, 0)
        for b in (self.add_files_button, self.add_folder_button, self.remove_button):
            side.addWidget(b)
        side.addStretch(1)
        paths_row = QHBoxLayout()
        paths_row.addWidget(self.path_list, 1)
        paths_row.addLayout(side)

        self.format_combo = QComboBox()
        for key, text in import_formats():
            self.format_combo.addItem(text, key)
        self.format_combo.setToolTip("How to read the files; Auto tells each file's format "
                                     "by its extension and first record.")

        self.annotator_edit = QLineEdit()
        self.annotator_edit.setPlaceholderText(f"{DEFAULT_ANNOTATOR}  (default)")
        self.annotator_edit.setToolTip(
            "Annotator for records whose file names none (Prodigy _annotator_id / "
            "_session_id and Label Studio completed_by win). 'gold' is reserved.")
        self.annotator_edit.setClearButtonEnabled(True)

        self.lock_check = QCheckBox("Refuse labels not already in the project's label set")
        self.lock_check.setToolTip("A record with an unknown label stops the import "
                                   "(nothing is imported); without this, new labels are added.")
        self.project_locked = self._labels_locked()
        if self.project_locked:
            self.lock_check.setChecked(True)
            self.lock_check.setEnabled(False)
            self.lock_check.setToolTip("This project's label set is locked.")

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        form.setHorizontalSpacing(12)
        form.setVerticalSpacing(10)
        form.addRow("Format:", self.format_combo)
        form.addRow("Annotator:", self.annotator_edit)
        form.addRow("Labels:", self.lock_check)

        self.note = QLabel("All the chosen files are imported together, or none of them: "
                           "Cancel or an error leaves the database as it was.")
        self.note.setWordWrap(True)
        self.note.setObjectName("hintLabel")
        self.note.setStyleSheet("color: palette(mid);")

        self.summary_label = QLabel()
        self.summary_label.setObjectName("summaryLabel")
        self.summary_label.setWordWrap(True)
        self.summary_label.setTextFormat(Qt.TextFormat.PlainText)
        self.summary_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.summary_label.hide()

        self.buttons = QDialogButtonBox()
        self.import_button = self.buttons.addButton(
            "Import", QDialogButtonBox.ButtonRole.AcceptRole)
        self.close_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Close)
        self.import_button.setDefault(True)
        self.buttons.accepted.connect(self.start_import)
        self.buttons.rejected.connect(self.reject)

        heading = QLabel("Files and folders:")
        lay = QVBoxLayout(self)
        lay.setContentsMargins(16, 16, 16, 12)
        lay.setSpacing(8)
        lay.addWidget(heading)
        lay.addLayout(paths_row)
        lay.addSpacing(6)
        lay.addLayout(form)
        lay.addWidget(self.note)
        lay.addWidget(self.summary_label)
        lay.addStretch(1)
        lay.addWidget(self.buttons)

        self.path_list.changed.connect(self._update_buttons)
        self.path_list.itemSelectionChanged.connect(self._update_buttons)
        for signal in (self.path_list.changed, self.format_combo.currentIndexChanged,
                       self.annotator_edit.textChanged, self.lock_check.toggled):
            signal.connect(self.clear_outcome)
        self._update_buttons()
        self.resize(600, 420)

    # -------------------------------------------------------------- choosing
    def _labels_locked(self) -> bool:
        if not self.db_path.exists():
            return False
        try:
            store = Store.open(self.db_path, create=False)
        except GoldspanError:
            return False
        try:
            return bool(store.setting("labels_locked", False, kind=bool))
        except GoldspanError:
            return False  # a bad value: the import itself refuses it in one line
        finally:
            store.close()

    def _browse_files(self) -> None:
        files, _ = QFileDialog.getOpenFileNames(self, "Files to import", "", file_filter())
        if files:
            self.path_list.add_paths(files)

    def _browse_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Folder to import")
        if folder:
            self.path_list.add_paths([folder])

    def set_paths(self, paths: Sequence[str | Path]) -> None:
        """Replace the chosen files and folders (what the Add buttons and drops do)."""
        self.path_list.clear()
        self.path_list.add_paths(paths)

    def set_format(self, fmt: str) -> None:
        index = self.format_combo.findData(fmt)
        if index < 0:
            raise ValueError(f"unknown import format {fmt!r}")
        self.format_combo.setCurrentIndex(index)

    def _update_buttons(self) -> None:
        busy = self.runner is not None and self.runner.running
        self.import_button.setEnabled(not busy and self.path_list.count() > 0)
        self.remove_button.setEnabled(not busy and bool(self.path_list.selectedItems()))

    def _set_busy(self, busy: bool) -> None:
        for w in (self.path_list, self.add_files_button, self.add_folder_button,
                  self.format_combo, self.annotator_edit):
            w.setEnabled(not busy)
        self.lock_check.setEnabled(not busy and not self.project_locked)
        self._update_buttons()

    # ---------------------------------------------------------------- running
    def start_import(self) -> TaskRunner | None:
        """Run the import with the current options; returns the runner (tests wait on
        it), or None when there is nothing to import or one is running."""
        if (self.runner is not None and self.runner.running) or not self.path_list.count():
            return None
        annotator = self.annotator_edit.text().strip() or None
        task = import_task(self.path_list.paths(), format=self.format_combo.currentData(),
                           annotator=annotator, locked_labels=self.lock_check.isChecked())
        return self._run("Import", task, create=True, busy_text="Importing…")


    def _succeeded(self, summary: ImportSummary) -> None:
        self.last_summary = summary
        lines = [summary.line()]
        lines += [f"{f.path.name}: {note}" for f in summary.files for note in f.notes]
        self.path_list.clear_paths()  # (before the summary: a changed list clears it)
        self._show_summary("\n".join(lines), "ok")
        self.imported.emit(summary)

    def _failed(self, message: str) -> None:
        self._show_summary(f"Import failed; nothing was imported. {message}", "failed")

    def _cancelled(self, message: str) -> None:
        self._show_summary("Import cancelled; nothing was imported.", "cancelled")

