"""Prototype: bulk pre-annotation as shards that are goldspan files (bench/SCALING.md).

    python bench/distributed_suggest.py --db team.db [--shards 8] [--workers 2] [--engine auto|ray|local]
    python bench/distributed_suggest.py --paragraphs 3000 --workers 2     # measure, fixture corpus

1. split: the team database's documents, in id ranges, into shard databases (documents
   only), written with goldspan's own Store;
2. suggest: on each shard, exactly what ``goldspan suggest`` runs
   (:class:`SpacySuggester` + :func:`suggest_documents`) — as Ray tasks when Ray is
   installed (``ray.init(address="auto")`` joins a running cluster, else starts a local
   one), otherwise in a local spawn process pool;
3. merge: ``goldspan merge``'s :func:`merge_files`, which copies each model run to the
   team database by text hash.

With ``--paragraphs N`` it builds the benchmark's paragraph corpus, and also times plain
``suggest_documents`` in one process on a copy, to compare.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sqlite3
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))


def split(team: Path, out: Path, shards: int) -> list[Path]:
    """Documents of ``team`` into ``shards`` files by id range (one read in id order)."""
    from goldspan.core.store import Store

    conn = sqlite3.connect(str(team))
    ids = [r[0] for r in conn.execute("SELECT id FROM documents ORDER BY id")]
    size = max(1, -(-len(ids) // shards))
    paths = []
    for k in range(0, len(ids), size):
        lo, hi = ids[k], ids[min(k + size, len(ids)) - 1]
        path = out / f"shard-{len(paths):03d}.db"
        with Store.open(path) as shard, shard.transaction() as c:
            rows = conn.execute("SELECT text, text_hash, title, source, meta FROM documents "
                                "WHERE id BETWEEN ? AND ? ORDER BY id", (lo, hi))
            c.executemany("INSERT INTO documents (text, text_hash, title, source, meta) "
                          "VALUES (?, ?, ?, ?, ?)", rows)
        paths.append(path)
    conn.close()
    return paths


def suggest_shard(path: str, model: str = "en_core_web_sm") -> tuple[str, int, int, float]:
    """What ``goldspan suggest --db SHARD`` runs; the unit of work on any engine."""
    from goldspan.core.store import Store
    from goldspan.core.suggest import SpacySuggester, suggest_documents

    t0 = time.perf_counter()
    with Store.open(path) as store:
        n_docs, n_sugg = suggest_documents(store, SpacySuggester(model))
    return path, n_docs, n_sugg, time.perf_counter() - t0


def run_shards(paths: list[Path], workers: int, engine: str) -> tuple[str, list]:
    if engine in ("auto", "ray"):
        try:
            import ray
        except ImportError:
            if engine == "ray":
                raise SystemExit("--engine ray: Ray is not installed (pip install ray)") from None
        else:
            if not ray.is_initialized():
                try:
                    ray.init(address="auto")
                except Exception:  # noqa: BLE001 - no cluster running: a local one
                    ray.init(num_cpus=workers)
            task = ray.remote(num_cpus=1)(suggest_shard)
            return "ray", ray.get([task.remote(str(p)) for p in paths])
    # Local: spawn (never fork a process holding threads), one model per worker process.
    import multiprocessing as mp

    with ProcessPoolExecutor(workers, mp_context=mp.get_context("spawn")) as pool:
        return "local process pool", list(pool.map(suggest_shard, [str(p) for p in paths]))


def distributed(team: Path, shards: int, workers: int, engine: str) -> dict:
    from goldspan.core.merge import merge_files

    work = Path(tempfile.mkdtemp(prefix="goldspan-shards-"))
    t0 = time.perf_counter()
    paths = split(team, work, shards)
    t1 = time.perf_counter()
    used, results = run_shards(paths, workers, engine)
    t2 = time.perf_counter()
    merge_files(team, paths)
    t3 = time.perf_counter()
    shutil.rmtree(work, ignore_errors=True)
    return {"engine": used, "shards": len(paths), "workers": workers,
            "split_s": t1 - t0, "suggest_s": t2 - t1, "merge_s": t3 - t2, "total_s": t3 - t0,
            "suggestions": sum(r[2] for r in results)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--db", type=Path)
    ap.add_argument("--paragraphs", type=int)
    ap.add_argument("--shards", type=int, default=8)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--engine", default="auto", choices=("auto", "ray", "local"))
    args = ap.parse_args()
    out: dict = {}
    if args.paragraphs:
        from fixtures import paragraph_db

        src = paragraph_db(args.paragraphs)
        work = Path(tempfile.mkdtemp(prefix="goldspan-dist-"))
        single, team = work / "single.db", work / "team.db"
        shutil.copy(src, single)
        shutil.copy(src, team)
        _, _, n_sugg, t_single = suggest_shard(str(single))
        out["single_process_s"] = t_single
        out["single_suggestions"] = n_sugg
        out.update(distributed(team, args.shards, args.workers, args.engine))
        conn = sqlite3.connect(str(team))
        out["team_suggestions"] = conn.execute("SELECT count(*) FROM suggestions").fetchone()[0]
        conn.close()
        out["speedup"] = t_single / out["total_s"]
        shutil.rmtree(work, ignore_errors=True)
    elif args.db:
        out = distributed(args.db, args.shards, args.workers, args.engine)
    else:
        ap.error("pass --db or --paragraphs")
    print(json.dumps(out))


if __name__ == "__main__":
    main()
