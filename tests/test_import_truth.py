"""Imports that say they succeeded must have stored exactly what they say (issue 11,
items 4, 6 and 10): anything after the data is refused with its line, every count in
the summary is what the database took, a format that does not fit the file is refused,
NaN never enters, bad JSON already in the database is one clear line, and a failing
or interrupted multi-file import says which files it kept. Real CLI, real files."""

from __future__ import annotations

import builtins
import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest
import spacy
import typer
from spacy.tokens import DocBin
from typer.testing import CliRunner
from test_formats_support import PRODIGY, db_state, run, write_jsonl

from goldspan.core.errors import StoreError
from goldspan.core.formats import prodigy
from goldspan.core.importer import ImportInterrupted, import_paths
from goldspan.core.types import Suggestion
from goldspan.core.storage import Store

TASK = {"data": {"text": "Alice met Bob."},
        "annotations": [{"result": [{"type": "labels",
                                     "value": {"start": 0, "end": 5, "labels": ["PERSON"]}}]}]}
ACCEPT = {"text": "Alice met Bob in Paris.", "answer": "accept", "_annotator_id": "alice",
          "spans": [{"start": 0, "end": 5, "label": "PERSON"}]}


@pytest.fixture
def db(tmp_path: Path) -> Path:
    """A database with real content, so "unchanged" means something."""
    path = tmp_path / "g.db"
    assert run("import", PRODIGY, "--db", path).exit_code == 0
    return path


def refused(res: Any, *fragments: str) -> str:
    """The one line of a refusal, checked: non-zero exit, goldspan's code, no traceback."""
    assert res.exit_code not in (0, None), res.output
    assert isinstance(res.exception, SystemExit), repr(res.exception)
    lines = res.output.strip().splitlines()
    assert len(lines) == 1, res.output
    assert lines[0].startswith("goldspan: [E"), lines[0]
    for fragment in fragments:
        assert fragment in lines[0], lines[0]
    return lines[0]


def labels_of(db: Path) -> set[str]:
    with Store.open(db) as s:
        return {lab.name for lab in s.labels()}


# ------------------------------------------------------ anything after the data
def _docbin(*texts: str) -> bytes:
    nlp = spacy.blank("en")
    out = DocBin()
    for t in texts:
        out.add(nlp(t))
    return out.to_bytes()


AFTER_THE_DATA = [
    ("two_arrays.json",
     (json.dumps([TASK]) + "\n" + json.dumps([{"data": {"text": "Carol met Dan."}}]) + "\n").encode(),
     "two_arrays.json, line 2: more data after the end of the JSON array"),
    ("array_then_text.json", (json.dumps([TASK], indent=1) + "\nthe end\n").encode(),
     "array_then_text.json, line 24: more data after the end of the JSON array"),
    ("no_comma.json", ("[" + json.dumps(TASK) + "\n" + json.dumps(TASK) + "]").encode(),
     "no_comma.json, line 2: invalid JSON: expected ',' or ']'"),
    ("trailing_comma.json", ("[" + json.dumps(TASK) + ",\n]").encode(),
     "trailing_comma.json, line 2: invalid JSON: a ',' before the array's closing ']'"),
    ("two_on_a_line.jsonl", (json.dumps(ACCEPT) + json.dumps(ACCEPT) + "\n").encode(),
     "two_on_a_line.jsonl, line 1: invalid JSON: more data after the record"),
    ("pretty.jsonl", b'{\n  "text": "Alice met Bob",\n  "label": [[0, 5, "PER"]]\n}\n} trailing\n',
     "pretty.jsonl, line 5: invalid JSON"),
    ("two.spacy", _docbin("Alice met Bob.") + _docbin("Carol met Dan."),
     "two.spacy, offset "),
]


@pytest.mark.parametrize("name,content,message", AFTER_THE_DATA,
                         ids=[c[0] for c in AFTER_THE_DATA])
def test_anything_after_the_data_is_refused(tmp_path: Path, db: Path, name: str,
                                            content: bytes, message: str) -> None:
    src = tmp_path / name
    src.write_bytes(content)
    before = db_state(db)
    refused(run("import", src, "--db", db), message)
    assert db_state(db) == before


