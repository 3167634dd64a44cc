"""Project → Train now…: ``goldspan train`` from the window.

The very trainer of the command (spaCy's loop on the gold, a held-out split, before
and after figures with the few-documents warning, core/train.py), run as the command
in a separate process (:class:`QProcess`), so the GUI thread never holds spaCy's GIL
and Cancel is a kill that leaves nothing behind (the command removes what a killed run
left). Progress is read from spaCy's table on the process's stderr and shown in the
status bar; the figures come from ``--json`` when it is done, in a box that offers to
suggest with the new pipeline (it then becomes the window's model, as Project →
Settings would make it, and the learning loop goes on from it).

The pipeline goes to ``<user data>/models/<database>-<time>``: never the database's
folder, never over an existing one.
"""

from __future__ import annotations

import json
import re
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QLabel, QMessageBox, QPushButton

from ..core.evidence import FEW_DOCUMENTS, FEW_ENTITIES
from ..core.paths import data_dir
from .widgets import hand_back_focus

# QProcess and the task runner are imported when a training starts: at import they
# would cost the window's opening their Qt types (a few milliseconds each)
if TYPE_CHECKING:  # pragma: no cover
    from PySide6.QtCore import QProcess

STEP_LINE = re.compile(r"^\s*\d+\s+(\d+)\s+[\d.]+\s")  # spaCy's table: E  #  LOSS ...
DEFAULT_STEPS = 1000  # goldspan train's --max-steps default


def figures_text(result: dict[str, Any]) -> str:
    """The box's text: before and after, on how many documents, and the warning."""
    before, after = result.get("before") or {}, result.get("after") or {}
    held_out = result.get("evaluated_on") == "held-out"
    docs, ents = int(result.get("eval_docs") or 0), int(result.get("eval_entities") or 0)
    where = (f"{docs} held-out article{'s' if docs != 1 else ''} ({ents} entities)" if held_out
             else f"the {result.get('train_docs')} training articles themselves")
    lines = [
        f"Trained on {result.get('train_docs')} articles from {result.get('base')} "
        f"in {float(result.get('seconds') or 0):.0f} s.",
        f"Measured on {where}:",
        f"    before  F1 {float(before.get('f1') or 0):.2f}  (P {float(before.get('precision') or 0):.2f}, "
        f"R {float(before.get('recall') or 0):.2f})",
        f"    after   F1 {float(after.get('f1') or 0):.2f}  (P {float(after.get('precision') or 0):.2f}, "
        f"R {float(after.get('recall') or 0):.2f})",
    ]
    if result.get("warning") and held_out:  # the command's words name its options
        lines.append(f"⚠ Only {docs} held-out article{'s' if docs != 1 else ''} ({ents} entities): "
                     f"too few to mean much (a single article moves the figures a lot); at "
                     f"least {FEW_DOCUMENTS} articles and {FEW_ENTITIES} entities.")
    elif result.get("warning"):
        lines.append(f"⚠ {result['warning']}")
    lines.append(f"Saved to {result.get('model')}")
    return "\n".join(lines)


