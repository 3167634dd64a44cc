"""A long core operation (an import, an export) on a worker thread, behind a progress
dialog that can be cancelled.

The core functions already take ``progress=`` and ``cancelled=``; this module is the
Qt side of that contract:

- The work runs on a :class:`QThread` (a worker object moved to it, as in
  :mod:`.suggest_worker`) with **its own** :class:`Store` opened from the database path:
  one Store per thread, never the window's.
- ``cancelled`` is a :class:`threading.Event` read by the worker between records, so a
  click on Cancel reaches it without a round trip through any event loop. The core
  raises :class:`~goldspan.core.formats.base.Cancelled` and undoes its work (the import
  rolls its transaction back, the export removes its temporary file).
- ``progress`` is called on the worker thread; it only emits a signal (throttled to a
  few per second), and the dialog is updated on the GUI thread. No widget is touched
  from the worker.
- A refusal (:class:`GoldspanError`, or an OS error such as a full disk) comes back as
  one line in a message box, as the CLI prints it; never a traceback. An unexpected
  exception is a bug: its traceback goes to the log, the user still gets one line.

Two rules keep a task from ever locking the application (issue 14, item 1):

- The progress window is :class:`TaskProgress`, not a :class:`QProgressDialog`.
  QProgressDialog is made for a loop on the GUI thread: its constructor starts a
  "force show" timer (4 s) that ``setMinimumDuration`` does not restart once a range is
  set, and ``setValue`` runs the event loop when modal. Hidden at the end of a task and
  only *scheduled* for deletion, it came back 4 s after the start, window-modal and at
  100 %, above the "Export failed" box, which it then blocked (the box is a child of
  the same dialog), while its Cancel button and Esc did nothing because the task had
  ended: only kill -9 got out. TaskProgress has no timer and no event loop of its own,
  and is closed and deleted when the task ends.
- The error box is opened, never ``exec()``-ed from the slot the worker's signal runs:
  ``finished`` is emitted before it shows, and no nested event loop holds deletions
  or the caller's state while the analyst reads it (``TaskRunner.error_box``).
"""

from __future__ import annotations

import logging
import sqlite3
import threading
import time
from enum import Enum
from pathlib import Path
from typing import Any, Callable

from PySide6.QtCore import QObject, Qt, QThread, QTimer, Signal, Slot
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QDialog, QHBoxLayout, QLabel, QMessageBox, QProgressBar, QPushButton, QVBoxLayout, QWidget,
)

from ..core.errors import GoldspanError
from ..core.formats.base import Cancelled
from ..core.storage import Store
from .widgets import hand_back_focus

log = logging.getLogger(__name__)

#: ``report(done, total, text)``: ``total`` 0 means "not known" (a busy bar).
Report = Callable[[int, int, str], None]
#: The work: ``task(store, report, cancelled) -> result``, run on the worker thread.
Task = Callable[[Store, Report, Callable[[], bool]], Any]

PROGRESS_INTERVAL = 0.1  # seconds between progress signals (the first one is at once)
SHOW_AFTER_MS = 200  # a task that ends sooner never flashes a progress dialog


class Outcome(Enum):
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    CANCELLED = "cancelled"


def one_line(text: str) -> str:
    """A message as one line, whatever the exception put in it."""
    return " ".join(part.strip() for part in str(text).splitlines() if part.strip())


def describe_error(err: BaseException) -> str:
    """The one line a user sees for an error raised by the work."""
    if isinstance(err, GoldspanError):
        return one_line(str(err))
    if isinstance(err, OSError):
        where = f"{err.filename}: " if getattr(err, "filename", None) else ""
        return one_line(f"{where}{err.strerror or err}")
    if isinstance(err, sqlite3.Error):
        return one_line(f"database error: {err}")
    return one_line(f"unexpected error ({type(err).__name__}: {err}); please report it")


class TaskProgress(QDialog):
    """The progress of one task: a line of text, a bar and Cancel, window-modal over
    the dialog that started it. Esc, Cancel and the window's close button ask the task
    to stop (``cancelRequested``); only :meth:`finish` closes it, when the task has
    ended. It has no timer and never runs the event loop (see the module docstring)."""

    cancelRequested = Signal()

    def __init__(self, parent: QWidget, title: str) -> None:
        super().__init__(parent)
        self.setObjectName("taskProgress")
        self.setWindowTitle(title)
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.setMinimumWidth(420)
        self.label = QLabel(f"{title}…")
        self.label.setTextFormat(Qt.TextFormat.PlainText)
        self.label.setWordWrap(True)
        self.bar = QProgressBar()
        self.bar.setRange(0, 0)  # busy until a total is known
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setToolTip("Stop; nothing of this task is kept  [Esc]")
        self.cancel_button.clicked.connect(self.cancelRequested)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.cancel_button)
        lay = QVBoxLayout(self)
        lay.addWidget(self.label)
        lay.addWidget(self.bar)
        lay.addLayout(row)
        self._finished = False

    def setLabelText(self, text: str) -> None:
        self.label.setText(text)

    def labelText(self) -> str:
        return self.label.text()

    def setRange(self, low: int, high: int) -> None:
        self.bar.setRange(low, high)

    def maximum(self) -> int:
        return self.bar.maximum()

    def setValue(self, value: int) -> None:
        self.bar.setValue(value)

    def value(self) -> int:
        return self.bar.value()

    def reject(self) -> None:  # Esc
        if not self._finished:
            self.cancelRequested.emit()

    def closeEvent(self, e) -> None:  # type: ignore[no-untyped-def]
        if not self._finished:
            e.ignore()
            self.cancelRequested.emit()
            return
        super().closeEvent(e)

    def finish(self) -> None:
        """The task has ended: close for good, now (hidden at once, deleted by the
        event loop; nothing can show it again)."""
        self._finished = True
        self.hide()
        self.deleteLater()


