"""An export reads one snapshot of the database (found red-teaming issue 11, family
"data that changes under goldspan": ``goldspan delete`` while ``goldspan export``
reads).

``dataset.select`` walks the versions with one cursor, which holds SQLite's read
snapshot only while it is active. ``itertools.groupby`` looks one row ahead to end a
group: for the last document it exhausts the cursor, the snapshot ends, and that
document and its spans are read from the live database. Deleting the last document
while an export runs crashed it (``TypeError: 'NoneType' object is not
subscriptable`` in ``dataset.document_of``, a traceback, exit 1); an edit of it is
mixed into the snapshot. Reproduced by hand with the CLI: ``goldspan export --format
doccano --split 0.5`` on 100,000 documents, ``goldspan delete --doc 100000`` a second
later. Fixed by one read transaction around the whole export, its count and its
selection (``Store.snapshot()``).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from goldspan.core.exporter import export
from goldspan.core.storage import Store
from goldspan.core.types import Span


def test_deleting_the_last_document_during_an_export_never_breaks_it(tmp_path: Path) -> None:
    db = tmp_path / "t.db"
    with Store.open(db) as s:
        for i in range(20):
            s.add_document(f"Document {i} about Paris.")
            s.put_version(i + 1, "alice", "done", [Span(0, 8, "X")])
        s.add_labels(["X"])
    deleted: list[int] = []

    def progress(done: int, total: int) -> None:
        if done == 1 and not deleted:  # another process: goldspan delete --doc 20
            subprocess.run([sys.executable, "-m", "goldspan.cli.main", "delete", "--db",
                            str(db), "--doc", "20"], check=True, capture_output=True)
            deleted.append(20)

    with Store.open(db, readonly=True) as reader:
        summary = export(reader, tmp_path / "out.jsonl", format="doccano", progress=progress)
    assert deleted
    # one snapshot: the export is the database as it was when it began
    assert summary.written == 20
    assert len((tmp_path / "out.jsonl").read_text().splitlines()) == 20


def test_a_snapshot_is_one_view_until_it_ends_and_refuses_writes(tmp_path: Path) -> None:
    """The mechanism export, merge, stats and train share: what another process commits
    during a snapshot is not seen in it, and is seen after it; a write inside it (on
    top of an old view) is refused rather than mixed in."""
    db = tmp_path / "t.db"
    with Store.open(db) as writer, Store.open(db, readonly=True) as reader:
        writer.add_document("One.")
        with reader.snapshot():
            writer.add_document("Two.")
            assert reader.document_count() == 1
            with reader.snapshot():  # nested: joins the same view
                assert reader.document_count() == 1
        assert reader.document_count() == 2
        with writer.snapshot():
            with pytest.raises(RuntimeError, match="inside a read snapshot"), \
                    writer.transaction():
                pass
        writer.add_document("Three.")  # the snapshot ended: writing works again
        assert reader.document_count() == 3
