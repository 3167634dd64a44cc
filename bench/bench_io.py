"""Benchmark 3: ``goldspan import`` of Prodigy records, whole processes, against a bare
loader script (``json.loads`` + ``executemany`` in one transaction, nothing checked:
bench/probe_io.py) on the same empty goldspan database, at two shapes: 60,000 records
of about 4 spans and 10,000 of 20; export of the same in constant memory (peak RSS of
``goldspan export`` for 10,000 and 20,000 documents)."""

from __future__ import annotations

import shutil
import sqlite3
import tempfile
from pathlib import Path

from common import BENCH, GOLDSPAN, PY, QUICK, Figure, run_process
from fixtures import export_db, prodigy_jsonl

N = 2_000 if QUICK else 10_000
# (records, spans per record) of the import figures
SHAPES = [(6_000, 4), (1_000, 20)] if QUICK else [(60_000, 4), (10_000, 20)]


def _empty_db(work: Path, search_index: bool = True) -> Path:
    """An empty goldspan database (schema, triggers, the full-text index), made once
    and copied before every run; without the index for the figure of its cost."""
    path = work / ("empty.db" if search_index else "empty_no_index.db")
    if not path.exists():
        run_process([PY, "-c", "import sys; from goldspan.core.storage import Store; "
                     "Store.open(sys.argv[1]).close()", str(path)])
        if not search_index:
            conn = sqlite3.connect(path)
            for trigger in ("documents_ai", "documents_ad", "documents_au"):
                conn.execute(f"DROP TRIGGER {trigger}")
            conn.execute("DROP TABLE documents_fts")
            conn.commit()
            conn.close()
    return path


def _fresh(template: Path, db: Path) -> Path:
    for p in (db, Path(f"{db}-wal"), Path(f"{db}-shm")):
        p.unlink(missing_ok=True)
    shutil.copy(template, db)
    return db


def _spans(db: Path) -> int:
    conn = sqlite3.connect(db)
    try:
        return int(conn.execute("SELECT count(*) FROM spans").fetchone()[0])
    finally:
        conn.close()


def import_figure(n: int, per: int, rounds: int, work: Path) -> Figure:
    src = prodigy_jsonl(n, per)
    template = _empty_db(work)
    t: dict[str, list[float]] = {"bare": [], "goldspan": [], "bare_no_index": []}
    for _ in range(rounds):
        db = _fresh(template, work / "bare.db")
        t["bare"].append(run_process([PY, str(BENCH / "probe_io.py"), "bare", str(src),
                                      str(db)]).wall)
        assert _spans(db) == per * n
        db = _fresh(template, work / "ours.db")
        t["goldspan"].append(run_process([GOLDSPAN, "import", "--format", "prodigy", "--db",
                                          str(db), str(src)]).wall)
        assert _spans(db) == per * n
        db = _fresh(_empty_db(work, search_index=False), work / "bare_no_index.db")
        t["bare_no_index"].append(run_process([PY, str(BENCH / "probe_io.py"), "bare", str(src),
                                               str(db)]).wall)
    ours, bare = min(t["goldspan"]), min(t["bare"])
    ratio = ours / bare
    index_cost = bare / min(t["bare_no_index"])
    return Figure(f"import_{n}x{per}",
                  f"goldspan import of {n:,} Prodigy records x {per} spans vs a bare loader",
                  ours, "s", "<= 2x", ratio <= 2, bare, ratio,
                  note=(f"best of {rounds}, whole processes (goldspan's start-up included); "
                        "same empty database, triggers and full-text index; the bare "
                        f"loader without the index: {min(t['bare_no_index']):.2f} s (the "
                        f"index costs {index_cost:.2f}x there)"),
                  extra={"runs": t})


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
    work = Path(tempfile.mkdtemp(prefix="goldspan-bench-"))
    rounds = 1 if QUICK else 3
    return [import_figure(n, per, rounds, work) for n, per in SHAPES] + export_figures()
