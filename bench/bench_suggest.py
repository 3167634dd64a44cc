"""Benchmark 4: bulk suggestions. Words per second of goldspan's suggest path (what
``goldspan suggest`` runs, storing every suggestion) against bare ``nlp.pipe`` with only
``ner``; then ``n_process=2`` against one process, both for goldspan and bare.

GOLDSPAN_BENCH_PARAGRAPHS sets the corpus size (default 3,000; 600 with QUICK).
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path

from common import BENCH, PY, QUICK, Figure, run_process
from fixtures import paragraph_db


def n_paragraphs() -> int:
    return int(os.environ.get("GOLDSPAN_BENCH_PARAGRAPHS") or (600 if QUICK else 3000))


def probe(which: str, db: Path, n_process: int) -> dict:
    work = Path(tempfile.mkdtemp(prefix="goldspan-bench-"))
    copy = work / "p.db"
    shutil.copy(db, copy)
    r = run_process([PY, str(BENCH / "probe_suggest.py"), which, str(copy), str(n_process)])
    shutil.rmtree(work, ignore_errors=True)
    return json.loads(r.stdout.strip().splitlines()[-1])


def run() -> list[Figure]:
    n = n_paragraphs()
    db = paragraph_db(n)
    res: dict = {}
    # Single process: alternated, best of 5. On this shared machine the same pipeline on
    # the same texts varies by +-10% from run to run (other sessions' load): the best
    # run of each is the least disturbed one.
    for _ in range(1 if QUICK else 5):
        for which in ("bare", "goldspan"):
            r = probe(which, db, 1)
            if (which, 1) not in res or r["words_per_s"] > res[which, 1]["words_per_s"]:
                res[which, 1] = r
    for which in ("bare", "goldspan"):
        res[which, 2] = probe(which, db, 2)
    words = res["bare", 1]["words"]
    ours1, bare1 = res["goldspan", 1]["words_per_s"], res["bare", 1]["words_per_s"]
    ours2, bare2 = res["goldspan", 2]["words_per_s"], res["bare", 2]["words_per_s"]
    share = ours1 / bare1
    speedup = ours2 / ours1
    return [
        Figure("suggest_rate", f"goldspan suggest vs bare nlp.pipe (ner only), {n:,} paragraphs",
               ours1, "words/s", ">= 95%", share >= 0.95, bare1, share,
               note=f"best of {1 if QUICK else 5} alternated; {words:,} words; {res['goldspan', 1]['ents']:,} suggestions stored; per CPU "
                    f"second (immune to other load): {res['goldspan', 1]['words_per_cpu_s']:,.0f} vs "
                    f"{res['bare', 1]['words_per_cpu_s']:,.0f} words = "
                    f"{res['goldspan', 1]['words_per_cpu_s'] / res['bare', 1]['words_per_cpu_s']:.2f}x"),
        Figure("suggest_n_process", f"goldspan suggest --n-process 2 vs 1 process, {n:,} paragraphs",
               ours2, "words/s", ">= 1.3x", speedup >= 1.3, ours1, speedup,
               note=f"bare nlp.pipe n_process=2: {bare2:,.0f} words/s = {bare2 / bare1:.2f}x its "
                    f"single process in the same run (goldspan's 2 processes: {ours2 / bare2:.2f}x "
                    "bare's); when bare's own scaling is under 1.3x the 2 cores were not free"),
    ]
