"""Benchmark 5: start-up. ``goldspan gui`` (the real CLI, instrumented by
bench/probe_startup.py) on a fresh copy of the seed article with suggestions on: the
time from launch to the article's first paint, and the longest the GUI thread was
blocked (gap between 5 ms watchdog ticks) until the model has loaded and suggested.

Warm: the first run warms caches and is dropped. The baseline is the bare viewer
program (bench/baseline_view.py) on the same database, launch to saved PNG.
"""

from __future__ import annotations

import json
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from common import BENCH, PY, QUICK, Figure, run_process
from fixtures import ANNOTATOR, article_db


def probe(db: Path, home: Path) -> dict:
    work = Path(tempfile.mkdtemp(prefix="goldspan-bench-"))
    copy = work / "start.db"
    shutil.copy(db, copy)
    r = run_process([PY, str(BENCH / "probe_startup.py"), repr(time.time()), "--", "gui",
                     "--db", str(copy), "--annotator", ANNOTATOR],
                    extra_env={"GOLDSPAN_HOME": str(home)}, timeout=180)
    shutil.rmtree(work, ignore_errors=True)
    line = next(x for x in r.stdout.splitlines() if x.startswith("PROBE "))
    return json.loads(line[len("PROBE "):])


def run() -> list[Figure]:
    db = article_db(1)
    home = Path(tempfile.mkdtemp(prefix="goldspan-home-"))
    runs = [probe(db, home) for _ in range(3 if QUICK else 6)][1:]
    out = Path(tempfile.mkdtemp(prefix="goldspan-bench-")) / "bare.png"
    bare = min(run_process([PY, str(BENCH / "baseline_view.py"), str(db), "1", ANNOTATOR,
                            str(out)]).wall for _ in range(3))
    shown = min(r["shown_s"] for r in runs)
    gaps = [r["max_gap_ms"] for r in runs]
    gap = statistics.median(gaps)
    suggested = statistics.median([r["suggested_s"] or float("nan") for r in runs])
    long_gaps = [g for r in runs for g in r.get("long_gaps", [])]
    return [
        Figure("startup_shown", "start-up: launch to the article painted (model still loading)",
               shown, "s", "< 1.5 s", shown < 1.5, bare, shown / bare,
               note=f"best of {len(runs)} warm runs; suggestions arrive at {suggested:.2f} s (median); "
                    "baseline: bare viewer launch to PNG"),
        Figure("startup_block", "start-up: longest GUI block while the model loads and suggests",
               gap, "ms", "< 50 ms", gap < 50, 5.0, gap / 5.0,
               note=(f"median of {len(runs)} runs' worst gap between 5 ms ticks (all: "
                     + ", ".join(f"{g:.0f}" for g in gaps) + " ms); gaps over 30 ms at "
                     + ", ".join(f"{t:.2f} s: {g:.0f} ms" for t, g in long_gaps[:8]))),
    ]
