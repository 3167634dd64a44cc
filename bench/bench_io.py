"""Benchmark 3: import of 10,000 Prodigy records (200,000 spans) through goldspan's
importer against raw ``executemany`` in one transaction; export of the same in
constant memory (peak RSS of ``goldspan export`` for 10,000 and 20,000 documents)."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from common import BENCH, GOLDSPAN, PY, QUICK, Figure, run_process
from fixtures import export_db, prodigy_jsonl

N = 2_000 if QUICK else 10_000


def import_figure(rounds: int) -> Figure:
    src = prodigy_jsonl(N)
    work = Path(tempfile.mkdtemp(prefix="goldspan-bench-"))
    t: dict[str, list[float]] = {"bare": [], "goldspan": []}
    for _ in range(rounds):
        for which in ("bare", "goldspan"):
            r = run_process([PY, str(BENCH / "probe_io.py"), which, str(src), str(work / f"{which}.db")])
            res = json.loads(r.stdout.strip().splitlines()[-1])
            assert res["spans"] == 20 * N, res
            t[which].append(res["seconds"])
    ours, bare = min(t["goldspan"]), min(t["bare"])
    ratio = ours / bare
    return Figure("import", f"import {N:,} Prodigy records / {20 * N:,} spans vs raw executemany",
                  ours, "s", "<= 2x", ratio <= 2, bare, ratio,
                  note=f"best of {rounds}, in-process; both parse the JSON, same schema and triggers")


def export_figures() -> list[Figure]:
    work = Path(tempfile.mkdtemp(prefix="goldspan-bench-"))
    runs = {}
    for n in (N, 2 * N):
        runs[n] = run_process([GOLDSPAN, "export", "--format", "prodigy", "--db", str(export_db(n)),
                               "--out", str(work / f"out_{n}.jsonl")])
    r1, r2 = runs[N], runs[2 * N]
    ratio = r2.rss_mb / r1.rss_mb
    return [Figure("export_rss", f"export peak RSS, {2 * N:,} vs {N:,} documents (prodigy)",
                   r2.rss_mb, "MB", "about equal (<= 1.1x)", ratio <= 1.1, r1.rss_mb, ratio,
                   note=(f"export took {r1.wall:.1f} s / {r2.wall:.1f} s "
                         f"({N / r1.wall:.0f} docs/s: spaCy tokenisation of every text for "
                         "Prodigy's tokens)"))]


def run() -> list[Figure]:
    return [import_figure(1 if QUICK else 3)] + export_figures()