def test_one_array_alone_still_imports(tmp_path: Path) -> None:
    src = tmp_path / "one.json"
    src.write_text(json.dumps([TASK, {"data": {"text": "Carol met Dan."}}], indent=2) + "\n\n")
    res = run("import", src, "--db", tmp_path / "g.db")
    assert res.exit_code == 0, res.output
    assert "2 new documents" in res.output


# ------------------------------------------- spans that vanish with the \r of \r\n
CR_CASES = [
    ("task.jsonl", {"text": "a\r\nb c", "spans": [{"start": 1, "end": 2, "label": "X"}]}),
    ("accept.jsonl", {"text": "a\r\nb c", "answer": "accept",
                      "spans": [{"start": 1, "end": 2, "label": "X"}]}),
    ("doccano.jsonl", {"text": "a\r\nb c", "label": [[1, 2, "X"]]}),
    ("ls.json", [{"data": {"text": "a\r\nb c"}, "predictions": [
        {"result": [{"type": "labels", "value": {"start": 1, "end": 2, "labels": ["X"]}}]}]}]),
]


@pytest.mark.parametrize("name,record", CR_CASES, ids=[c[0] for c in CR_CASES])
def test_a_span_on_only_the_cr_of_crlf_is_refused_not_counted(tmp_path: Path, db: Path,
                                                               name: str, record: Any) -> None:
    src = tmp_path / name
    src.write_text(json.dumps(record) + "\n", encoding="utf-8")
    before = db_state(db)
    # the file's own offsets (1-2), never the normalised ones (1-1)
    refused(run("import", src, "--db", db), f"{name}, line 1: span 1-2 (X) holds only the \\r")
    assert db_state(db) == before


def test_a_crlf_refusal_quotes_the_files_offsets(tmp_path: Path, db: Path) -> None:
    text = "One.\r\nTwo.\r\nNew York City"
    start = text.index("New")
    rec = {"text": text, "answer": "accept", "spans": [
        {"start": start, "end": start + 8, "label": "GPE"},
        {"start": start + 4, "end": start + 13, "label": "GPE"}]}
    src = write_jsonl(tmp_path / "crlf.jsonl", [rec])
    refused(run("import", src, "--db", db),
            f"overlapping spans {start}-{start + 8} (GPE) and {start + 4}-{start + 13} (GPE)")


def test_every_count_in_the_summary_was_stored(tmp_path: Path) -> None:
    """A task repeating a suggestion: the summary counts the one row stored."""
    rec = {"text": "Alice met Bob.", "spans": [
        {"start": 0, "end": 5, "label": "PERSON"}, {"start": 0, "end": 5, "label": "PERSON"},
        {"start": 10, "end": 13, "label": "PERSON"}]}
    src = write_jsonl(tmp_path / "t.jsonl", [rec])
    db = tmp_path / "g.db"
    res = run("import", src, "--db", db)
    assert res.exit_code == 0, res.output
    with Store.open(db) as s:
        stored = s.conn.execute("SELECT count(*) FROM suggestions").fetchone()[0]
    assert stored == 2
    assert "2 suggestions" in res.output and "3 suggestions" not in res.output


def test_put_suggestions_never_swallows_a_refused_row() -> None:
    store = Store.memory()
    doc, _ = store.add_document("abc")
    with pytest.raises(StoreError, match="1-1"):
        store.put_suggestions(doc, "m", [Suggestion(0, 1, "X"), Suggestion(1, 1, "X")])
    assert store.suggestions(doc, "m") == []  # nothing of the run was kept
    assert store.put_suggestions(doc, "m", [Suggestion(0, 1, "X"), Suggestion(0, 1, "X")]) == 1


# -------------------------------------------------- a format that does not fit
def test_conll_on_a_prodigy_file_is_refused_and_invents_no_label(tmp_path: Path, db: Path) -> None:
    src = write_jsonl(tmp_path / "p.jsonl", [{"text": "Hi alice", "spans": [],
                                             "_annotator_id": "alice", "answer": "accept"}])
    before = db_state(db)
    refused(run("import", src, "--format", "conll", "--db", db),
            "p.jsonl, line 1: unreadable tag '\"accept\"}'", "--format prodigy")
    assert db_state(db) == before
    assert not any('"' in name for name in labels_of(db))


