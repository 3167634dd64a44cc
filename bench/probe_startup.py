"""Probe of benchmark 5: the real ``goldspan gui`` start-up, instrumented from outside.

    python bench/probe_startup.py LAUNCH_EPOCH -- gui --db DB --annotator A

Runs goldspan's own CLI entry point with two hooks: it keeps the window that
``build_window`` returns, and wraps ``QApplication.exec`` to add (a) an event filter that
notes the first paint of the article, (b) a watchdog QTimer ticking every 5 ms whose
largest gap between ticks is how long the GUI thread was blocked, while the model loads
on the worker thread and suggests. It stops the watchdog and quits 300 ms after the
open document's suggestions arrive (or after 90 s) and prints one JSON object.
"""

from __future__ import annotations

import json
import sys
import time

LAUNCH = float(sys.argv[1]) if __name__ == "__main__" else 0.0

# imported after LAUNCH is read: their import time is part of what is measured
import goldspan.gui.app as appmod  # noqa: E402
from PySide6.QtCore import QEvent, QObject, QTimer, Slot  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

TICK_MS = 5
state: dict = {"first_paint": None, "suggested": None, "ticks": 0, "max_gap": 0.0,
               "max_gap_at": None, "gaps_over_50": 0}
_build = appmod.build_window


def build_window(*a, **k):  # type: ignore[no-untyped-def]
    w = _build(*a, **k)
    state["window"] = w
    state["built"] = time.time()
    return w


appmod.build_window = build_window


class Probe(QObject):
    def eventFilter(self, obj, event):  # type: ignore[no-untyped-def]
        if event.type() == QEvent.Type.Paint and state["first_paint"] is None:
            w = state["window"]
            if w.view.document().characterCount() > 1:
                state["first_paint"] = time.time()
        return False

    @Slot(int, str)
    def suggested(self, doc_id: int, model_id: str) -> None:
        w = state["window"]
        if state["suggested"] is None and w.session is not None and doc_id == w.session.doc_id:
            state["suggested"] = time.time()
            state["model"] = model_id
            QTimer.singleShot(300, self.finish)

    def finish(self) -> None:
        # The watchdog stops before quitting: closing the window stops the suggester's
        # child process, which is shutting down, not a stall while working.
        state["timer"].stop()
        QApplication.quit()

    @Slot(str, list)
    def model_loaded(self, model_id: str, labels: list) -> None:  # type: ignore[type-arg]
        state.setdefault("events", []).append((round(time.time() - LAUNCH, 3), "model loaded"))

    @Slot(bool)
    def busy(self, busy: bool) -> None:
        state.setdefault("events", []).append((round(time.time() - LAUNCH, 3), f"busy {busy}"))

    def tick(self) -> None:
        now = time.perf_counter()
        cpu = time.thread_time()
        last_cpu = state.get("last_cpu", cpu)
        state["last_cpu"] = cpu
        last = state.get("last_tick")
        if last is not None:
            gap = now - last
            if gap > state["max_gap"]:
                state["max_gap"] = gap
                state["max_gap_at"] = time.time() - LAUNCH
            if gap > 0.050:
                state["gaps_over_50"] += 1
            if gap > 0.030:
                # (when, gap, CPU time the GUI thread itself used in the gap: near the
                # gap means work on the GUI thread; near 0 means it waited for the GIL
                # or for a CPU)
                state.setdefault("long_gaps", []).append(
                    (round(time.time() - LAUNCH, 3), round(gap * 1000, 1),
                     round((cpu - last_cpu) * 1000, 1)))
        state["last_tick"] = now
        state["ticks"] += 1


_exec = QApplication.exec


def exec_(*a):  # type: ignore[no-untyped-def]
    w = state["window"]
    probe = Probe()
    state["probe"] = probe
    w.view.viewport().installEventFilter(probe)
    if w.suggester is not None:
        w.suggester.worker.suggested.connect(probe.suggested)
        w.suggester.worker.modelLoaded.connect(probe.model_loaded)
        w.suggester.worker.busy.connect(probe.busy)
    timer = QTimer()
    state["timer"] = timer
    timer.setInterval(TICK_MS)
    timer.timeout.connect(probe.tick)
    timer.start()
    QTimer.singleShot(90_000, QApplication.quit)
    rc = _exec()
    timer.stop()
    out = {
        "shown_s": (state["first_paint"] or float("nan")) - LAUNCH,
        "built_s": state["built"] - LAUNCH,
        "suggested_s": (state["suggested"] - LAUNCH) if state["suggested"] else None,
        "max_gap_ms": state["max_gap"] * 1000,
        "max_gap_at_s": state["max_gap_at"],
        "gaps_over_50ms": state["gaps_over_50"],
        "ticks": state["ticks"],
        "long_gaps": state.get("long_gaps", []),
        "events": state.get("events", []),
        "model": state.get("model"),
    }
    print("PROBE " + json.dumps(out), flush=True)
    return rc


if __name__ == "__main__":  # (a spawned child process imports this module too)
    QApplication.exec = exec_  # type: ignore[method-assign]
    sys.argv = ["goldspan", *(sys.argv[3:] if sys.argv[2] == "--" else sys.argv[2:])]
    from goldspan.cli.main import main

    main()
