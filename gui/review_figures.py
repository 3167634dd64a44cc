"""The review's agreement figures, computed on worker threads (each with its own
connection) so that the lead reviews while a team database is tokenised."""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from PySide6.QtCore import QObject, QThread, QTimer, Signal
from PySide6.QtWidgets import QPushButton

from ..core.adjudication import done_versions_stamp
from ..core.agreement import AgreementResult, compute_agreement, load_done_versions
from ..core.storage import Store

NEWS_INTERVAL_MS = 5000  # how often the window looks for versions done meanwhile


class AgreementThread(QThread):
    """compute_agreement on its own connection; ``computed(result)`` when done."""

    computed = Signal(object)

    def __init__(self, path: Path, names: list[str] | None) -> None:
        super().__init__()
        self.path = path
        self.names = names

    def run(self) -> None:
        with Store.open(self.path, create=False) as store, store.snapshot():
            self.computed.emit(compute_agreement(load_done_versions(store, self.names), self.names))


class AgreementRunner(QObject):
    """Starts a computation per :meth:`start`; only the latest one's result reaches
    ``show``. A thread is let go only once it has finished: one dropped when its
    result arrived could be garbage-collected while it was still closing its
    connection, and Qt aborts the process when a running QThread is destroyed."""

    def __init__(self, parent: QObject, store: Store, show: Callable[[AgreementResult], None]) -> None:
        super().__init__(parent)
        self.store = store
        self.show = show
        self.threads: list[AgreementThread] = []  # running, until finished
        self.latest: AgreementThread | None = None
        self.closing = False

    def start(self, names: list[str] | None) -> bool:
        """Compute the figures; False when they were computed at once (an in-memory
        store cannot be opened twice)."""
        if self.store.path is None:
            self.show(compute_agreement(load_done_versions(self.store, names), names))
            return False
        worker = AgreementThread(self.store.path, names)
        worker.computed.connect(self._computed)
        worker.finished.connect(self._finished)
        self.threads.append(worker)
        self.latest = worker
        worker.start()
        return True

    def _computed(self, result: object) -> None:
        if self.sender() is self.latest and not self.closing:  # only the latest counts
            assert isinstance(result, AgreementResult)
            self.show(result)

    def _finished(self) -> None:
        thread = self.sender()
        if thread in self.threads:
            self.threads.remove(thread)

    def close(self) -> None:
        self.closing = True
        for thread in list(self.threads):
            thread.wait(30_000)  # its own connection: let it finish before the store goes


class NewVersionsWatch(QObject):
    """Annotators keep finishing documents while the lead reviews: every few seconds
    this looks (a free check of the database's data version first) and shows
    :attr:`button` ("New versions are done — refresh") when the done versions changed
    since :meth:`reset`. The view is never reloaded under the lead's hands."""

    def __init__(self, parent: QObject, store: Store, refresh: Callable[[], None]) -> None:
        super().__init__(parent)
        self.store = store
        self.closing = False
        self.button = QPushButton("New versions are done — refresh (F5)")
        self.button.setObjectName("newsButton")
        self.button.setToolTip("Annotators marked versions done (or changed done ones) since "
                               "the document order and the figures were computed")
        self.button.clicked.connect(refresh)
        self.button.hide()
        self.reset()
        self.timer = QTimer(self)
        self.timer.setInterval(NEWS_INTERVAL_MS)
        self.timer.timeout.connect(self.check)
        self.timer.start()

    def reset(self) -> None:
        """The figures were just computed from what is in the database now."""
        self.button.hide()
        self.stamp = done_versions_stamp(self.store)
        self.data_version = self.store.data_version()

    def check(self) -> bool:
        """Show the button when the done versions changed since :meth:`reset`."""
        if self.closing or self.button.isVisible():
            return self.button.isVisible()
        version = self.store.data_version()
        if version == self.data_version:
            return False
        self.data_version = version
        if done_versions_stamp(self.store) == self.stamp:
            return False
        self.button.show()
        return True