def _files(tmp_path: Path) -> dict[str, Path]:
    out = {"prodigy": write_jsonl(tmp_path / "p.jsonl", [ACCEPT]),
           "doccano": write_jsonl(tmp_path / "d.jsonl",
                                  [{"text": "Alice met Bob", "label": [[0, 5, "PER"]]}])}
    out["labelstudio"] = tmp_path / "ls.json"
    out["labelstudio"].write_text(json.dumps([TASK]))
    out["conll"] = tmp_path / "c.conll"
    out["conll"].write_text("EU B-ORG\nrejects O\nGerman B-MISC\n")
    out["spacy"] = tmp_path / "s.spacy"
    out["spacy"].write_bytes(_docbin("Alice met Bob."))
    out["prose"] = tmp_path / "prose.txt"
    out["prose"].write_text("The cat sat on the mat\nIt was a sunny day in Paris\n")
    return out


MISMATCHES = [
    ("doccano", "conll", "c.conll, line 1: invalid JSON"),
    ("prodigy", "labelstudio", "ls.json, line 1: a JSON array where a record should be"),
    ("txt", "spacy", "s.spacy, offset 1: not valid UTF-8"),
    ("txt", "prodigy", "p.jsonl, line 1: the file holds JSON records, not article text"),
    ("doccano", "prodigy", "p.jsonl, line 1: the record has Prodigy's 'spans' or 'answer'"),
    ("prodigy", "doccano", "d.jsonl, line 1: the record has doccano's 'label'"),
    ("labelstudio", "prodigy", "p.jsonl, line 1: the record has Prodigy's"),
    ("conll", "labelstudio", "ls.json, line 1: unreadable tag"),
    ("conll", "prose", "prose.txt, line 2: 7 columns where line 1 has 6"),
    ("spacy", "prodigy", "p.jsonl: not a spaCy DocBin"),
]


@pytest.mark.parametrize("forced,kind,message", MISMATCHES,
                         ids=[f"{m[0]}-on-{m[1]}" for m in MISMATCHES])
def test_a_forced_format_that_does_not_fit_is_refused(tmp_path: Path, db: Path, forced: str,
                                                      kind: str, message: str) -> None:
    src = _files(tmp_path)[kind]
    before = db_state(db)
    line = refused(run("import", src, "--format", forced, "--db", db), message)
    assert "--format" in line  # the refusal says which format to use instead
    assert db_state(db) == before


# ------------------------------------------------------ NaN never enters
@pytest.mark.parametrize("name,content,message", [
    ("meta.jsonl", '{"text": "NaN here", "meta": {"x": NaN}}\n', "meta.jsonl, line 1: invalid JSON: NaN"),
    ("score.json", '[{"data": {"text": "Alice met Bob."}, "predictions": [{"result": [{"type": '
                   '"labels", "score": Infinity, "value": {"start": 0, "end": 5, "labels": '
                   '["PERSON"]}}]}]}]', "score.json, line 1: invalid JSON: Infinity"),
    ("neg.jsonl", '{"text": "abc", "meta": {"y": -Infinity}}\n', "invalid JSON: -Infinity"),
])
def test_nan_and_infinity_are_refused_with_the_line(tmp_path: Path, db: Path, name: str,
                                                     content: str, message: str) -> None:
    src = tmp_path / name
    src.write_text(content)
    before = db_state(db)
    refused(run("import", src, "--db", db), message, "write null")
    assert db_state(db) == before


# ------------------------------------------- bad JSON already in the database
def _poke(db: Path, sql: str) -> None:
    conn = sqlite3.connect(db)
    conn.execute(sql)
    conn.commit()
    conn.close()


BAD_JSON = [
    ("UPDATE documents SET meta = '{not json' WHERE id = 2", "documents row 2: meta is not valid JSON"),
    ("UPDATE documents SET meta = '[1, 2]' WHERE id = 2", "documents row 2: meta should be a JSON object"),
    ("UPDATE documents SET meta = '{\"x\": NaN}' WHERE id = 2", "documents row 2: meta is not valid JSON"),
    ("INSERT INTO settings VALUES ('labels_locked', 'yes')", "settings row 'labels_locked': value is not valid JSON"),
    ("INSERT INTO settings VALUES ('labels_locked', '\"no\"')", "settings row 'labels_locked': value should be true or false"),
]


