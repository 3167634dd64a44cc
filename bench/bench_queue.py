"""Benchmark 2: a queue of 100,000 articles. Whole process ``goldspan screenshot`` opening
the window at the middle document, against the same on a one-article database; peak
RSS of the whole process."""

from __future__ import annotations

import tempfile
from pathlib import Path

from common import GOLDSPAN, QUICK, Figure, run_process
from fixtures import ANNOTATOR, queue_db

N = 100_000


def run() -> list[Figure]:
    big, one = queue_db(N), queue_db(1)
    out = Path(tempfile.mkdtemp(prefix="goldspan-bench-"))
    rounds = 2 if QUICK else 4
    ours, bare = [], []
    for _ in range(rounds):
        bare.append(run_process([GOLDSPAN, "screenshot", "--db", str(one), "--doc", "1",
                                 "--annotator", ANNOTATOR, "--out", str(out / "one.png")]))
        ours.append(run_process([GOLDSPAN, "screenshot", "--db", str(big), "--doc", str(N // 2),
                                 "--annotator", ANNOTATOR, "--out", str(out / "big.png")]))
    t_big, t_one = min(r.wall for r in ours), min(r.wall for r in bare)
    rss = max(r.rss_mb for r in ours)
    rss_one = max(r.rss_mb for r in bare)
    ratio = t_big / t_one
    return [
        Figure("queue_open", f"open the window at document {N // 2:,} of {N:,} vs a one-article db",
               t_big, "s", "< 2x", ratio < 2, t_one, ratio,
               note=f"best of {rounds}, whole processes (goldspan screenshot)"),
        Figure("queue_rss", f"peak RSS, window on a {N:,}-article queue", rss, "MB", "< 400 MB",
               rss < 400, rss_one, rss / rss_one, note="baseline: the one-article database"),
    ]
