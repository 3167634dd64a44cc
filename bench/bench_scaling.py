"""Beyond one machine (bench/SCALING.md): the shard -> suggest -> merge prototype run on
this machine with a local process pool (the code path a Ray task runs), against plain
single-process ``suggest_documents`` on the same corpus, in the same run."""

from __future__ import annotations

import json

from bench_suggest import n_paragraphs
from common import BENCH, PY, Figure, run_process


def run() -> list[Figure]:
    n = n_paragraphs()
    r = run_process([PY, str(BENCH / "distributed_suggest.py"), "--paragraphs", str(n),
                     "--workers", "2", "--shards", "8", "--engine", "local"], timeout=900)
    res = json.loads(r.stdout.strip().splitlines()[-1])
    same = res["team_suggestions"] == res["single_suggestions"]
    return [Figure(
        "scaling_local", f"shards -> suggest -> merge, 2 local workers, {n:,} paragraphs vs 1 process",
        res["total_s"], "s", "same suggestions (speed informational)", same,
        res["single_process_s"], res["total_s"] / res["single_process_s"],
        note=(f"{res['engine']}, {res['shards']} shards: split {res['split_s']:.2f} s, suggest "
              f"{res['suggest_s']:.1f} s, merge {res['merge_s']:.2f} s; {res['team_suggestions']:,} "
              f"suggestions merged (single process: {res['single_suggestions']:,}); each worker "
              "loads its own model (spawn), which on 2 shared cores costs what it gains"),
    )]
