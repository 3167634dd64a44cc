"""The review window's agreement figures come from a worker thread. A worker whose
result has arrived may still be closing its connection: the window keeps it until it
has finished, so garbage collection never destroys a running QThread (Qt aborts the
whole process then: "QThread: Destroyed while thread is still running")."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

SCRIPT = textwrap.dedent("""
    import gc, sys, time
    from pathlib import Path
    from PySide6.QtWidgets import QApplication, QMainWindow
    app = QApplication([])
    from goldspan.core.storage import Store
    from goldspan.core.types import Span
    import goldspan.gui.review_figures as rf
    import goldspan.gui.review_window as rw

    p = Path(sys.argv[1])
    st = Store.open(p)
    st.add_document("Mark Esper met Nasser Bourita in Rabat on Friday.")
    st.put_version(1, "alice", "done", [Span(0, 10, "PERSON")])
    st.put_version(1, "bob", "done", [Span(0, 10, "ORG")])
    st.close()

    run = rf.AgreementThread.run
    def slow_to_close(self):  # a worker that takes a moment to close its connection
        run(self)
        time.sleep(0.2)
    rf.AgreementThread.run = slow_to_close

    for i in range(3):
        parent = QMainWindow()
        store = Store.open(p)
        w = rw.open_review(parent, store, "lena")
        deadline = time.monotonic() + 30
        while w.dashboard.summary.text().startswith("Computing") and time.monotonic() < deadline:
            app.processEvents()
        gc.collect()  # the result is in: nothing may free a running worker now
        w.close()
        store.close()
        parent.deleteLater()
        app.processEvents()
    print("ok")
""")


def test_a_finished_computation_outlives_its_result(tmp_path: Path) -> None:
    r = subprocess.run([sys.executable, "-c", SCRIPT, str(tmp_path / "team.db")],
                       capture_output=True, text=True, timeout=300,
                       env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    assert r.returncode == 0 and r.stdout.strip().endswith("ok"), r.stderr[-2000:]
