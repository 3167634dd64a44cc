"""Project → Settings: who is annotating and which spaCy pipeline suggests.

A trained pipeline (a folder written by ``goldspan train``) can be chosen here and is
used at once, without a restart. Loading a pipeline runs code from it: choose only
models you trust.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox, QDialog, QDialogButtonBox, QFileDialog, QFormLayout, QHBoxLayout, QLabel,
    QLineEdit, QMessageBox, QPushButton, QVBoxLayout, QWidget,
)

from ..core.errors import GoldspanError
from ..core.spacy_models import resolve
from ..core.labels import check_annotator

KNOWN_MODELS = ("en_core_web_sm", "en_core_web_md", "en_core_web_lg", "en_core_web_trf")


class SettingsDialog(QDialog):
    def __init__(self, annotator: str, model: str, parent: QWidget | None = None, *,
                 annotator_note: str = "") -> None:
        super().__init__(parent)
        self.setWindowTitle("goldspan — settings")
        self.annotator_edit = QLineEdit(annotator)
        self.annotator_edit.setToolTip("Your name on the versions you save. OK saves it: the "
                                       "next starts use it (--annotator does for one run only).")
        self.model_box = QComboBox()
        self.model_box.setEditable(True)
        for name in KNOWN_MODELS:
            try:
                resolve(name)
            except GoldspanError:
                continue
            self.model_box.addItem(name)
        if self.model_box.findText(model) < 0:
            self.model_box.addItem(model)
        self.model_box.setCurrentText(model)
        browse = QPushButton("Folder…")
        browse.setToolTip("Choose a pipeline folder, e.g. one written by 'goldspan train'")
        browse.clicked.connect(self._browse)
        row = QHBoxLayout()
        row.addWidget(self.model_box, 1)
        row.addWidget(browse)
        form = QFormLayout()
        form.addRow("Annotator", self.annotator_edit)
        self.annotator_note = QLabel(annotator_note)
        self.annotator_note.setObjectName("annotatorNote")
        self.annotator_note.setWordWrap(True)
        self.annotator_note.setTextFormat(Qt.TextFormat.PlainText)
        self.annotator_note.setVisible(bool(annotator_note))
        form.addRow("", self.annotator_note)
        form.addRow("Suggestions from", row)
        warn = QLabel("Loading a spaCy pipeline runs code from it: choose only models you trust.")
        warn.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addLayout(form)
        lay.addWidget(warn)
        lay.addWidget(buttons)
        self.resize(520, 170)

    def _browse(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "spaCy pipeline folder")
        if folder:
            self.model_box.setCurrentText(folder)

    def values(self) -> tuple[str, str]:
        return self.annotator_edit.text().strip(), self.model_box.currentText().strip()

    def _accept(self) -> None:
        annotator, model = self.values()
        try:
            check_annotator(annotator)
            resolve(model)
        except GoldspanError as err:
            QMessageBox.warning(self, "goldspan", str(err))
            return
        self.accept()
