"""Beyond one machine (bench/SCALING.md): ``goldspan suggest --ray`` on a local Ray
runtime of 2 CPUs against ``goldspan suggest --n-process 2`` on the same corpus, in the
same run (bench/distributed_suggest.py measures; the code is core/distributed_suggest.py).
The figure passes when both give the same suggestions; the speed is informational."""

from __future__ import annotations

import json

from bench_suggest import n_paragraphs
from common import BENCH, PY, QUICK, Figure, run_process


def run() -> list[Figure]:
    n = n_paragraphs()
    r = run_process([PY, str(BENCH / "distributed_suggest.py"), "--paragraphs", str(n),
                     "--workers", "2", "--repeat", "1" if QUICK else "2"], timeout=1800)
    res = json.loads(r.stdout.strip().splitlines()[-1])
    ratio = res["ray_words_per_s"] / res["n_process_words_per_s"]
    return [Figure(
        "suggest_ray", f"goldspan suggest --ray (local runtime, 2 CPUs) vs --n-process 2, "
                       f"{n:,} paragraphs",
        res["ray_words_per_s"], "words/s", "same suggestions (speed informational)",
        res["same"], res["n_process_words_per_s"], ratio,
        note=(f"best of {res['repeat']} alternated; {res['words']:,} words, "
              f"{res['suggestions']:,} suggestions, the same rows both ways: {res['same']}; "
              f"{res['shards']} shards of {res['shard_size']} documents on {res['workers']} "
              f"workers: {res['ray_s']:.1f} s against {res['n_process_s']:.1f} s, from the "
              f"first worker's model loaded (the second worker loads its own inside the "
              f"clock); starting the local runtime took {res['ray_init_s']:.1f} s more and "
              f"shutting it down {res['ray_shutdown_s']:.1f} s, once per command"),
    )]
