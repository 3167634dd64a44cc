"""Every refusal of bad input: one line naming file, line and reason, a non-zero exit,
no traceback, and the database exactly as it was (file checksum and row counts)."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_formats_support import PRODIGY, db_state, run

from goldspan.core.storage import Store

GOOD = '{"text": "Alice met Bob in Paris.", "spans": [{"start": 0, "end": 5, "label": "PERSON"}], "answer": "accept"}'


def _file(tmp_path: Path, name: str, content: bytes) -> Path:
    p = tmp_path / name
    p.write_bytes(content)
    return p


CASES = [
    ("bad.jsonl", (GOOD + "\n" + GOOD.replace("Alice", "Carol") + "\n" + '{"text": "x", }\n').encode(),
     "bad.jsonl, line 3: invalid JSON"),
    ("past.jsonl", (GOOD + "\n" + '{"text": "Short.", "spans": [{"start": 2, "end": 40, "label": "PERSON"}], "answer": "accept"}\n').encode(),
     "past.jsonl, line 2: span 2-40 (PERSON) ends past the end of the text (6 characters)"),
    ("order.jsonl", b'{"text": "Some text.", "spans": [{"start": 4, "end": 4, "label": "PERSON"}], "answer": "accept"}\n',
     "order.jsonl, line 1: span 4-4 (PERSON): start >= end"),
    ("overlap.jsonl", (GOOD + "\n" + '{"text": "New York City", "spans": [{"start": 0, "end": 8, "label": "GPE"}, {"start": 4, "end": 13, "label": "GPE"}], "answer": "accept"}\n').encode(),
     "overlap.jsonl, line 2: overlapping spans 0-8 (GPE) and 4-13 (GPE) in one record"),
    ("utf8.jsonl", (GOOD + "\n").encode() + b'{"text": "caf\xe9"}\n',
     f"utf8.jsonl, line 2, offset {len(GOOD) + 1 + 13}: not valid UTF-8 (byte 0xe9)"),
    ("empty.jsonl", b"\n  \n", "empty.jsonl, line 1: empty file"),
    ("empty.txt", b"", "empty.txt, line 1: empty file"),
    ("nokey.jsonl", b'{"txt": "typo"}\n', "nokey.jsonl, line 1: record has no 'text' key"),
    ("type.jsonl", b'{"text": ["a"]}\n', "type.jsonl, line 1: record key 'text' should be str, not list"),
    ("spantype.jsonl", b'{"text": "abc", "spans": [{"start": "0", "end": 1, "label": "X"}], "answer": "accept"}\n',
     "spantype.jsonl, line 1: span key 'start' should be int, not str"),
    ("answer.jsonl", b'{"text": "abc", "answer": "maybe"}\n',
     "answer.jsonl, line 1: unknown answer 'maybe'"),
    ("gold.jsonl", (GOOD + "\n" + '{"text": "abc", "answer": "accept", "_annotator_id": "gold"}\n').encode(),
     "gold.jsonl, line 2: 'gold' is reserved for adjudication"),
    ("cols.conll", b"EU B-ORG\nrejects\n", "cols.conll, line 2: expected a token and a tag"),
    ("tag.conll", b"EU B-\n", "tag.conll, line 1: unreadable tag 'B-'"),
    ("doccano.jsonl", b'{"text": "abc", "label": [[0, 9, "X"]]}\n',
     "doccano.jsonl, line 1: span 0-9 (X) ends past the end of the text"),
]


@pytest.fixture
def db(tmp_path: Path) -> Path:
    """A database with real content, so "unchanged" means something."""
    path = tmp_path / "g.db"
    assert run("import", PRODIGY, "--db", path).exit_code == 0
    return path


@pytest.mark.parametrize("name,content,message", CASES, ids=[c[0] for c in CASES])
def test_refusal(tmp_path: Path, db: Path, name: str, content: bytes, message: str) -> None:
    src = _file(tmp_path, name, content)
    before = db_state(db)
    res = run("import", src, "--db", db)
    assert res.exit_code != 0
    lines = res.output.strip().splitlines()
    assert len(lines) == 1, res.output
    assert lines[0].startswith("goldspan: [E1")
    assert str(tmp_path / message.split(",")[0]) in lines[0]
    assert message in lines[0], lines[0]
    assert "Traceback" not in res.output
    assert isinstance(res.exception, SystemExit)  # typer.Exit, not an uncaught error
    assert db_state(db) == before


def test_unknown_label_refused_when_locked(tmp_path: Path, db: Path) -> None:
    src = _file(tmp_path, "new.jsonl", (GOOD + "\n" + GOOD.replace("PERSON", "WEAPON")
                                       .replace("Alice", "Zed") + "\n").encode())
    before = db_state(db)
    res = run("import", src, "--db", db, "--lock-labels")
    assert res.exit_code != 0
    assert "new.jsonl, line 2: unknown label 'WEAPON': the label set is locked" in res.output
    assert db_state(db) == before
    # locked in the database's settings, without the flag
    with Store.open(db) as store:
        store.set_setting("labels_locked", True)
    before = db_state(db)
    res = run("import", src, "--db", db)
    assert res.exit_code != 0 and "unknown label 'WEAPON'" in res.output
    assert db_state(db) == before


def test_gold_annotator_option_refused(tmp_path: Path, db: Path) -> None:
    src = _file(tmp_path, "ok.jsonl", (GOOD + "\n").encode())
    before = db_state(db)
    res = run("import", src, "--db", db, "--annotator", "gold")
    assert res.exit_code != 0 and "'gold' is reserved" in res.output
    assert db_state(db) == before


def test_all_or_nothing_per_file_with_earlier_files_named(tmp_path: Path, db: Path) -> None:
    ok = _file(tmp_path, "a_ok.jsonl", (GOOD.replace("Alice", "Eve") + "\n").encode())
    bad = _file(tmp_path, "b_bad.jsonl", (GOOD.replace("Alice", "Fay") + "\n{oops\n").encode())
    res = run("import", ok, bad, "--db", db)
    assert res.exit_code != 0
    assert "b_bad.jsonl, line 2: invalid JSON" in res.output
    assert "1 earlier file was imported" in res.output
    with Store.open(db) as store:
        texts = {store.document(i).text for i in store.document_ids()}
    assert "Eve met Bob in Paris." in texts and "Fay met Bob in Paris." not in texts


def test_missing_path_and_unknown_format(tmp_path: Path, db: Path) -> None:
    res = run("import", tmp_path / "nope.jsonl", "--db", db)
    assert res.exit_code != 0 and "nope.jsonl: no such file or folder" in res.output
    src = _file(tmp_path, "x.jsonl", (GOOD + "\n").encode())
    res = run("import", src, "--db", db, "--format", "xml")
    assert res.exit_code != 0 and "unknown format 'xml'" in res.output


def test_export_refusals_leave_no_file(tmp_path: Path, db: Path) -> None:
    out = tmp_path / "o.jsonl"
    res = run("export", "--db", db, "--format", "prodigy", "--out", out, "--split", "1.5")
    assert res.exit_code != 0 and "--split 1.5 should be between 0 and 1" in res.output
    res = run("export", "--db", tmp_path / "none.db", "--format", "prodigy", "--out", out)
    assert res.exit_code != 0 and "no such database" in res.output
    res = run("export", "--db", db, "--format", "prodigy", "--out", out, "--config",
              tmp_path / "c.cfg")
    assert res.exit_code != 0 and "--config goes with --format spacy" in res.output
    assert not out.exists() and not (tmp_path / "none.db").exists()
    assert list(tmp_path.glob(".*partial*")) == []
