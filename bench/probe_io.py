"""The bare baseline of the import figures (run in its own process by bench_io.py),
and an in-process goldspan import for profiling.

    python bench/probe_io.py bare FILE.jsonl DB       the rows by hand
    python bench/probe_io.py goldspan FILE.jsonl DB   import_paths in-process

``bare``: the standard library only (no goldspan import: the process costs what a
hand-written loader costs): ``json.loads`` per line, then ``sqlite3.executemany``
into documents, annotations and spans in one transaction, nothing checked. DB is an
empty goldspan database made beforehand (same schema, same triggers, the full-text
index's included), as ``goldspan import`` gets it.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import sys
import time
from pathlib import Path

STATUS = {"accept": "done", "reject": "rejected", "ignore": "skipped"}


def bare(path: Path, db: Path) -> int:
    docs, anns, spans = [], [], []
    with open(path, encoding="utf-8") as fh:
        for i, line in enumerate(fh, 1):
            obj = json.loads(line)
            text = obj["text"]
            h = hashlib.sha256(text.encode("utf-8")).hexdigest()
            docs.append((i, text, h, text.split("\n", 1)[0][:120], str(path)))
            anns.append((i, i, obj["_annotator_id"], STATUS[obj["answer"]]))
            spans.extend((i, s["start"], s["end"], s["label"], "import") for s in obj["spans"])
    conn = sqlite3.connect(db, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("BEGIN IMMEDIATE")
    conn.executemany("INSERT INTO documents (id, text, text_hash, title, source) "
                     "VALUES (?, ?, ?, ?, ?)", docs)
    conn.executemany("INSERT INTO annotations (id, document_id, annotator, status, edited) "
                     "VALUES (?, ?, ?, ?, 1)", anns)
    conn.executemany('INSERT INTO spans (annotation_id, start, "end", label, origin) '
                     "VALUES (?, ?, ?, ?, ?)", spans)
    conn.execute("COMMIT")
    n = conn.execute("SELECT count(*) FROM spans").fetchone()[0]
    conn.close()
    return n


def ours(path: Path, db: Path) -> int:
    from goldspan.core.importer import import_paths
    from goldspan.core.storage import Store

    with Store.open(db) as store:
        import_paths(store, [path], format="prodigy")
        return int(store.conn.execute("SELECT count(*) FROM spans").fetchone()[0])


def main() -> None:
    which, path, db = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])
    t0 = time.perf_counter()
    n = (ours if which == "goldspan" else bare)(path, db)
    print(json.dumps({"seconds": time.perf_counter() - t0, "spans": n}))


if __name__ == "__main__":
    main()
