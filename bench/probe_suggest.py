"""In-process probe of benchmark 4 (run in its own process by bench_suggest.py).

    python bench/probe_suggest.py goldspan|bare DB N_PROCESS  ->  JSON on stdout

``bare``: ``spacy.load`` with every component but ``ner`` excluded, ``nlp.pipe`` over the
texts (read with sqlite3), entities read and dropped.
``goldspan``: :func:`goldspan.core.suggesters.documents.suggest_documents` with a
:class:`SpacySuggester` — what ``goldspan suggest`` runs — storing every suggestion.
The model is loaded before the clock starts in both; words are whitespace-separated.
"""

from __future__ import annotations

import json
import sqlite3
import sys
import time


def main() -> None:
    which, db, n_process = sys.argv[1], sys.argv[2], int(sys.argv[3])
    conn = sqlite3.connect(db)
    texts = [r[0] for r in conn.execute("SELECT text FROM documents ORDER BY id")]
    conn.close()
    words = sum(len(t.split()) for t in texts)
    if which == "bare":
        import spacy
        from goldspan.core.spacy_models import resolve

        name = resolve("en_core_web_sm")
        nlp = spacy.load(name)
        nlp = spacy.load(name, exclude=[p for p in nlp.pipe_names if p != "ner"])
        t0, c0 = time.perf_counter(), time.process_time()
        ents = 0
        for doc in nlp.pipe(texts, batch_size=32, n_process=n_process):
            ents += len(doc.ents)
        elapsed, cpu = time.perf_counter() - t0, time.process_time() - c0
    else:
        from goldspan.core.storage import Store
        from goldspan.core.suggesters.spacy_ner import SpacySuggester
        from goldspan.core.suggesters.documents import suggest_documents

        store = Store.open(db)
        store.conn.execute("DELETE FROM suggestion_runs")
        store.conn.execute("DELETE FROM suggestions")
        suggester = SpacySuggester("en_core_web_sm", batch_size=32, n_process=n_process)
        suggester.model_id  # noqa: B018 - loads the pipeline before the clock starts
        t0, c0 = time.perf_counter(), time.process_time()
        _, ents = suggest_documents(store, suggester)
        elapsed, cpu = time.perf_counter() - t0, time.process_time() - c0
        store.close()
    print(json.dumps({"seconds": elapsed, "words": words, "docs": len(texts), "ents": ents,
                      "words_per_s": words / elapsed, "cpu_s": cpu,
                      "words_per_cpu_s": words / cpu}))


if __name__ == "__main__":
    main()