def show_error(parent: QWidget | None, title: str, message: str) -> QMessageBox:
    """A warning box opened over ``parent`` (window-modal to it) that returns at once:
    never ``exec()`` from a slot. The caller may keep it to close it (tests do)."""
    if parent is not None and not parent.isVisible():
        parent = parent.window() if parent.window().isVisible() else None
    box = QMessageBox(QMessageBox.Icon.Warning, title, message, QMessageBox.StandardButton.Ok,
                      parent)
    box.setObjectName("taskError")
    box.setTextFormat(Qt.TextFormat.PlainText)  # a path or a label is never markup
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    hand_back_focus(box)
    box.open()
    return box


class _Worker(QObject):
    progressed = Signal(int, int, str)
    succeeded = Signal(object)
    failed = Signal(str)
    cancelled = Signal(str)

    def __init__(self, db_path: Path, task: Task, create: bool, flag: threading.Event) -> None:
        super().__init__()
        self.db_path = db_path
        self.task = task
        self.create = create
        self.flag = flag
        self._last = 0.0
        self._ticks = 0

    def _report(self, done: int, total: int, text: str) -> None:
        now = time.monotonic()
        if self._ticks and now - self._last < PROGRESS_INTERVAL and done != total:
            return
        self._ticks += 1
        self._last = now
        self.progressed.emit(int(done), int(total), text)

    @Slot()
    def run(self) -> None:
        store: Store | None = None
        try:
            store = Store.open(self.db_path, create=self.create)
            result = self.task(store, self._report, self.flag.is_set)
        except Cancelled as err:
            self.cancelled.emit(one_line(err.message))
        except Exception as err:  # every error is one line for the user (logged if a bug)
            if not isinstance(err, (GoldspanError, OSError, sqlite3.Error)):
                log.exception("task failed")
            self.failed.emit(describe_error(err))
        else:
            self.succeeded.emit(result)
        finally:
            if store is not None:
                store.close()


class TaskRunner(QObject):
    """Runs one task once. Signals (on the GUI thread): ``progressed(done, total,
    text)`` while it runs, then exactly one of ``succeeded(result)``, ``failed(line)``,
    ``cancelled(line)``, then ``finished()``.

    ``failed`` also opens the line in a warning box over ``parent`` (unless
    ``show_errors=False``), after ``finished``, without waiting for it to be closed
    (``error_box``); the caller shows ``cancelled`` as it sees fit.
    """

    progressed = Signal(int, int, str)
    succeeded = Signal(object)
    failed = Signal(str)
    cancelled = Signal(str)
    finished = Signal()

    def __init__(
        self,
        parent: QWidget,
        title: str,
        db_path: str | Path,
        task: Task,
        *,
        create: bool = False,
        show_errors: bool = True,
    ) -> None:
        super().__init__(parent)
        self.parent_widget = parent
        self.title = title
        self.show_errors = show_errors
        self.outcome = Outcome.RUNNING
        self.result: Any = None
        self.message = ""
        self._flag = threading.Event()
        self._started = False

        self.error_box: QMessageBox | None = None
        self.dialog = TaskProgress(parent, title)
        self.cancel_button = self.dialog.cancel_button
        self.dialog.cancelRequested.connect(self.cancel)
        self._show_timer = QTimer(self)
        self._show_timer.setSingleShot(True)
        self._show_timer.timeout.connect(self._show_dialog)

        self.worker_thread = QThread()
        self.worker_thread.setObjectName(f"goldspan-{title.lower().replace(' ', '-')}")
        self.worker = _Worker(Path(db_path), task, create, self._flag)
        self.worker.moveToThread(self.worker_thread)
        self.worker_thread.started.connect(self.worker.run)
        self.worker.progressed.connect(self._on_progress)
        self.worker.succeeded.connect(self._on_succeeded)
        self.worker.failed.connect(self._on_failed)
        self.worker.cancelled.connect(self._on_cancelled)

    # ------------------------------------------------------------------ control
    def start(self) -> None:
        if self._started:
            raise RuntimeError("a TaskRunner runs once; make a new one")
        self._started = True
        self._show_timer.start(SHOW_AFTER_MS)
        self.worker_thread.start()

    @Slot()
    def cancel(self) -> None:
        """Ask the work to stop (it checks between records); safe to call twice."""
        if self.outcome is not Outcome.RUNNING or self._flag.is_set():
            return
        self._flag.set()
        self.cancel_button.setEnabled(False)
        self.dialog.setLabelText("Cancelling… (undoing what was done so far)")

    @property
    def running(self) -> bool:
        return self._started and self.outcome is Outcome.RUNNING

    @property
    def cancel_requested(self) -> bool:
        return self._flag.is_set()

    def wait(self, timeout_ms: int = 30000) -> bool:
        """Block until the worker thread ends (for closing windows and tests)."""
        return self.worker_thread.wait(timeout_ms)

    # ------------------------------------------------------------------ signals
    def _show_dialog(self) -> None:
        if self.outcome is Outcome.RUNNING:
            self.dialog.show()

    @Slot(int, int, str)
    def _on_progress(self, done: int, total: int, text: str) -> None:
        if self.outcome is not Outcome.RUNNING:
            return
        if not self._flag.is_set():
            if total > 0:
                if self.dialog.maximum() != total:
                    self.dialog.setRange(0, total)
                self.dialog.setValue(min(done, total))
            elif self.dialog.maximum() != 0:
                self.dialog.setRange(0, 0)
            if text:
                self.dialog.setLabelText(text)
        self.progressed.emit(done, total, text)

    def _end(self, outcome: Outcome, message: str = "", result: Any = None) -> None:
        self.outcome = outcome
        self.message = message
        self.result = result
        self._show_timer.stop()
        self.worker_thread.quit()
        self.worker_thread.wait()
        self.dialog.finish()

    @Slot(object)
    def _on_succeeded(self, result: Any) -> None:
        self._end(Outcome.SUCCEEDED, result=result)
        self.succeeded.emit(result)
        self.finished.emit()

    @Slot(str)
    def _on_failed(self, message: str) -> None:
        self._end(Outcome.FAILED, message)
        self.failed.emit(message)
        self.finished.emit()
        if self.show_errors:  # opened last, and it returns at once
            self.error_box = show_error(self.parent_widget, f"{self.title} failed", message)

    @Slot(str)
    def _on_cancelled(self, message: str) -> None:
        self._end(Outcome.CANCELLED, message)
        self.cancelled.emit(message)
        self.finished.emit()


