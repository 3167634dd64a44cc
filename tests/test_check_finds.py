"""``goldspan check`` finds what a hand edit or a broken tool leaves behind (issue 11,
items 6 and 11), naming table and row; ``export`` refuses to write such spans; a
writing command refuses a file whose schema is not goldspan's, ``backup`` copies it
but says so. Real files damaged with plain sqlite3, as another tool would."""

from __future__ import annotations

import hashlib
import sqlite3
import sys
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from goldspan.core.types import Span, Suggestion
from goldspan.core.storage import Store
from goldspan.core.storage.integrity import MAX_FINDINGS_PER_CHECK

TEXT = "Mark Esper met Moroccan officials in Rabat on Friday."


def app() -> typer.Typer:
    from goldspan.cli import main

    if not main.app.registered_commands:
        main._register()
    return main.app


def run(*args: object):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(app(), [str(a) for a in args])


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "g.db"
    with Store.open(path) as s:
        s.add_document(TEXT)
        s.add_document("Angela Merkel visited Paris.")
        s.put_suggestions(1, "m@1", [Suggestion(0, 10, "PERSON")])
        s.put_version(1, "alice", "done", [Span(0, 10, "PERSON"), Span(37, 42, "GPE")])
        s.add_labels(["PERSON", "GPE"])
        s.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return path


def damage(db: Path, *sql: str, ignore_checks: bool = False) -> None:
    conn = sqlite3.connect(db, isolation_level=None)
    if ignore_checks:
        conn.execute("PRAGMA ignore_check_constraints = 1")
    for stmt in sql:
        conn.execute(stmt)
    conn.close()


def check(db: Path) -> tuple[int, list[str], str]:
    r = run("check", "--db", db)
    assert "Traceback" not in r.output
    assert r.exception is None or isinstance(r.exception, SystemExit), repr(r.exception)
    return r.exit_code, r.stderr.strip().splitlines(), r.stdout


def test_a_clean_file_is_ok(db: Path) -> None:
    code, problems, out = check(db)
    assert (code, problems) == (0, [])
    assert "ok (2 documents)" in out and "note" not in out


# ------------------------------------------------------------ schema objects
@pytest.mark.parametrize("drop, expected", [
    ("DROP TRIGGER spans_no_overlap_insert", "trigger spans_no_overlap_insert is missing"),
    ("DROP TRIGGER spans_no_overlap_update", "trigger spans_no_overlap_update is missing"),
    ("DROP INDEX spans_annotation_start", "index spans_annotation_start is missing"),
    ("DROP INDEX assignments_annotator", "index assignments_annotator is missing"),
])
def test_dropped_triggers_and_indexes_are_found(db: Path, drop: str, expected: str) -> None:
    damage(db, drop)
    code, problems, _ = check(db)
    assert code == 1
    assert problems == [f"goldspan: {db}: {expected}"]


def test_a_changed_trigger_is_found(db: Path) -> None:
    damage(db, "DROP TRIGGER spans_no_overlap_insert",
           "CREATE TRIGGER spans_no_overlap_insert BEFORE INSERT ON spans BEGIN SELECT 1; END")
    code, problems, _ = check(db)
    assert code == 1
    assert problems == [f"goldspan: {db}: trigger spans_no_overlap_insert differs from "
                        "goldspan's schema"]


@pytest.mark.parametrize("sql, expected", [
    (["DROP INDEX spans_annotation_start", "CREATE INDEX spans_annotation_start ON spans(label)"],
     "index spans_annotation_start differs from goldspan's schema: it is on (label), "
     "goldspan's on (annotation_id, start)"),
    (["ALTER TABLE labels RENAME TO old_labels",
      "CREATE TABLE labels (name TEXT PRIMARY KEY CHECK (length(name) BETWEEN 1 AND 100), "
      "color TEXT, hotkey TEXT, description TEXT, position INTEGER NOT NULL DEFAULT 0)",
      "INSERT INTO labels SELECT * FROM old_labels", "DROP TABLE old_labels"],
     "table labels differs from goldspan's schema: column color is TEXT, goldspan's is "
     "TEXT NOT NULL"),
    (["ALTER TABLE settings ADD COLUMN note TEXT"],
     "table settings differs from goldspan's schema: column note is not goldspan's"),
])
def test_what_differs_in_a_changed_object_is_said(db: Path, sql: list[str],
                                                  expected: str) -> None:
    """sqlite-utils' introspection says what differs (a column's type or NOT NULL, an
    index's columns), in check and in the refusal of a writing command."""
    damage(db, *sql)
    code, problems, _ = check(db)
    assert (code, problems) == (1, [f"goldspan: {db}: {expected}"])
    article = db.with_name("article.txt")
    article.write_text("Olaf Scholz visited Rabat.\n")
    r = run("import", article, "--db", db)
    assert r.exit_code != 0 and f"({expected}); nothing was written" in r.stderr


