"""File → Export…: the options of ``goldspan export`` in a dialog, run on a worker
thread behind a progress dialog that can be cancelled.

The core writes through :mod:`goldspan.core.outputs` (the same checks as the command
line: never the database, a device or someone's folder; ``-`` is refused here, a
window has no standard output), under a temporary name renamed at the end, so Cancel
(or an error) leaves neither a partial output nor the temporary file. Options that only apply to
one format (the CoNLL tag scheme, the spaCy training config) are enabled only with it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QButtonGroup, QCheckBox, QComboBox, QDialogButtonBox, QDoubleSpinBox,
    QFileDialog, QFormLayout, QGroupBox, QHBoxLayout, QLabel, QLineEdit, QPlainTextEdit,
    QPushButton, QRadioButton, QSpinBox, QVBoxLayout, QWidget,
)

from ..core.errors import GoldspanError
from ..core.exporter import ExportSummary, export
from ..core.formats import registry
from ..core.formats.registry import Output
from ..core.status import Status
from ..core.storage import Store
from .task_runner import Report, TaskDialog, TaskRunner


def export_formats() -> list[tuple[str, str]]:
    """(name, what the list shows) of every format the registry writes, in its order."""
    return [(f.name, f"{f.title}, a folder" if f.output is Output.FOLDER else f.title)
            for f in registry.writable()]


CONLL_SCHEMES: tuple[tuple[str, str], ...] = (
    ("iob2", "IOB2 (B- on every entity's first token)"),
    ("iob1", "IOB1 (B- only between touching entities)"),
    ("biluo", "BILUO"),
    ("io", "IO (no B-)"),
    ("source", "As in the imported file"),
)
MAX_PROBLEM_LINES = 20


def export_task(
    out: Path, **options: Any
) -> Callable[[Store, Report, Callable[[], bool]], ExportSummary]:
    """The work the dialog runs: :func:`export` with its progress and cancel hooks."""

    def run(store: Store, report: Report, cancelled: Callable[[], bool]) -> ExportSummary:
        report(0, 0, "Counting the documents to export…")

        def progress(done: int, total: int) -> None:
            report(done, total, f"Exporting {done:,} of {total:,} documents…")

        return export(store, out, progress=progress, cancelled=cancelled,
                      **options)

    return run


def _form(parent: QWidget | None = None) -> QFormLayout:
    form = QFormLayout(parent)
    form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
    form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    form.setHorizontalSpacing(12)
    form.setVerticalSpacing(10)
    return form


class PathEdit(QWidget):
    """A path you can type or paste, with a Browse… button beside it."""

    def __init__(self, placeholder: str, browse: Callable[[], str | None],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.edit = QLineEdit()
        self.edit.setPlaceholderText(placeholder)
        self.edit.setClearButtonEnabled(True)
        self.button = QPushButton("Browse…")
        self._browse = browse
        self.button.clicked.connect(self._clicked)
        lay = QHBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(6)
        lay.addWidget(self.edit, 1)
        lay.addWidget(self.button)

    def _clicked(self) -> None:
        chosen = self._browse()
        if chosen:
            self.edit.setText(chosen)

    def text(self) -> str:
        return self.edit.text().strip()

    def setText(self, text: str) -> None:
        self.edit.setText(text)


class ExportDialog(TaskDialog):
    """Format, output, which versions, split and format options; Export runs it and
    shows the summary line here."""

    exported = Signal(object)  # ExportSummary
    def __init__(self, db_path: str | Path, parent: QWidget | None = None) -> None:
        super().__init__(db_path, parent)
        self.last_summary: ExportSummary | None = None
        self.setWindowTitle("Export annotations")
        self._format = registry.writable()[0].name

        # --- what and where
        self.format_combo = QComboBox()
        for key, text in export_formats():
            self.format_combo.addItem(text, key)
        self.out_path = PathEdit("File to write (a folder for brat, plain text or a split)",
                                 self._browse_out)
        self.out_path.edit.setToolTip(
            "Written under a temporary name and renamed at the end: a cancelled or failed "
            "export leaves nothing behind. Never the database itself; an existing folder is "
            "replaced only if goldspan wrote it (goldspan.core.outputs).")

        # --- which versions
        self.default_radio = QRadioButton("Gold where there is one, else the only done version")
        self.default_radio.setToolTip("Documents whose annotators disagree and that have no "
                                      "gold are left out and counted in the summary.")
        self.gold_radio = QRadioButton("Adjudicated gold only")
        self.annotator_radio = QRadioButton("One annotator's done versions:")
        self.annotator_combo = QComboBox()
        self.annotator_combo.setMinimumContentsLength(12)
        self.selection_group = QButtonGroup(self)
        for b in (self.default_radio, self.gold_radio, self.annotator_radio):
            self.selection_group.addButton(b)
        self.default_radio.setChecked(True)
        self.all_versions_check = QCheckBox("Every annotator's version (one record each)")
        self.all_versions_check.setToolTip("--all-versions: for Prodigy, one line per "
                                           "annotator version instead of one per document.")
        self.all_statuses_check = QCheckBox("Also skipped and rejected versions")
        self.all_statuses_check.setToolTip("--all-statuses: written with their answers "
                                           "(ignore, reject), so Prodigy round trips keep them.")
        annotator_row = QHBoxLayout()
        annotator_row.setSpacing(8)
        annotator_row.addWidget(self.annotator_radio)
        annotator_row.addWidget(self.annotator_combo, 1)
        which = QGroupBox("Versions")
        wl = QVBoxLayout(which)
        wl.setSpacing(6)
        wl.addWidget(self.default_radio)
        wl.addWidget(self.gold_radio)
        wl.addLayout(annotator_row)
        wl.addSpacing(4)
        wl.addWidget(self.all_versions_check)
        wl.addWidget(self.all_statuses_check)

        # --- split
        self.split_check = QCheckBox("Split into train and dev")
        self.split_check.setToolTip("Writes train and dev files into the output folder; the "
                                    "split is exact and the same for the same seed.")
        self.split_spin = QDoubleSpinBox()
        self.split_spin.setRange(0.05, 0.95)
        self.split_spin.setSingleStep(0.05)
        self.split_spin.setDecimals(2)
        self.split_spin.setValue(0.8)
        self.split_spin.setToolTip("Fraction of documents for train")
        self.seed_spin = QSpinBox()
        self.seed_spin.setRange(0, 2**31 - 1)
        self.seed_spin.setToolTip("Seed of the train/dev split")
        split_row = QHBoxLayout()
        split_row.setSpacing(8)
        split_row.addWidget(self.split_check)
        split_row.addStretch(1)
        split_row.addWidget(QLabel("Train fraction"))
        split_row.addWidget(self.split_spin)
        split_row.addSpacing(8)
        split_row.addWidget(QLabel("Seed"))
        split_row.addWidget(self.seed_spin)

        # --- format options
        self.scheme_combo = QComboBox()
        for key, text in CONLL_SCHEMES:
            self.scheme_combo.addItem(text, key)
        self.config_check = QCheckBox("Also write a training config:")
        self.config_path = PathEdit("Where to write the config (.cfg)", self._browse_config)
        self.config_check.toggled.connect(self._config_toggled)
        config_row = QHBoxLayout()
        config_row.setSpacing(8)
        config_row.addWidget(self.config_check)
        config_row.addWidget(self.config_path, 1)

        form = _form()
        form.addRow("Format:", self.format_combo)
        form.addRow("Write to:", self.out_path)
        options_box = QGroupBox("Options")
        opts = _form(options_box)
        opts.addRow("Split:", split_row)
        opts.addRow("CoNLL tags:", self.scheme_combo)
        opts.addRow("spaCy:", config_row)

        self.summary_label = QLabel()
        self.summary_label.setObjectName("summaryLabel")
        self.summary_label.setWordWrap(True)
        self.summary_label.setTextFormat(Qt.TextFormat.PlainText)
        self.summary_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.summary_label.hide()
        self.problems_view = QPlainTextEdit()
        self.problems_view.setReadOnly(True)
        self.problems_view.setMaximumHeight(110)
        self.problems_view.hide()

        self.buttons = QDialogButtonBox()
        self.export_button = self.buttons.addButton(
            "Export", QDialogButtonBox.ButtonRole.AcceptRole)
        self.close_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Close)
        self.export_button.setDefault(True)
        self.buttons.accepted.connect(self.start_export)
        self.buttons.rejected.connect(self.reject)

        lay = QVBoxLayout(self)
        lay.setContentsMargins(16, 16, 16, 12)
        lay.setSpacing(10)
        lay.addLayout(form)
        lay.addWidget(which)
        lay.addWidget(options_box)
        lay.addWidget(self.summary_label)
        lay.addWidget(self.problems_view)
        lay.addStretch(1)
        lay.addSpacing(4)
        lay.addWidget(self.buttons)

        self._fill_annotators()
        for signal in (self.format_combo.currentIndexChanged, self.split_check.toggled,
                       self.config_check.toggled, self.annotator_radio.toggled,
                       self.out_path.edit.textChanged, self.config_path.edit.textChanged):
            signal.connect(self._update_enabled)
        self.format_combo.currentIndexChanged.connect(self._format_changed)
        for signal in (self.format_combo.currentIndexChanged, self.out_path.edit.textChanged,
                       self.selection_group.buttonToggled, self.annotator_combo.currentIndexChanged,
                       self.all_versions_check.toggled, self.all_statuses_check.toggled,
                       self.split_check.toggled, self.split_spin.valueChanged,
                       self.seed_spin.valueChanged, self.scheme_combo.currentIndexChanged,
                       self.config_check.toggled, self.config_path.edit.textChanged):
            signal.connect(self.clear_outcome)
        self._update_enabled()
        self.resize(640, 0)

    # ----------------------------------------------------------------- choices
    def _fill_annotators(self) -> None:
        """The annotators in the database, with how many done versions each has."""
        rows: list[tuple[str, int]] = []
        try:
            store = Store.open(self.db_path, create=False)
        except GoldspanError:
            store = None
        if store is not None:
            try:
                rows = store.done_counts()
            finally:
                store.close()
        for name, done in rows:
            self.annotator_combo.addItem(f"{name}  ({done or 0} done)", name)
        if not rows:
            self.annotator_radio.setEnabled(False)
            self.annotator_radio.setToolTip("No annotator has a version in this database yet.")

    def _format_changed(self) -> None:
        """Keep a typed file name, swapping its extension to the new format's."""
        old, new = self._format, self.format_combo.currentData()
        self._format = new
        text = self.out_path.text()
        if not text or self.split_check.isChecked():
            return
        p = Path(text)
        old_ext, new_ext = registry.get(old).extension, registry.get(new).extension
        if old_ext and p.suffix.lower() == old_ext:
            p = p.with_suffix(new_ext)
        elif registry.get(old).output is Output.FOLDER and new_ext and not p.suffix:
            p = p.with_suffix(new_ext)
        self.out_path.setText(str(p))

    def _config_toggled(self, on: bool) -> None:
        """Propose config.cfg next to the output the first time it is ticked."""
        if on and not self.config_path.text() and self.out_path.text():
            out = Path(self.out_path.text())
            folder = out if self.split_check.isChecked() else out.parent
            self.config_path.setText(str(folder / "config.cfg"))

    def _update_enabled(self) -> None:
        """Enable what the chosen format can use, as the registry says: its own options
        (CoNLL's tag scheme, spaCy's config), and "Also skipped and rejected" only where
        the file can hold a status other than done."""
        fmt = registry.get(self.format_combo.currentData())
        busy = self.runner is not None and self.runner.running
        self.annotator_combo.setEnabled(self.annotator_radio.isChecked())
        self.split_spin.setEnabled(self.split_check.isChecked())
        self.seed_spin.setEnabled(self.split_check.isChecked())
        self.scheme_combo.setEnabled("scheme" in fmt.options)
        config = "config" in fmt.options
        self.config_check.setEnabled(config)
        self.config_path.setEnabled(config and self.config_check.isChecked())
        self.all_statuses_check.setEnabled(bool(fmt.statuses - {Status.DONE}))
        ok = bool(self.out_path.text())
        if config and self.config_check.isChecked() and not self.config_path.text():
            ok = False
        self.export_button.setEnabled(ok and not busy)

    def _chosen(self) -> registry.Format:
        return registry.get(self.format_combo.currentData())

    def _folder_output(self) -> bool:
        return self._chosen().output is Output.FOLDER or self.split_check.isChecked()

    def _browse_out(self) -> str | None:
        if self._folder_output():
            return QFileDialog.getExistingDirectory(self, "Folder to write to") or None
        ext = self._chosen().extension
        name, _ = QFileDialog.getSaveFileName(
            self, "File to write", self.out_path.text() or f"goldspan{ext}",
            f"{self.format_combo.currentText()} (*{ext});;All files (*)")
        return name or None

    def _browse_config(self) -> str | None:
        name, _ = QFileDialog.getSaveFileName(self, "spaCy training config",
                                              self.config_path.text() or "config.cfg",
                                              "spaCy config (*.cfg);;All files (*)")
        return name or None

    def set_format(self, fmt: str) -> None:
        index = self.format_combo.findData(fmt)
        if index < 0:
            raise ValueError(f"unknown export format {fmt!r}")
        self.format_combo.setCurrentIndex(index)

    def set_annotator(self, name: str) -> None:
        index = self.annotator_combo.findData(name)
        if index < 0:
            raise ValueError(f"no annotator {name!r} in this database")
        self.annotator_combo.setCurrentIndex(index)
        self.annotator_radio.setChecked(True)

    def options(self) -> dict[str, object]:
        """The keyword arguments of :func:`export` the dialog stands for."""
        fmt = self._chosen()
        return {
            "format": fmt.name,
            "annotator": (self.annotator_combo.currentData()
                          if self.annotator_radio.isChecked() else None),
            "gold_only": self.gold_radio.isChecked(),
            "all_versions": self.all_versions_check.isChecked(),
            "all_statuses": (self.all_statuses_check.isChecked()
                             and bool(fmt.statuses - {Status.DONE})),
            "split": self.split_spin.value() if self.split_check.isChecked() else None,
            "seed": self.seed_spin.value(),
            "config": (Path(self.config_path.text())
                       if "config" in fmt.options and self.config_check.isChecked() else None),
            "scheme": self.scheme_combo.currentData() if "scheme" in fmt.options else "iob2",
        }

    # ---------------------------------------------------------------- running
    def start_export(self) -> TaskRunner | None:
        """Run the export with the current options; returns the runner (tests wait on
        it), or None when no output is chosen or one is running."""
        if (self.runner is not None and self.runner.running) or not self.export_button.isEnabled():
            return None
        out = Path(self.out_path.text()).expanduser()
        task = export_task(out, **self.options())
        self.problems_view.hide()
        return self._run("Export", task, create=False, busy_text="Exporting…")

    def _set_busy(self, busy: bool) -> None:
        w: QWidget
        for w in (self.format_combo, self.out_path, self.default_radio, self.gold_radio,
                  self.annotator_radio, self.all_versions_check, self.all_statuses_check,
                  self.split_check):
            w.setEnabled(not busy)
        if busy:
            for w in (self.annotator_combo, self.split_spin, self.seed_spin, self.scheme_combo,
                      self.config_check, self.config_path):
                w.setEnabled(False)
            self.export_button.setEnabled(False)
        else:
            if not self.annotator_combo.count():
                self.annotator_radio.setEnabled(False)
            self._update_enabled()

    def _succeeded(self, summary: ExportSummary) -> None:
        self.last_summary = summary
        self._show_summary(summary.line(), "ok")
        self.exported.emit(summary)
        if summary.problems:
            lines = [str(p) for p in summary.problems[:MAX_PROBLEM_LINES]]
            if summary.misaligned > MAX_PROBLEM_LINES:
                lines.append(f"... and {summary.misaligned - MAX_PROBLEM_LINES} more spans "
                             "off token boundaries")
            self.problems_view.setPlainText("\n".join(lines))
            self.problems_view.show()

    def _failed(self, message: str) -> None:
        self._show_summary(f"Export failed: {message}", "failed")

    def _cancelled(self, message: str) -> None:
        self._show_summary("Export cancelled; no file was written.", "cancelled")

