"""Assignments and the queue's scope: assigned to me, fewer than N done versions."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from goldspan.core.assign import parse_ranges, plan
from goldspan.core.errors import InputError
from goldspan.core.types import Span
from goldspan.core.queue import Queue, QueueFilter
from goldspan.core.storage import Store


def make(tmp_path: Path, n: int = 6) -> Store:
    store = Store.open(tmp_path / "team.db")
    for i in range(n):
        store.add_document(f"Article number {i + 1}.")
    return store


def test_parse_ranges() -> None:
    assert parse_ranges("1-3, 5,8-8") == [(1, 3), (5, 5), (8, 8)]
    assert parse_ranges("4-6,1-5,7") == [(1, 7)]
    assert parse_ranges("1-99999999999999999999") == [(1, 99999999999999999999)]
    with pytest.raises(InputError, match="'x' is not a document id"):
        parse_ranges("1,x")
    with pytest.raises(InputError, match="backwards"):
        parse_ranges("5-2")


def test_plan_round_robin_with_overlap() -> None:
    dealt = plan([1, 2, 3, 4, 5, 6], ["a", "b", "c"], per_doc=2)
    assert dealt == {"a": [1, 2, 4, 5], "b": [1, 3, 4, 6], "c": [2, 3, 5, 6]}
    assert all(len(set(d)) == len(d) for d in dealt.values())
    with pytest.raises(InputError, match="per-doc"):
        plan([1], ["a"], per_doc=2)
    with pytest.raises(InputError, match="reserved"):
        plan([1], ["gold"])


def test_assigned_scope_limits_queue_next_and_progress(tmp_path: Path) -> None:
    store = make(tmp_path)
    store.assign("alice", [2, 4, 6])
    q = Queue(store, "alice", QueueFilter(assigned=True))
    assert q.count() == 3
    assert [r.document_id for r in q.rows(0, 10)] == [2, 4, 6]
    assert q.next_unfinished() == 2
    assert q.next_unfinished(after=2) == 4
    assert q.next_unfinished(after=6) == 2  # wraps within the scope
    assert q.neighbour(2, 1) == 4 and q.neighbour(4, -1) == 2
    store.put_version(4, "alice", "done", [])
    p = q.progress()
    assert (p.done, p.total) == (1, 3)
    assert q.row_of(6) == 2 and q.row_of(5) is None
    # the status filter narrows within the scope
    q.filter = QueueFilter(statuses=("done",), assigned=True)
    assert [r.document_id for r in q.rows(0, 10)] == [4]


def test_fewer_than_n_done_versions(tmp_path: Path) -> None:
    store = make(tmp_path, 3)
    for who in ("bob", "carol"):
        store.put_version(1, who, "done", [Span(0, 7, "X")])
    store.put_version(2, "bob", "done", [])
    store.put_version(2, "gold", "done", [])  # gold does not count
    store.put_version(3, "bob", "in_progress", [])  # not done: does not count
    q = Queue(store, "alice", QueueFilter(fewer_done_than=2))
    assert [r.document_id for r in q.rows(0, 10)] == [2, 3]
    q = Queue(store, "bob", QueueFilter(fewer_done_than=2))
    # bob's own done version does not take an article out of his queue
    assert [r.document_id for r in q.rows(0, 10)] == [1, 2, 3]


def test_assign_command(tmp_path: Path) -> None:
    from goldspan.cli import main as cli_main

    store = make(tmp_path)
    db = store.path
    cli_main._register()
    r = CliRunner().invoke(cli_main.app, ["assign", "alice", "bob", "--per-doc", "2",
                                          "--docs", "1-4", "--db", str(db)])
    assert r.exit_code == 0, r.output
    assert "alice: 4 new, 4 assigned in all" in r.output
    assert store.assignment_counts() == {"alice": 4, "bob": 4}
    r = CliRunner().invoke(cli_main.app, ["assign", "carol", "--docs", "1,99", "--db", str(db)])
    assert r.exit_code != 0 and "no document with id 99" in r.output
    assert "carol" not in store.assignment_counts()
    r = CliRunner().invoke(cli_main.app, ["assign", "bob", "--remove", "--docs", "1-2", "--db", str(db)])
    assert r.exit_code == 0 and store.assignment_counts()["bob"] == 2


def test_queue_scope_in_the_window(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from goldspan.gui.main_window import MainWindow

    store = make(tmp_path)
    store.assign("alice", [3, 5])
    w = MainWindow(store, "alice", suggest=False)
    qtbot.addWidget(w)
    w.open_first()
    assert w.session.doc_id == 1
    w.assigned_box.setChecked(True)
    assert w.queue_model.rowCount() == 2
    assert w.progress_label.text().startswith("Done 0 of 2")
    w.open_first()
    assert w.session.doc_id == 3
    w.finish("done")
    assert w.session.doc_id == 5  # Enter moves on within the assigned articles
    w.assigned_box.setChecked(False)
    assert w.queue_model.rowCount() == 6
    w.fewer_box.setValue(1)
    assert w.queue_model.rowCount() == 6  # alice's own done version keeps doc 3 in her queue
    w.close()


def test_merge_unites_assignments(tmp_path: Path) -> None:
    from goldspan.core.merge import merge_files

    a = Store.open(tmp_path / "a.db")
    a.add_document("Shared article.")
    a.assign("alice", [1])
    b = Store.open(tmp_path / "b.db")
    b.add_document("Only in b.")
    b.add_document("Shared article.")
    b.assign("bob", [1, 2])
    a.close()
    b.close()
    merge_files(tmp_path / "team.db", [tmp_path / "a.db", tmp_path / "b.db"])
    team = Store.open(tmp_path / "team.db")
    rows = team.conn.execute(
        "SELECT d.text, g.annotator FROM assignments g JOIN documents d ON d.id = g.document_id "
        "ORDER BY d.text, g.annotator").fetchall()
    assert rows == [("Only in b.", "bob"), ("Shared article.", "alice"), ("Shared article.", "bob")]


HUGE = ["1-99999999999999999999", "1-300000000", "3-5,99999999999999999999"]


@pytest.mark.parametrize("spec", HUGE)
def test_huge_ranges_are_checked_against_the_documents(tmp_path: Path, spec: str) -> None:
    """``--docs 1-99999999999999999999`` grew to 17 GB in a minute (the range was
    expanded into a set of ids). A real process with 1 GB of address space: one line
    naming the ids that do not exist, at once, and nothing assigned."""
    import resource
    import subprocess
    import sys
    import time

    store = make(tmp_path)
    store.close()
    db = tmp_path / "team.db"

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))

    start = time.monotonic()
    p = subprocess.run([str(Path(sys.executable).with_name("goldspan")), "assign", "bob",
                        "--docs", spec, "--db", str(db)], capture_output=True, text=True,
                       timeout=60, preexec_fn=limit)
    assert time.monotonic() - start < 20
    assert p.returncode == 2, p.stderr
    missing = {"1-99999999999999999999": "documents with ids 7-99999999999999999999",
               "1-300000000": "documents with ids 7-300000000",
               "3-5,99999999999999999999": "document with id 99999999999999999999"}[spec]
    assert p.stderr.splitlines() == [
        f"goldspan: [E100] --docs: no {missing}; the database has 6 documents "
        "(ids 1-6)"]
    with Store.open(db) as s:
        assert s.assignment_counts() == {}


def test_ranges_with_gaps_name_the_gaps(tmp_path: Path) -> None:
    from goldspan.core.assign import document_ids

    store = make(tmp_path, 8)
    store.conn.execute("DELETE FROM documents WHERE id IN (3, 4, 6)")
    assert document_ids(store, "1-2,5,7-8") == [1, 2, 5, 7, 8]
    with pytest.raises(InputError, match=r"no documents with ids 3-4, 6; the database has 5 "
                                         r"documents \(ids 1-8\)"):
        document_ids(store, "1-8")
    store.close()
