"""``goldspan suggest`` while documents are deleted (found red-teaming issue 11,
family "data that changes under goldspan").

The one-process run stopped at the first document deleted under it ("no document with
id 15000" after 14,945 of 20,000 documents; the rest never suggested), where the Ray
run and the window's suggester leave such a document out. Now it is left out and
counted, whether it went before the model read its text or after.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from goldspan.core.storage import Store
from goldspan.core.suggest import SpacySuggester, suggest_documents

TEXT = "({}) Angela Merkel met Emmanuel Macron in Paris on Monday."


def test_documents_deleted_during_a_run_are_left_out_and_the_rest_done(tmp_path: Path) -> None:
    db = tmp_path / "t.db"
    with Store.open(db) as s:
        for i in range(120):
            s.add_document(TEXT.format(i))
    suggester = SpacySuggester(None, batch_size=16)
    deleted: list[int] = []

    def progress(n: int) -> None:
        if not deleted:  # after the first document: 2 has been read, 100 not yet
            subprocess.run([sys.executable, "-m", "goldspan.cli.main", "delete", "--db",
                            str(db), "--doc", "2", "--doc", "100"], check=True,
                           capture_output=True)
            deleted.extend([2, 100])

    with Store.open(db) as store:
        n_docs, n_sugg = suggest_documents(store, suggester, commit_seconds=0,
                                           progress=progress)
        assert deleted and n_docs == 118 and store.documents_without_run(suggester.model_id) == []
        stored = store.conn.execute("SELECT count(*) FROM suggestions").fetchone()[0]
        assert n_sugg == stored > 0
        assert store.conn.execute("SELECT count(*) FROM suggestion_runs WHERE document_id "
                                  "NOT IN (SELECT id FROM documents)").fetchone()[0] == 0


def test_the_ids_left_out_are_told(tmp_path: Path) -> None:
    db = tmp_path / "t.db"
    with Store.open(db) as s:
        for i in range(40):
            s.add_document(TEXT.format(i))
    dropped: list[int] = []
    done: list[bool] = []

    def progress(n: int) -> None:
        if not done:
            done.append(True)
            with Store.open(db) as other:
                other.delete_document(3)
                other.delete_document(39)

    with Store.open(db) as store:
        suggest_documents(store, SpacySuggester(None, batch_size=16), commit_seconds=0,
                          progress=progress, dropped=dropped)
    assert sorted(dropped) == [3, 39]
