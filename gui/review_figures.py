"""The review's agreement figures, computed on worker threads (each with its own
connection) so that the lead reviews while a team database is tokenised."""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from PySide6.QtCore import QObject, QThread, Signal

from ..core.agreement import AgreementResult, compute_agreement, load_done_versions
from ..core.storage import Store


class AgreementThread(QThread):
    """compute_agreement on its own connection; ``computed(result)`` when done."""

    computed = Signal(object)

    def __init__(self, path: Path, names: list[str] | None) -> None:
        super().__init__()
        self.path = path
        self.names = names

    def run(self) -> None:
        with Store.open(self.path, create=False) as store:
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
