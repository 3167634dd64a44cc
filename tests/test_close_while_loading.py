"""Closing a window while its model is still loading (a slow machine, a busy CI host)
must end the worker thread, never leave it running: Qt aborts the whole process
("QThread: Destroyed while thread is still running") when a running QThread is
destroyed. Seen twice in full test runs under load, at window close."""

from __future__ import annotations

import gc
import time
from pathlib import Path

import pytest

from goldspan.core.errors import ModelError
from goldspan.core.storage import Store
from goldspan.core.suggesters.process import ProcessSuggester

pytestmark = pytest.mark.slow


def test_abort_stops_a_child_that_is_still_loading() -> None:
    child = ProcessSuggester("en_core_web_sm")
    import threading

    errors: list[BaseException] = []

    def load() -> None:
        try:
            child.model_id  # noqa: B018 - loads the pipeline in the child
        except ModelError as err:
            errors.append(err)

    t = threading.Thread(target=load)
    t.start()
    deadline = time.monotonic() + 10
    while child._starting is None and time.monotonic() < deadline:
        time.sleep(0.01)
    child.abort()
    t.join(20)
    assert not t.is_alive()
    if errors:  # stopped while it loaded (the usual case)
        assert "stopped while it loaded" in str(errors[0])
    else:  # it had loaded just before: the next call finds it stopped
        with pytest.raises(ModelError, match="process stopped"):
            list(child.suggest(["Angela Merkel"]))
    child.close()


def test_a_window_closed_while_its_model_loads_ends_its_thread(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from goldspan.gui.suggest_worker import SuggestThread

    db = tmp_path / "g.db"
    with Store.open(db) as store:
        doc = store.add_document("Angela Merkel met Joe Biden in Berlin.")
    thread = SuggestThread(db, "en_core_web_sm")
    thread.request([doc])  # the worker starts loading the model in its child
    child = thread.worker.suggester
    qtbot.waitUntil(lambda: child._starting is not None or child.loaded, timeout=10000)
    start = time.monotonic()
    thread.shutdown(timeout_ms=50)  # far shorter than loading the model takes
    assert thread.worker_thread.isFinished()
    assert time.monotonic() - start < 30
    del thread
    gc.collect()  # destroying the QThread now is safe: it has ended
