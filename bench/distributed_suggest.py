"""Measure ``goldspan suggest --ray`` (core/distributed_suggest.py) against
``goldspan suggest --n-process 2`` on the same corpus, in the same run.

    python bench/distributed_suggest.py --paragraphs 3000 [--workers 2] [--repeat 2]  ->  JSON

Both write every suggestion to their own copy of the benchmark's paragraph corpus.
``--n-process 2``: the model is loaded before the clock starts (as bench/probe_suggest.py
does). Ray: a local runtime of ``--workers`` CPUs is started once (timed apart,
``ray_init_s``); the clock starts when the first worker has loaded the model (the run's
``on_plan``), so it includes the other workers' model loads, the shards' trips through
the object store and every merge. The runs alternate; the best of each is kept. The
two databases must hold the same suggestions and runs (``same``).
"""

from __future__ import annotations

import argparse
import json
import logging
import shutil
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))


def rows(db: Path) -> tuple[list, list]:  # type: ignore[type-arg]
    conn = sqlite3.connect(db)
    try:
        return (sorted(conn.execute('SELECT document_id, model, start, "end", label, score '
                                    "FROM suggestions")),
                sorted(conn.execute("SELECT document_id, model FROM suggestion_runs")))
    finally:
        conn.close()


def n_process_2(db: Path, workers: int) -> float:
    from goldspan.core.storage import Store
    from goldspan.core.suggesters.spacy_ner import SpacySuggester
    from goldspan.core.suggesters.documents import suggest_documents

    with Store.open(db) as store:
        suggester = SpacySuggester("en_core_web_sm", batch_size=32, n_process=workers)
        suggester.model_id  # noqa: B018 - loads the pipeline before the clock starts
        t0 = time.perf_counter()
        suggest_documents(store, suggester)
        return time.perf_counter() - t0


def on_ray(db: Path, shard_size: int | None) -> tuple[float, dict]:
    from goldspan.core.distributed_suggest import suggest_on_ray

    started: list[float] = []
    run = suggest_on_ray(db, "en_core_web_sm", shard_size=shard_size,
                         on_plan=lambda _m, _n: started.append(time.perf_counter()))
    elapsed = time.perf_counter() - started[0]
    return elapsed, {"shards": run.shards, "workers": run.workers, "documents": run.documents,
                     "suggestions": run.suggestions, "shard_size": -(-run.documents // run.shards)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--paragraphs", type=int, required=True)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--repeat", type=int, default=2)
    ap.add_argument("--shard-size", type=int, default=None)
    args = ap.parse_args()

    import ray

    from fixtures import paragraph_db
    src = paragraph_db(args.paragraphs)
    conn = sqlite3.connect(src)
    words = sum(len(t.split()) for (t,) in conn.execute("SELECT text FROM documents"))
    conn.close()
    work = Path(tempfile.mkdtemp(prefix="goldspan-ray-bench-"))
    t0 = time.perf_counter()
    ray.init(address="local", num_cpus=args.workers, include_dashboard=False,
             logging_level=logging.WARNING, log_to_driver=False)
    init_s = time.perf_counter() - t0
    best_local = best_ray = float("inf")
    same = True
    info: dict = {}
    try:
        for k in range(args.repeat):
            local_db, ray_db = work / f"local-{k}.db", work / f"ray-{k}.db"
            shutil.copy(src, local_db)
            shutil.copy(src, ray_db)
            best_local = min(best_local, n_process_2(local_db, args.workers))
            elapsed, info = on_ray(ray_db, args.shard_size)
            best_ray = min(best_ray, elapsed)
            same = same and rows(local_db) == rows(ray_db)
            n_sugg = len(rows(ray_db)[0])
    finally:
        t1 = time.perf_counter()
        ray.shutdown()
        shutdown_s = time.perf_counter() - t1
        shutil.rmtree(work, ignore_errors=True)
    print(json.dumps({
        "paragraphs": args.paragraphs, "words": words, "workers": args.workers,
        "repeat": args.repeat, "n_process_s": best_local, "ray_s": best_ray,
        "n_process_words_per_s": words / best_local, "ray_words_per_s": words / best_ray,
        "ray_init_s": init_s, "ray_shutdown_s": shutdown_s, "same": same,
        "suggestions": n_sugg, **info,
    }))


if __name__ == "__main__":
    main()