def test_objects_a_user_added_are_a_note(db: Path) -> None:
    damage(db, "CREATE INDEX my_label_index ON spans(label)")
    code, problems, out = check(db)
    assert (code, problems) == (0, [])
    assert "note: index my_label_index is not goldspan's (left as it is)" in out


# --------------------------------------------------------------- rows
def test_suggestions_past_the_text_are_found(db: Path) -> None:
    damage(db, 'INSERT INTO suggestions (document_id, model, start, "end", label) '
               "VALUES (2, 'm@1', 20, 9999, 'GPE')")
    code, problems, _ = check(db)
    assert code == 1
    assert problems == [f"goldspan: {db}: suggestion 2 of document 2 by m@1 ends at 9999, "
                        "past the text (28)"]


def test_a_text_changed_behind_goldspans_back_is_found(db: Path) -> None:
    damage(db, "UPDATE documents SET text = 'Angela Merkel visited Berlin.' WHERE id = 2")
    code, problems, _ = check(db)
    assert code == 1
    assert len(problems) == 1
    assert problems[0].startswith(f"goldspan: {db}: document 2: text_hash does not match its text")


def test_check_constraints_are_evaluated_again_with_row_ids(db: Path) -> None:
    """A tool writing with ``ignore_check_constraints`` (or a schema edited to drop
    them) gets past SQLite; check names each row."""
    damage(db,
           'INSERT INTO spans (id, annotation_id, start, "end", label) VALUES (10, 1, -3, -1, "X")',
           'INSERT INTO spans (id, annotation_id, start, "end", label) VALUES (11, 1, 20, 15, "X")',
           'INSERT INTO spans (id, annotation_id, start, "end", label) VALUES (12, 1, 44, 46, "")',
           "INSERT INTO annotations (id, document_id, annotator, status) VALUES (5, 2, 'bob', 'maybe')",
           ignore_checks=True)
    code, problems, _ = check(db)
    assert code == 1
    text = "\n".join(problems)
    assert 'table spans, id 10: breaks CHECK (start >= 0 AND start < "end")' in text
    assert 'table spans, id 11: breaks CHECK (start >= 0 AND start < "end")' in text
    assert "table spans, id 12: breaks CHECK (length(label) BETWEEN 1 AND 100)" in text
    assert "table annotations, id 5: breaks CHECK (status IN ('todo'" in text
    assert "CHECK constraint failed in" not in text  # SQLite's own line names no row


def test_many_broken_rows_are_listed_up_to_a_limit(db: Path) -> None:
    damage(db, *[f'INSERT INTO spans (annotation_id, start, "end", label) VALUES (1, {-i - 2}, '
                 f'{-i - 1}, "X")' for i in range(MAX_FINDINGS_PER_CHECK + 30)],
           ignore_checks=True)
    code, problems, _ = check(db)
    assert code == 1
    breaking = [p for p in problems if ": table spans, id " in p]
    assert len(breaking) == MAX_FINDINGS_PER_CHECK
    assert problems[-1] == (f"goldspan: {db}: ... and 30 more rows of spans like these "
                            '(breaks CHECK (start >= 0 AND start < "end"))')


# ---------------------------------------------------------------- JSON (item 6)
@pytest.mark.parametrize("value, why", [
    ("{not json", "meta is not valid JSON"),
    ('{"score": NaN}', "meta is not valid JSON (NaN is not valid JSON)"),
    ('{"x": Infinity}', "meta is not valid JSON (Infinity is not valid JSON)"),
    ("[1, 2]", "meta is JSON but not an object"),
])
def test_invalid_json_in_meta_is_found(db: Path, value: str, why: str) -> None:
    damage(db, f"UPDATE documents SET meta = '{value}' WHERE id = 2")
    code, problems, _ = check(db)
    assert code == 1
    assert len(problems) == 1 and problems[0].startswith(
        f"goldspan: {db}: table documents, id 2: {why}"), problems


@pytest.mark.parametrize("value, why", [
    ("{not json", "value is not valid JSON"),
    ('"yes"', "value '\"yes\"' is not a bool"),
])
def test_a_bad_labels_locked_setting_is_found(db: Path, value: str, why: str) -> None:
    damage(db, f"INSERT INTO settings (key, value) VALUES ('labels_locked', '{value}')")
    code, problems, _ = check(db)
    assert code == 1
    assert len(problems) == 1, problems
    assert "table settings" in problems[0] and "'labels_locked'" in problems[0]
    assert why in problems[0]