@pytest.mark.parametrize("sql,message", BAD_JSON, ids=[m.split(":")[1][:30] for _, m in BAD_JSON])
def test_bad_json_in_the_database_is_one_line(tmp_path: Path, db: Path, sql: str,
                                              message: str) -> None:
    """A command that needs the damaged cell refuses in one line naming the table, the
    row and what to do; one that does not need it (stats) is not stopped by it."""
    _poke(db, sql)
    again = tmp_path / "again.jsonl"  # the text of document 2 once more: its meta is merged
    with Store.open(db) as s:
        again.write_text(json.dumps({"text": s.conn.execute(
            "SELECT text FROM documents WHERE id = 2").fetchone()[0], "meta": {"new": 1}}) + "\n")
    out = tmp_path / "out.jsonl"
    in_meta = "meta" in sql
    res = run("export", "--format", "prodigy", "--out", out, "--db", db)
    if in_meta:
        refused(res, message, "restore a backup")
        assert not out.exists()
    else:
        assert res.exit_code == 0, res.output  # the export reads no setting
    refused(run("import", again, "--db", db), message, "restore a backup")
    stats = CliRunner().invoke(stats_cmd_app(), ["stats", "--db", str(db)])
    assert stats.exit_code == 0, stats.output
    assert "documents: 373" in stats.output


def stats_cmd_app() -> typer.Typer:
    from goldspan.cli import stats

    app = typer.Typer()
    stats.register(app)
    app.command("noop")(lambda: None)  # more than one command: typer keeps the name
    return app


def test_store_refuses_to_write_nan_as_json(tmp_path: Path) -> None:
    with Store.open(tmp_path / "g.db") as s:
        with pytest.raises(StoreError, match="NaN and Infinity are not JSON"):
            s.add_document("text", meta={"x": float("nan")})
        with pytest.raises(StoreError, match="NaN and Infinity are not JSON"):
            s.set_setting("k", float("inf"))
        assert s.document_count() == 0


