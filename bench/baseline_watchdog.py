"""Bare baseline of the start-up block figure: an empty Qt event loop with the same 5 ms
watchdog timer, while a child process loads the same spaCy pipeline and tags the seed
(the load goldspan's start-up puts on the machine, kept entirely out of this process).
Whatever gaps this loop sees come from the machine (CPU contention), not from the GUI.

    python bench/baseline_watchdog.py  ->  PROBE {json}
"""

from __future__ import annotations

import json
import subprocess
import sys
import time

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QLabel

CHILD = (
    "import glob, spacy\n"
    "from goldspan.core.spacy_models import load_for_ner\n"
    "nlp = load_for_ner('en_core_web_sm')\n"
    "list(nlp.pipe([open(sorted(glob.glob('seeds/*.txt'))[0]).read()]))\n"
)


def main() -> None:
    app = QApplication(sys.argv[:1])
    label = QLabel("watchdog")
    label.show()
    state = {"last": None, "last_cpu": time.thread_time(), "max": 0.0, "long": []}
    t0 = time.perf_counter()

    def tick() -> None:
        now, cpu = time.perf_counter(), time.thread_time()
        if state["last"] is not None:
            gap = now - state["last"]
            state["max"] = max(state["max"], gap)
            if gap > 0.030:
                state["long"].append((round(now - t0, 3), round(gap * 1000, 1),
                                      round((cpu - state["last_cpu"]) * 1000, 1)))
        state["last"], state["last_cpu"] = now, cpu

    timer = QTimer()
    timer.setInterval(5)
    timer.timeout.connect(tick)
    timer.start()
    child = subprocess.Popen([sys.executable, "-c", CHILD])

    def poll() -> None:
        if child.poll() is not None:
            QTimer.singleShot(300, app.quit)
        else:
            QTimer.singleShot(50, poll)

    poll()
    app.exec()
    print("PROBE " + json.dumps({"max_gap_ms": state["max"] * 1000, "long_gaps": state["long"],
                                 "seconds": time.perf_counter() - t0}))


if __name__ == "__main__":
    main()
