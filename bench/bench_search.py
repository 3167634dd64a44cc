"""Benchmark 10: the queue's search on 100,000 news-sized articles (about 3 KB each):
what one keystroke in the filter box costs (the count and the first page of the
queue, as the window asks) through the full-text index, against the ``LIKE '%...%'``
scan it replaced, on the same database in the same run. In-process, warm (the window
is open: the pages read are in the cache); best of 5 per query.

Also the index's cost: the database's size with and without it."""

from __future__ import annotations

import os
import shutil
import sqlite3
import statistics
import tempfile
import time
from pathlib import Path

from common import QUICK, Figure
from fixtures import news_db
from goldspan.core.queue import Queue, QueueFilter
from goldspan.core.storage import Store

N = 10_000 if QUICK else 100_000
PAGE = 60  # rows the queue shows at a time
# what a user types: a rare word, a name, a phrase, a word being typed, a common word,
# the three letters of the most common word, an entity search; and a common word
# with the status filter (only the articles still to do)
QUERIES = ["Kowalski ", "Ngozi Okonjo ", '"Mark Esper"', "Nakam", "minister ", "the",
           'label:PERSON "Anna Moreau"', "todo: minister "]


def _filter(typed: str) -> QueueFilter:
    if typed.startswith("todo: "):
        return QueueFilter(statuses=("todo",), text=typed.removeprefix("todo: "))
    return QueueFilter(text=typed)


def _keystroke(store: Store, typed: str) -> float:
    def once() -> float:
        t0 = time.perf_counter()
        q = Queue(store, "bench", _filter(typed))
        q.count()
        q.rows(0, PAGE)
        return time.perf_counter() - t0

    once()
    return min(once() for _ in range(5))


def _like(conn: sqlite3.Connection, word: str) -> float:
    """The filter as it was: LIKE over every title and text (count and first page)."""
    pattern = f"%{word}%"
    where = "(d.title LIKE ? ESCAPE '\\' OR d.text LIKE ? ESCAPE '\\')"

    def once() -> float:
        t0 = time.perf_counter()
        conn.execute(f"SELECT count(*) FROM documents d WHERE {where}", (pattern, pattern)).fetchone()
        conn.execute(f"SELECT d.id, d.title FROM documents d WHERE {where} ORDER BY d.id LIMIT ?",
                     (pattern, pattern, PAGE)).fetchall()
        return time.perf_counter() - t0

    once()
    return min(once() for _ in range(3))


def _size_without_index(db: Path) -> int:
    work = Path(tempfile.mkdtemp(prefix="goldspan-bench-"))
    copy = work / "no_index.db"
    shutil.copy(db, copy)
    conn = sqlite3.connect(copy)
    for trigger in ("documents_ai", "documents_ad", "documents_au"):
        conn.execute(f"DROP TRIGGER {trigger}")
    conn.execute("DROP TABLE documents_fts")
    conn.commit()
    conn.execute("VACUUM")
    conn.close()
    size = copy.stat().st_size
    shutil.rmtree(work)
    return size


def run() -> list[Figure]:
    db = news_db(N)
    store = Store.open(db, readonly=True)
    times = {typed: _keystroke(store, typed) for typed in QUERIES}
    counts = {typed: Queue(store, "bench", _filter(typed)).count() for typed in QUERIES}
    store.close()
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    like = statistics.median([_like(conn, w) for w in ("Kowalski", "Ngozi Okonjo", "minister")])
    conn.close()
    text_only = {k: v for k, v in times.items() if not k.startswith("todo: ")}
    worst = max(text_only.values())
    with_status = times["todo: minister "]
    size, bare_size = os.path.getsize(db), _size_without_index(db)
    detail = "; ".join(f"{typed.strip()!s}: {t * 1000:.1f} ms ({counts[typed]:,} found)"
                       for typed, t in times.items())
    return [
        Figure("search", f"queue search on {N:,} articles of ~3 KB (worst of {len(text_only)} "
                         "queries) vs the LIKE scan it replaced",
               worst * 1000, "ms", "< 50 ms", worst < 0.050, like * 1000, worst / like,
               note=f"count + first page of {PAGE}, warm, best of 5: {detail}",
               extra={"queries": {k: v * 1000 for k, v in times.items()}, "counts": counts}),
        Figure("search_status", f"queue search with the status filter (To do + a word in "
                                f"{counts['minister ']:,} articles)", with_status * 1000, "ms",
               "< 50 ms", with_status < 0.050, like * 1000, with_status / like,
               note="the annotator's status of every match is looked up (an index probe each)"),
        Figure("search_index_size", f"database of {N:,} articles with the search index vs "
                                    "without", size / 1e6, "MB", "(cost, no target)", True,
               bare_size / 1e6, size / bare_size),
    ]
