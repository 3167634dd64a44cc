"""Benchmark 6: agreement over N documents x 3 annotators, and over 2N: linear time
means doubling the documents at most doubles the time (target <= 2.2x)."""

from __future__ import annotations

import json

from common import BENCH, PY, QUICK, Figure, run_process
from fixtures import agreement_db

N = 2_000 if QUICK else 10_000


def probe(n: int) -> dict:
    r = run_process([PY, str(BENCH / "probe_agreement.py"), str(agreement_db(n))])
    return json.loads(r.stdout.strip().splitlines()[-1])


def run() -> list[Figure]:
    # alternated, best of 3: on this shared machine one run varies by +-20%
    rounds = 1 if QUICK else 3
    t1 = t2 = float("inf")
    for _ in range(rounds):
        t1 = min(t1, probe(N)["seconds"])
        t2 = min(t2, probe(2 * N)["seconds"])
    ratio = t2 / t1
    return [Figure("agreement", f"agreement, {2 * N:,} vs {N:,} documents x 3 annotators",
                   t2, "s", "<= 2.2x", ratio <= 2.2, t1, ratio,
                   note=f"{N / t1:,.0f} documents/s; in-process, best of {rounds} alternated. The "
                        "work is linear (cProfile: 8.8M -> 16.6M calls, the SQL 0.34 -> 0.69 s); "
                        "the ratio has ranged 1.4-2.5x between runs on this shared machine")]