def test_labels_outside_the_label_set_are_a_note(db: Path) -> None:
    damage(db, 'INSERT INTO spans (annotation_id, start, "end", label) VALUES (1, 44, 46, "ODD")')
    code, problems, out = check(db)
    assert (code, problems) == (0, [])
    assert "note: label 'ODD' is used by 1 span(s) but is not in the label set" in out


# ----------------------------------------------------------- export (item 11)
@pytest.mark.parametrize("sql, why", [
    ('INSERT INTO spans (annotation_id, start, "end", label) VALUES (1, -5, -1, "X")',
     "span -5--1 'X' starts before the text"),
    ('INSERT INTO spans (annotation_id, start, "end", label) VALUES (1, 12, 12, "X")',
     "span 12-12 'X' is empty or runs backwards"),
    ('INSERT INTO spans (annotation_id, start, "end", label) VALUES (1, 44, 46, "")',
     "span 44-46 '' has no label"),
    ('INSERT INTO spans (annotation_id, start, "end", label) VALUES (1, 5, 14, "ORG")',
     "span 5-14 'ORG' overlaps the span 0-10 'PERSON'"),
    ('INSERT INTO spans (annotation_id, start, "end", label) VALUES (1, 50, 90, "X")',
     "span 50-90 'X' ends past the text (53 characters)"),
])
@pytest.mark.parametrize("fmt", ["prodigy", "conll", "spacy", "brat"])
def test_export_refuses_spans_that_break_the_contract(db: Path, tmp_path: Path, sql: str,
                                                      why: str, fmt: str) -> None:
    damage(db, "DROP TRIGGER spans_no_overlap_insert", sql, ignore_checks=True)
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    r = run("export", "--format", fmt, "--out", out_dir / "data", "--db", db)
    assert r.exit_code == 2, r.output
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1, r.stderr
    assert lines[0] == (f"goldspan: [E240] {db}: document 1, alice's version: {why}; nothing "
                        "was written: run 'goldspan check' and fix or remove it")
    assert list(out_dir.iterdir()) == []


# ------------------------------------------------- import and backup (item 11)
def test_import_refuses_a_file_whose_schema_is_damaged(db: Path, tmp_path: Path) -> None:
    damage(db, "DROP TRIGGER spans_no_overlap_insert")
    article = tmp_path / "a.txt"
    article.write_text("Another article about Rabat.")
    before = sha(db)
    r = run("import", article, "--db", db)
    assert r.exit_code == 2
    lines = r.stderr.strip().splitlines()
    assert lines == [f"goldspan: [E240] {db}: its schema is not goldspan's (trigger "
                     "spans_no_overlap_insert is missing); nothing was written: run "
                     "'goldspan check'"]
    assert sha(db) == before


def test_every_writer_refuses_a_damaged_schema(db: Path, tmp_path: Path) -> None:
    damage(db, "DROP INDEX spans_annotation_start")
    before = sha(db)
    for args in (["assign", "bob"], ["suggest", "--model", str(tmp_path / "none")]):
        r = run(*args, "--db", db)
        assert r.exit_code == 2 and "[E240]" in r.stderr, r.output
        assert "index spans_annotation_start is missing" in r.stderr
    assert sha(db) == before


def test_backup_copies_a_damaged_file_but_says_so(db: Path, tmp_path: Path) -> None:
    damage(db, "DROP TRIGGER spans_no_overlap_update")
    out = tmp_path / "b.db"
    r = run("backup", "--db", db, "--out", out)
    assert r.exit_code == 1
    assert f"backup written to {out}" in r.stdout
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and "trigger spans_no_overlap_update is missing" in lines[0]
    assert "run 'goldspan check'" in lines[0]
    assert out.exists()


def test_check_and_readers_never_write(db: Path, tmp_path: Path) -> None:
    """Readers open with ``query_only``: an older or damaged file is never changed by
    looking at it."""
    damage(db, "DROP TRIGGER spans_no_overlap_insert")
    before = sha(db)
    for args in (["check"], ["stats"], ["agreement"],
                 ["export", "--format", "prodigy", "--out", tmp_path / "o.jsonl"]):
        run(*args, "--db", db)
    assert sha(db) == before
    with Store.open(db, readonly=True) as s:
        with pytest.raises(sqlite3.OperationalError, match="readonly"):
            s.conn.execute("DELETE FROM spans")


@pytest.mark.skipif(sys.platform == "win32", reason="paths")
def test_check_on_a_file_that_is_not_goldspans_is_one_line(tmp_path: Path) -> None:
    p = tmp_path / "notes.db"
    p.write_text("not a database\n" * 200)
    code, problems, _ = check(p)
    assert code == 2 and len(problems) == 1 and "not an SQLite database" in problems[0]