# ------------------------------------------------ multi-file imports that fail
def test_an_unreadable_file_says_its_reason_code_and_what_was_kept(
        tmp_path: Path, db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    a = write_jsonl(tmp_path / "a.jsonl", [dict(ACCEPT, text="Eve met Bob.")])
    b = write_jsonl(tmp_path / "b.jsonl", [dict(ACCEPT, text="Fay met Bob.")])
    real_open = builtins.open

    def deny(file: Any, *args: Any, **kwargs: Any) -> Any:
        if str(file) == str(b):  # as a chmod 000 does for anyone but root
            raise PermissionError(13, "Permission denied", str(file))
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", deny)
    line = refused(run("import", a, b, "--db", db),
                   f"[E100] {b}: cannot read the file: permission denied (EACCES)",
                   f"1 earlier file was imported and kept: {a}")
    assert ".partial" not in line
    monkeypatch.undo()
    with Store.open(db) as s:
        texts = {s.document(i).text for i in s.document_ids()}
    assert "Eve met Bob." in texts and "Fay met Bob." not in texts


def test_a_file_that_vanishes_mid_import_is_named_with_what_was_kept(tmp_path: Path) -> None:
    a = write_jsonl(tmp_path / "a.jsonl", [dict(ACCEPT, text="Eve met Bob.")])
    b = write_jsonl(tmp_path / "b.jsonl", [dict(ACCEPT, text="Fay met Bob.")])

    def progress(path: Path, n: int) -> None:
        if path == a:
            b.unlink(missing_ok=True)  # another process moves it away meanwhile

    with Store.open(tmp_path / "g.db") as store:
        with pytest.raises(Exception) as caught:
            import_paths(store, [a, b], progress=progress)
        assert store.document_count() == 1
    message = str(caught.value)
    assert message.startswith(f"[E100] {b}: cannot read the file: no such file or directory (ENOENT)")
    assert f"1 earlier file was imported and kept: {a}" in message


def test_ctrl_c_says_precisely_what_was_kept(tmp_path: Path, db: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    a = write_jsonl(tmp_path / "a.jsonl", [dict(ACCEPT, text="Eve met Bob.")])
    b = write_jsonl(tmp_path / "b.jsonl", [dict(ACCEPT, text="Fay met Bob."),
                                           dict(ACCEPT, text="STOP")])
    real_parse = prodigy.parse

    def parse(obj: Any, path: Path, line: int) -> Any:
        if obj.get("text") == "STOP":
            raise KeyboardInterrupt  # the user presses Ctrl-C half-way through b.jsonl
        return real_parse(obj, path, line)

    monkeypatch.setattr(prodigy, "parse", parse)
    res = run("import", a, b, "--db", db)
    assert res.exit_code == 130
    line = res.output.strip().splitlines()[-1]
    assert line == (f"goldspan: [E150] {b}: interrupted: nothing of this file was imported; "
                    f"1 earlier file was imported and kept: {a}")
    with Store.open(db) as s:
        texts = {s.document(i).text for i in s.document_ids()}
    assert "Eve met Bob." in texts and "Fay met Bob." not in texts


def test_ctrl_c_on_the_first_file_says_nothing_was_kept(tmp_path: Path) -> None:
    a = write_jsonl(tmp_path / "a.jsonl", [dict(ACCEPT, text="Eve met Bob.")])

    def progress(path: Path, n: int) -> None:
        raise KeyboardInterrupt

    with Store.open(tmp_path / "g.db") as store:
        with pytest.raises(ImportInterrupted, match="no earlier file was imported"):
            import_paths(store, [a], progress=progress)
        assert store.document_count() == 0


def test_many_earlier_files_are_named_first_and_last(tmp_path: Path) -> None:
    files = [write_jsonl(tmp_path / f"f{i}.jsonl", [dict(ACCEPT, text=f"Doc {i}.")])
             for i in range(6)]
    bad = tmp_path / "z.jsonl"
    bad.write_text("{oops\n")
    res = run("import", *files, bad, "--db", tmp_path / "g.db")
    refused(res, "6 earlier files were imported and kept: "
                 f"{files[0]}, {files[1]}, {files[2]}, ... {files[5]}")


def test_merge_refuses_a_source_with_bad_json_in_one_line(tmp_path: Path, db: Path) -> None:
    """Merging is an entry too: a source file's damaged meta cell is not copied in."""
    from goldspan.cli import merge

    source = tmp_path / "analyst.db"
    with Store.open(source) as s:
        s.add_document("Only in the analyst's file.")
    _poke(source, "UPDATE documents SET meta = '{not json' WHERE id = 1")
    app = typer.Typer()
    merge.register(app)
    app.command("noop")(lambda: None)
    before = db_state(db)
    res = CliRunner().invoke(app, ["merge", str(source), "--db", str(db)])
    refused(res, f"{source}: documents row 1: meta is not valid JSON")
    assert db_state(db) == before


# ------------------------------------------------------ a database given to import
@pytest.mark.parametrize("forced", ["auto", "txt", "conll", "prodigy"])
def test_a_database_given_to_import_is_refused_pointing_to_merge(
        tmp_path: Path, db: Path, forced: str) -> None:
    """Found red-teaming issue 11: ``goldspan import analyst.db`` said "cannot tell the
    format from the extension '.db'; pass --format", which sent the user to force a
    format; with one, an SQLite file whose first pages happen to be valid UTF-8 (a
    small database; here one made so) was stored as an article's text."""
    analyst = tmp_path / "analyst.db"
    with Store.open(analyst) as s:
        s.add_document("Alice met Bob.")
    utf8_lookalike = tmp_path / "notes.txt"  # SQLite's magic, then valid UTF-8
    utf8_lookalike.write_bytes(b"SQLite format 3\x00" + b"\x10\x00\x01\x01" + b"a" * 200)
    before = db_state(db)
    for path in (analyst, utf8_lookalike):
        args = [path, "--db", db] + ([] if forced == "auto" else ["--format", forced])
        refused(run("import", *args), "an SQLite database", "goldspan merge")
    assert db_state(db) == before