class TaskDialog(QDialog):
    """A dialog that runs one task at a time (``self.runner``) against a database file.

    It wires the runner to the subclass's ``_succeeded``, ``_failed``, ``_cancelled``
    and ``_set_busy``, shows the outcome in its ``summary_label``, and re-emits
    ``progressed`` and ``taskFinished`` (tests and the window listen to them). Closing
    it (Esc, the window's close button) while the task runs cancels the task instead,
    so the dialog never goes away from under its worker thread."""

    progressed = Signal(int, int, str)  # done, total (0: not known), text
    taskFinished = Signal(str)  # "succeeded" | "failed" | "cancelled"

    def __init__(self, db_path: str | Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db_path = Path(db_path)
        self.runner: TaskRunner | None = None
        hand_back_focus(self)

    # What each dialog provides: its summary line and how it shows each outcome.
    summary_label: QLabel

    def _succeeded(self, result: Any) -> None:
        raise NotImplementedError

    def _failed(self, message: str) -> None:
        raise NotImplementedError

    def _cancelled(self, message: str) -> None:
        raise NotImplementedError

    def _set_busy(self, busy: bool) -> None:
        raise NotImplementedError

    def _run(self, title: str, task: Task, *, create: bool, busy_text: str) -> TaskRunner:
        runner = TaskRunner(self, title, self.db_path, task, create=create)
        self.runner = runner
        runner.succeeded.connect(self._succeeded)
        runner.failed.connect(self._failed)
        runner.cancelled.connect(self._cancelled)
        runner.progressed.connect(self.progressed)
        runner.finished.connect(lambda: self._set_busy(False))
        runner.finished.connect(lambda: self.taskFinished.emit(runner.outcome.value))
        self._show_summary(busy_text, "")
        self._set_busy(True)
        runner.start()
        return runner

    def clear_outcome(self, *_: object) -> None:
        """An option changed: the last task's summary (and problem list) no longer
        describes what Export or Import would do, so it goes (it used to stay)."""
        if self.runner is not None and self.runner.running:
            return
        label = self.summary_label
        label.clear()
        label.hide()
        problems = getattr(self, "problems_view", None)
        if problems is not None:
            problems.hide()

    def _show_summary(self, text: str, kind: str) -> None:
        colors = {"ok": "#2e7d32", "cancelled": "#8a6d00", "failed": "#c62828"}
        label = self.summary_label
        label.setStyleSheet(f"color: {colors[kind]}; font-weight: 600;" if kind in colors else "")
        label.setText(text)
        label.show()

    def reject(self) -> None:
        if self.runner is not None and self.runner.running:
            self.runner.cancel()
            return
        super().reject()

    def closeEvent(self, e: QCloseEvent) -> None:
        if self.runner is not None and self.runner.running:
            self.runner.cancel()
            e.ignore()
            return
        super().closeEvent(e)
