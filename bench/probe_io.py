"""In-process probe of benchmark 3 (run in its own process by bench_io.py).

    python bench/probe_io.py goldspan|bare FILE.jsonl DB  ->  seconds on stdout

``goldspan``: :func:`goldspan.core.importer.import_paths` (all-or-nothing, validated).
``bare``: the same rows by hand: ``json.loads`` per line, then ``sqlite3.executemany``
into documents, annotations and spans in one transaction, nothing checked.
Both start from an empty goldspan database made by ``Store.open``.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from goldspan.core.storage import Store
from goldspan.core.textio import first_line, text_hash

STATUS = {"accept": "done", "reject": "rejected", "ignore": "skipped"}


def bare(path: Path, store: Store) -> None:
    docs, anns, spans = [], [], []
    with open(path, encoding="utf-8") as fh:
        for i, line in enumerate(fh, 1):
            obj = json.loads(line)
            text = obj["text"]
            docs.append((i, text, text_hash(text), first_line(text), str(path)))
            anns.append((i, i, obj["_annotator_id"], STATUS[obj["answer"]]))
            spans.extend((i, s["start"], s["end"], s["label"], "import") for s in obj["spans"])
    conn = store.conn
    conn.execute("BEGIN IMMEDIATE")
    conn.executemany("INSERT INTO documents (id, text, text_hash, title, source) VALUES (?, ?, ?, ?, ?)", docs)
    conn.executemany("INSERT INTO annotations (id, document_id, annotator, status, edited) "
                     "VALUES (?, ?, ?, ?, 1)", anns)
    conn.executemany('INSERT INTO spans (annotation_id, start, "end", label, origin) '
                     "VALUES (?, ?, ?, ?, ?)", spans)
    conn.execute("COMMIT")


def ours(path: Path, store: Store) -> None:
    from goldspan.core.importer import import_paths

    import_paths(store, [path], format="prodigy")


def main() -> None:
    which, path, db = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])
    for p in (db, Path(f"{db}-wal"), Path(f"{db}-shm")):
        p.unlink(missing_ok=True)
    store = Store.open(db)
    if which == "goldspan":
        import goldspan.core.importer  # noqa: F401 - import time is not the import's cost
    t0 = time.perf_counter()
    (ours if which == "goldspan" else bare)(path, store)
    elapsed = time.perf_counter() - t0
    n = store.conn.execute("SELECT count(*) FROM spans").fetchone()[0]
    store.close()
    print(json.dumps({"seconds": elapsed, "spans": n}))


if __name__ == "__main__":
    main()