class TrainAction(QObject):
    """The menu entry, its process and its status-bar field."""

    def __init__(self, window: Any, controller: Any) -> None:
        super().__init__(window)
        self.window = window
        self.controller = controller
        self.action = QAction("Train now…", window)
        self.action.setToolTip("Train a spaCy NER on the gold now (as goldspan train), "
                               "in the background; the figures when it is done")
        self.action.triggered.connect(self.start_or_stop)
        if window.store.path is None:
            self.action.setEnabled(False)
        self.label = QLabel("")
        self.label.setObjectName("trainLabel")
        self.label.hide()
        window.statusBar().addWidget(self.label)
        self.process: QProcess | None = None
        self.out: Path | None = None
        self.max_steps = DEFAULT_STEPS
        self.started = 0.0
        self.result: dict[str, Any] | None = None
        self.box: QMessageBox | None = None
        self._err = ""
        self._cancelled = False

    @property
    def running(self) -> bool:
        return self.process is not None

    def command(self) -> list[str]:
        store = self.window.store
        settings = self.controller.settings
        stamp = time.strftime("%Y%m%d-%H%M%S")
        self.out = data_dir() / "models" / f"{Path(str(store.path)).stem}-{stamp}"
        n = 1
        while self.out.exists():  # two trainings in one second
            n += 1
            self.out = self.out.with_name(f"{Path(str(store.path)).stem}-{stamp}-{n}")
        self.max_steps = settings.train_max_steps or DEFAULT_STEPS
        base = ["--blank", "en"] if settings.base == "blank" else ["--base", settings.base]
        return ["-m", "goldspan.cli.main", "train", "--db", str(store.path), "--out",
                str(self.out), "--json", "--max-steps", str(self.max_steps), *base]

    def start_or_stop(self) -> None:
        """The menu entry: Train now…, or Stop training while one runs."""
        if self.running:
            self.cancel()
        else:
            self.start()

    def start(self) -> None:
        if self.running:
            return
        self._cancelled = False
        self.action.setText("Stop training")
        from PySide6.QtCore import QProcess

        process = self.process = QProcess(self)
        process.readyReadStandardError.connect(self._progress)
        process.finished.connect(self._finished)
        process.errorOccurred.connect(self._error)
        self._err = ""
        self.result = None
        self.started = time.monotonic()
        self._show(f"Training: starting (up to {self.max_steps} steps)…")
        process.start(sys.executable, self.command())

    def cancel(self) -> None:
        """Stop the training: the process is killed; the command removes what it left
        the next time it runs."""
        if self.process is not None:
            self._cancelled = True
            self.process.kill()

    def _show(self, text: str) -> None:
        self.label.setText(text)
        self.label.setVisible(bool(text))

    def _progress(self) -> None:
        if self.process is None:
            return
        chunk = bytes(self.process.readAllStandardError().data()).decode("utf-8", "replace")
        self._err += chunk
        for line in chunk.splitlines():
            m = STEP_LINE.match(line)
            if m:
                self._show(f"Training: step {m.group(1)} of at most {self.max_steps} · "
                           f"{time.monotonic() - self.started:.0f} s")

    def _error(self, error: QProcess.ProcessError) -> None:
        from PySide6.QtCore import QProcess

        if error == QProcess.ProcessError.FailedToStart:
            self._done(f"training could not start: {self.process.errorString() if self.process else error}")

    def _finished(self, code: int, _status: QProcess.ExitStatus) -> None:
        if self.process is None:
            return
        out = bytes(self.process.readAllStandardOutput().data()).decode("utf-8", "replace")
        self._err += bytes(self.process.readAllStandardError().data()).decode("utf-8", "replace")
        if code != 0:
            lines = [ln for ln in self._err.splitlines() if ln.strip()]
            from .task_runner import one_line

            self._done(one_line(lines[-1]) if lines else f"training stopped (exit {code})")
            return
        try:
            self.result = json.loads(out)
        except ValueError:
            self._done("training gave no figures (unreadable output)")
            return
        self._done(None)

    def _done(self, error: str | None) -> None:
        process, self.process = self.process, None
        if process is not None:
            process.deleteLater()
        self.action.setText("Train now…")
        if getattr(self.window, "_closed", False):
            return
        if self._cancelled:
            if self.out is not None:  # what the killed command had written goes now
                from ..core.outputs import sweep

                sweep(self.out.parent, self.out.name)
            self._show("Training stopped: nothing was kept")
            return
        if error is not None:
            self._show("")
            from .task_runner import show_error

            show_error(self.window, "goldspan — training failed", error)
            return
        assert self.result is not None
        after = float((self.result.get("after") or {}).get("f1") or 0)
        self._show(f"Trained: F1 {after:.2f} on {self.result.get('eval_docs')} held-out article(s)"
                   + (" ⚠" if self.result.get("warning") else ""))
        self.box = box = QMessageBox(QMessageBox.Icon.Information, "goldspan — training done",
                                     figures_text(self.result), QMessageBox.StandardButton.Close,
                                     self.window)
        box.setObjectName("trainFigures")
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.setStyleSheet("QLabel { min-width: 460px; }")
        use = self.use_button = QPushButton("Suggest with it")  # kept: PySide would free it
        use.setObjectName("useTrained")
        box.addButton(use, QMessageBox.ButtonRole.AcceptRole)
        use.clicked.connect(self.use_trained)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        hand_back_focus(box)
        box.open()

    def use_trained(self) -> None:
        """The new pipeline suggests from now on (saved as the model, like Settings)."""
        from .settings import settings

        if self.result is None:
            return
        model = str(self.result["model"])
        settings().setValue("model", model)
        self.window.switch_model(model)
