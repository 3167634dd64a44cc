"""The window says when an edit was not saved (found red-teaming issue 11).

An edit the database refuses for a reason of its own (here a full disk, as SQLite's
``max_page_count`` gives it; a lock held too long or a read-only file the same way)
is rolled back by the store. In the window the error escaped the undo command: a
traceback on stderr that nobody sees, "✓ Saved" kept its last time, and the undo stack
kept a command that never applied. Now "✗ Not saved" and the one line say so, the
undo stack holds only what was saved, and the next edit works once there is room.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from goldspan.core.storage import Store
from goldspan.gui.main_window import MainWindow

WORDS = [f"Word{i}" for i in range(1500)]
TEXT = " ".join(WORDS)


@pytest.fixture
def window(qtbot, tmp_path: Path):  # type: ignore[no-untyped-def]
    store = Store.open(tmp_path / "g.db")
    store.add_document(TEXT)
    store.add_labels(["PERSON"])
    w = MainWindow(store, "alice", suggest=False)
    qtbot.addWidget(w)
    w.show()
    w.open_first(1)
    yield w
    w.close()
    store.close()


def test_a_full_disk_during_an_edit_says_not_saved(qtbot, window: MainWindow,  # type: ignore[no-untyped-def]
                                                    monkeypatch) -> None:
    store = window.store
    escaped: list[BaseException] = []
    monkeypatch.setattr(sys, "excepthook", lambda t, v, tb: escaped.append(v))
    store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    pages = store.conn.execute("PRAGMA page_count").fetchone()[0]
    store.conn.execute(f"PRAGMA max_page_count = {pages}")  # the disk is full from here
    pos = 0
    for word in WORDS:  # label word after word until one does not fit
        window.view.select_range(pos, pos + len(word))
        pos += len(word) + 1
        qtbot.keyClick(window.view, Qt.Key.Key_1)
        if "Not saved" in window.saved_label.text():
            break
        assert not escaped
    else:
        pytest.fail("the disk never filled up")
    assert escaped == []  # nothing escaped the key handler
    assert window.saved_label.text() == "✗ Not saved"
    message = window.statusBar().currentMessage()
    assert message.startswith("Not saved: [E230]") and "the disk is full" in message
    stored = store.conn.execute("SELECT count(*) FROM spans").fetchone()[0]
    assert window.undo_stack.count() == stored == len(window.session.spans)
    store.conn.execute("PRAGMA max_page_count = 1000000")  # room again: the same key works
    window.view.select_range(pos - len(word) - 1, pos - 1)
    qtbot.keyClick(window.view, Qt.Key.Key_1)
    assert window.saved_label.text().startswith("✓ Saved")
    assert store.conn.execute("SELECT count(*) FROM spans").fetchone()[0] == stored + 1
