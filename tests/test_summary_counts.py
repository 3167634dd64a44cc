"""Every number a summary line prints is what the database holds (found red-teaming
issue 11, family "summaries"). Real CLI, real files.

Before: a later record of the same document and model replaces the earlier run
(``put_suggestions``), yet the import counted both: a Prodigy task stream repeating a
text, or a Label Studio task with two predictions of one ``model_version``, said
"3 suggestions" with 1 stored.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from test_formats_support import run, write_jsonl

from goldspan.core.storage import Store
from goldspan.core.types import Span

TEXT = "Alice met Bob in Paris."
ALICE = {"start": 0, "end": 5, "label": "PERSON"}
BOB = {"start": 10, "end": 13, "label": "PERSON"}
PARIS = {"start": 17, "end": 22, "label": "GPE"}


def stored_suggestions(db: Path) -> int:
    with Store.open(db, readonly=True) as s:
        return s.conn.execute("SELECT count(*) FROM suggestions").fetchone()[0]


def said(output: str, what: str) -> int:
    m = re.search(rf"(\d+) {what}", output)
    assert m is not None, output
    return int(m.group(1))


def test_a_task_repeated_in_one_file_is_counted_as_stored(tmp_path: Path) -> None:
    src = write_jsonl(tmp_path / "tasks.jsonl", [{"text": TEXT, "spans": [ALICE, BOB]},
                                                 {"text": TEXT, "spans": [PARIS]}])
    db = tmp_path / "t.db"
    res = run("import", src, "--db", db)
    assert res.exit_code == 0, res.output
    assert said(res.stdout, "suggestions") == stored_suggestions(db) == 1
    assert "2 suggestions replaced by a later record" in res.stderr


def test_two_predictions_of_one_model_version_are_counted_as_stored(tmp_path: Path) -> None:
    def pred(span: dict) -> dict:
        return {"model_version": "m1", "result": [
            {"type": "labels", "value": {"start": span["start"], "end": span["end"],
                                         "labels": [span["label"]]}}]}

    src = tmp_path / "ls.json"
    src.write_text(json.dumps([{"data": {"text": TEXT}, "predictions": [pred(ALICE), pred(BOB)]}]))
    db = tmp_path / "t.db"
    res = run("import", src, "--db", db)
    assert res.exit_code == 0, res.output
    assert said(res.stdout, "suggestions") == stored_suggestions(db) == 1


def test_the_total_over_files_counts_a_replaced_run_once(tmp_path: Path) -> None:
    first = write_jsonl(tmp_path / "a.jsonl", [{"text": TEXT, "spans": [ALICE, BOB]}])
    second = write_jsonl(tmp_path / "b.jsonl", [{"text": TEXT, "spans": [PARIS]},
                                                {"text": "Another text.", "spans": []}])
    db = tmp_path / "t.db"
    res = run("import", first, second, "--db", db)
    assert res.exit_code == 0, res.output
    assert said(res.stdout, "suggestions") == stored_suggestions(db) == 1
    assert "b.jsonl: 2 suggestions that an earlier file of this import stored" in res.stderr


def test_a_failing_later_file_does_not_uncount_what_it_would_have_replaced(
        tmp_path: Path) -> None:
    """The later file is rolled back, so the earlier file's run stays and is counted
    in the line that says what was kept."""
    first = write_jsonl(tmp_path / "a.jsonl", [{"text": TEXT, "spans": [ALICE, BOB]}])
    second = write_jsonl(tmp_path / "b.jsonl", [{"text": TEXT, "spans": [PARIS]},
                                                {"text": "broken", "spans": [{"start": 3}]}])
    db = tmp_path / "t.db"
    assert run("import", first, "--db", db).exit_code == 0
    res = run("import", second, "--db", db)
    assert res.exit_code == 2
    assert stored_suggestions(db) == 2


# ------------------------------------------------------------------ export
def _two_versions(tmp_path: Path) -> Path:
    db = tmp_path / "v.db"
    with Store.open(db) as s:
        s.add_document(TEXT)
        s.add_document("Another text, done by one annotator.")
        s.put_version(1, "alice", "done", [Span(0, 5, "PERSON")])
        s.put_version(1, "b/ob", "done", [Span(17, 22, "GPE")])
        s.put_version(2, "alice", "done", [])
        s.add_labels(["PERSON", "GPE"])
    return db


@pytest.mark.parametrize("fmt", ["brat", "txt"])
def test_all_versions_to_a_folder_writes_every_version(fmt: str, tmp_path: Path) -> None:
    """Two versions of document 1 were both written to 000001.txt/.ann, the second
    replacing the first, while the line said "exported 3 documents"."""
    db = _two_versions(tmp_path)
    out = tmp_path / "out"
    res = run("export", "--db", db, "--format", fmt, "--out", out, "--all-versions")
    assert res.exit_code == 0, res.output
    assert "exported 3 versions of 2 documents" in res.stdout
    files = sorted(p.name for p in out.iterdir() if p.suffix == ".txt")
    assert files == ["000001.alice.txt", "000001.b%2Fob.txt", "000002.alice.txt"]
    if fmt == "brat":
        assert (out / "000001.alice.ann").read_text().startswith("T1\tPERSON 0 5\tAlice")
        assert (out / "000001.b%2Fob.ann").read_text().startswith("T1\tGPE 17 22\tParis")


@pytest.mark.parametrize("fmt", ["brat", "txt"])
def test_every_legal_annotator_name_gets_a_file_of_its_own_on_any_file_system(
        fmt: str, tmp_path: Path) -> None:
    """Found red-teaming issue 11: a legal annotator name of 200 "é" (1,200 bytes
    encoded) stopped the export with "File name too long"; ``alice`` and ``ALICE`` were
    written to two names that are one file on macOS's and Windows' usual file systems
    (the second replacing the first). Every version now has a file name of at most 200
    bytes, unique whatever the case; what is in the files is unchanged."""
    db = tmp_path / "t.db"
    names = ["alice", "ALICE", "Alice", "é" * 200, "é" * 199 + "e", "x" * 200]
    with Store.open(db) as s:
        s.add_document("Paris is nice.")
        s.add_labels(["GPE"])
        for who in names:
            s.put_version(1, who, "done", [Span(0, 5, "GPE")])
    out = tmp_path / "out"
    res = run("export", "--db", db, "--format", fmt, "--out", out, "--all-versions")
    assert res.exit_code == 0, res.output
    assert f"exported {len(names)} versions of 1 documents" in res.stdout
    stems = [p.stem for p in out.iterdir() if p.suffix == ".txt"]
    assert len(stems) == len(names)
    assert len({stem.casefold() for stem in stems}) == len(names)  # one file each
    assert max(len(p.name.encode()) for p in out.iterdir()) <= 204
    assert "000001.ALICE" in stems  # the first in annotator order keeps its plain name
    if fmt == "brat":
        assert all((out / f"{stem}.ann").read_text().startswith("T1\tGPE 0 5\tParis")
                   for stem in stems)


def test_one_version_per_document_keeps_the_plain_names(tmp_path: Path) -> None:
    db = _two_versions(tmp_path)
    res = run("export", "--db", db, "--format", "txt", "--out", tmp_path / "o",
              "--annotator", "alice")
    assert res.exit_code == 0 and "exported 2 documents" in res.stdout, res.output
    assert sorted(p.name for p in (tmp_path / "o").iterdir()
                  if p.suffix == ".txt") == ["000001.txt", "000002.txt"]


def test_a_reimport_calls_replaced_only_the_versions_it_changed(tmp_path: Path) -> None:
    """Re-importing a file said "373 versions (373 replaced)" whether or not anything
    changed, so the one version edited since (and now overwritten) could not be told
    apart; the unchanged ones were rewritten, their times too."""
    from test_formats_support import PRODIGY

    db = tmp_path / "t.db"
    assert run("import", PRODIGY, "--db", db).exit_code == 0
    with Store.open(db) as s:
        edited = s.annotation(5, "import")
        assert edited is not None
        s.put_version(5, "import", "done", [])  # edited since (all its entities removed)
        times = dict(s.conn.execute("SELECT id, updated_at FROM annotations WHERE id != ?",
                                    (edited.id,)).fetchall())
    res = run("import", PRODIGY, "--db", db)
    assert res.exit_code == 0, res.output
    assert "1 versions (1 replaced), 372 versions already there unchanged" in res.stdout
    with Store.open(db) as s:
        assert dict(s.conn.execute("SELECT id, updated_at FROM annotations WHERE id != ?",
                                   (edited.id,)).fetchall()) == times
        assert s.spans(edited.id)  # the file's version is back


def test_export_of_an_annotator_that_is_not_there_writes_nothing(tmp_path: Path) -> None:
    """``--annotator alcie`` (a typo) exported 0 documents, exit 0, and the good
    export at --out was replaced by an empty file."""
    db = _two_versions(tmp_path)
    out = tmp_path / "alice.jsonl"
    assert run("export", "--db", db, "--format", "prodigy", "--out", out,
               "--annotator", "alice").exit_code == 0
    before = out.read_bytes()
    res = run("export", "--db", db, "--format", "prodigy", "--out", out, "--annotator", "alcie")
    assert res.exit_code == 2 and "no versions by that name" in res.stderr, res.output
    assert "'alice'" in res.stderr and out.read_bytes() == before
