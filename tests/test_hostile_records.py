"""Hostile records (issue 7): labels and annotator names with quotes, SQL
metacharacters, LIKE wildcards, backslashes, other scripts, and 10,000 characters.

- SQL is parameterised everywhere: a scan of core/ for SQL built with f-strings, ``%``
  or ``.format`` allows only the project's own constants and ``?`` placeholder lists;
  hostile names go in and come back byte for byte, the schema intact.
- Limits (labels 1-100 characters, annotator names 1-200, no control characters) are
  enforced at the import, in the CLI with one line and a non-zero exit, and by the
  database's CHECK constraints underneath; a refused file leaves the database as it
  was.
"""

from __future__ import annotations

import ast
import json
import re
import sqlite3
from pathlib import Path

import pytest
from test_formats_support import db_state, run

from goldspan.core.errors import InputError
from goldspan.core.importer import import_paths
from goldspan.core.labels import check_label
from goldspan.core.types import Span
from goldspan.core.queue import Queue, QueueFilter
from goldspan.core.storage import Store
from goldspan.core.labels import check_annotator

CORE = Path(__file__).resolve().parent.parent / "core"

HOSTILE = [
    "'; DROP TABLE spans; --",
    'Robert"); DROP TABLE annotations;--',
    "O'Brien",
    '"double"',
    "%",
    "_",
    "100%_done",
    "back\\slash\\",
    "\\'",
    "?",
    ":name",
    "$1",
    "ラベル",
    "תווית",
    "🏷️ tag",
    "e\u0301",
    "<b>html</b>",
    "x" * 100,
]


def _jsonl(path: Path, records: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records),
                    encoding="utf-8")
    return path


def _record(text: str, label: str, annotator: str = "alice") -> dict:
    return {"text": text, "spans": [{"start": 0, "end": 4, "label": label}],
            "answer": "accept", "_annotator_id": annotator}


# ------------------------------------------------------------- parameterised SQL
SQL_WORDS = re.compile(r"\b(SELECT|INSERT|UPDATE|DELETE|PRAGMA|WHERE|FROM|VALUES|LIMIT|"
                       r"ORDER BY|CREATE|DROP|ALTER|JOIN|SET|AND|OR|IN|LIKE)\b")
# What may be pasted into SQL text: the project's constants, an int() of a number,
# and a list of "?" placeholders. Nothing a user or a file supplies.
ALLOWED = {
    "NOW", "STAMP", "ANNOTATION_COLUMNS", "DOCUMENT_COLUMNS", "SPAN_COLUMNS",
    "STATUS_CHECK", "ORIGIN_CHECK", "BUSY_TIMEOUT_MS", "APPLICATION_ID", "SCHEMA_VERSION",
    "int(limit)",
}
PLACEHOLDERS = re.compile(r"^', '\.join\('\?' \* len\(\w+\)\)$")
# Identifiers of goldspan's own schema, checked and quoted by storage.integrity._ident
# (the row checks of `goldspan check`), and the CHECK expressions storage/schema.py writes.
IDENTIFIER = re.compile(r"^_ident\([\w ']+\)$")
ALLOWED.add("schema_expr")


def sql_interpolations(source: str) -> list[tuple[int, str]]:
    """(line, expression) for every value formatted into a string that reads as SQL."""
    out: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.JoinedStr):
            literal = "".join(v.value for v in node.values if isinstance(v, ast.Constant))
            if SQL_WORDS.search(literal):
                out += [(node.lineno, ast.unparse(v.value)) for v in node.values
                        if isinstance(v, ast.FormattedValue)]
        elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod) \
                and isinstance(node.left, ast.Constant) and isinstance(node.left.value, str) \
                and SQL_WORDS.search(node.left.value):
            out.append((node.lineno, "% " + ast.unparse(node.right)))
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
                and node.func.attr == "format" and isinstance(node.func.value, ast.Constant) \
                and isinstance(node.func.value.value, str) \
                and SQL_WORDS.search(node.func.value.value):
            out.append((node.lineno, ".format(" + ", ".join(ast.unparse(a) for a in node.args)))
    return out


def test_no_user_data_formatted_into_sql() -> None:
    bad = []
    for path in sorted([*CORE.rglob("*.py"), *(CORE.parent / "cli").rglob("*.py"),
                        *(CORE.parent / "gui").rglob("*.py")]):
        for line, expr in sql_interpolations(path.read_text(encoding="utf-8")):
            if expr not in ALLOWED and not PLACEHOLDERS.match(expr) \
                    and not IDENTIFIER.match(expr):
                bad.append(f"{path.relative_to(CORE.parent)}:{line}: {expr}")
    assert not bad, "values formatted into SQL (use ? parameters):\n" + "\n".join(bad)


def test_the_sql_scan_catches_formatting() -> None:
    """The scan itself finds each way of pasting a value into SQL."""
    src = ('c.execute(f"SELECT * FROM labels WHERE name = \'{name}\'")\n'
           'c.execute("DELETE FROM spans WHERE label = \'%s\'" % label)\n'
           'c.execute("UPDATE labels SET color = {}".format(color))\n'
           'sql += f" AND a.annotator IN ({who})"\n'
           'msg = f"invalid label {name!r}"\n')
    found = [e for _, e in sql_interpolations(src)]
    assert sorted(found) == sorted(["name", "% label", ".format(color", "who"])


# ----------------------------------------------- hostile names survive unchanged
def test_hostile_labels_and_annotators_round_trip(tmp_path: Path) -> None:
    db = tmp_path / "h.db"
    records = [_record(f"Text {i:03d} about nothing.", name, annotator=name)
               for i, name in enumerate(HOSTILE)]
    src = _jsonl(tmp_path / "hostile.jsonl", records)
    with Store.open(db) as store:
        summary = import_paths(store, [src])
        assert summary.total("versions_written") == len(HOSTILE)
        assert [lab.name for lab in store.labels()] == list(dict.fromkeys(HOSTILE))
        for doc_id, name in zip(store.document_ids(), HOSTILE, strict=False):
            ann = store.annotation(doc_id, name)
            assert ann is not None and ann.annotator == name
            assert store.spans(ann.id) == [Span(0, 4, name)]
        assert not store.integrity_problems()
    with sqlite3.connect(db) as conn:  # every table still there, nothing dropped
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        assert {"documents", "annotations", "spans", "labels", "suggestions"} <= tables
        assert conn.execute("SELECT count(*) FROM spans").fetchone()[0] == len(HOSTILE)


def test_like_wildcards_in_the_queue_filter_are_literal(tmp_path: Path) -> None:
    with Store.open(tmp_path / "q.db") as store:
        for text in ("100% sure", "plain text", "snake_case", "back\\slash", "nothing"):
            store.add_document(text)
        def count(text: str) -> int:
            return Queue(store, "alice", QueueFilter(text=text)).count()

        assert count("%") == 1
        assert count("_") == 1
        assert count("\\") == 1
        assert count("'; DROP TABLE documents; --") == 0
        assert count("") == 5
        assert store.document_count() == 5


# -------------------------------------------------------------------- limits
@pytest.mark.parametrize("name,ok", [("L", True), ("x" * 100, True), ("x" * 101, False),
                                     ("x" * 10_000, False), ("", False), ("a\tb", False),
                                     ("a\nb", False), ("a\x00b", False)])
def test_check_label_limits(name: str, ok: bool) -> None:
    if ok:
        assert check_label(name) == name
    else:
        with pytest.raises(InputError, match="1-100 printable characters"):
            check_label(name)


@pytest.mark.parametrize("name,ok", [("a", True), ("x" * 200, True), ("x" * 201, False),
                                     ("x" * 10_000, False), ("", False), ("a\x1bb", False),
                                     ("gold", False)])
def test_check_annotator_limits(name: str, ok: bool) -> None:
    if ok:
        assert check_annotator(name) == name
    else:
        with pytest.raises(InputError):
            check_annotator(name)


def test_the_database_enforces_the_limits_too(tmp_path: Path) -> None:
    """CHECK constraints under the Python checks: a caller that skips them still
    cannot store a 10,000-character label or annotator."""
    with Store.open(tmp_path / "c.db") as store:
        doc, _ = store.add_document("Some text here.")
        with pytest.raises(sqlite3.IntegrityError):
            store.put_version(doc, "x" * 10_000, "done", [])
        ann = store.put_version(doc, "alice", "done", [])
        with pytest.raises(sqlite3.IntegrityError):
            store.put_version(doc, "alice", "done", [Span(0, 4, "x" * 101)])
        assert store.spans(ann) == []  # the failed replace rolled back whole
        with pytest.raises(sqlite3.IntegrityError):
            store.conn.execute("INSERT INTO labels (name, color) VALUES (?, '#000000')",
                               ("x" * 10_000,))


LIMIT_CASES = {
    "label_10000": ([_record("Some text.", "x" * 10_000)], "invalid label 'xxxx"),
    "label_101": ([_record("Some text.", "y" * 101)], "invalid label"),
    "label_control": ([_record("Some text.", "A\x1b[31m")], "invalid label"),
    "annotator_10000": ([_record("Some text.", "PER", annotator="a" * 10_000)],
                        "invalid annotator name"),
    "annotator_201": ([_record("Some text.", "PER", annotator="b" * 201)],
                      "invalid annotator name"),
    "annotator_newline": ([_record("Some text.", "PER", annotator="eve\nroot")],
                          "invalid annotator name"),
    # a good record first: the refusal of the second undoes the whole file
    "second_record": ([_record("Good text.", "PER"), _record("Bad text.", "z" * 10_000)],
                      "line 2: invalid label"),
}


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "g.db"
    src = _jsonl(tmp_path / "first.jsonl", [_record("Already here.", "ORG", "bob")])
    assert run("import", src, "--db", path).exit_code == 0
    return path


@pytest.mark.parametrize("case", sorted(LIMIT_CASES))
def test_cli_import_refuses_over_limit_in_one_line(case: str, db: Path, tmp_path: Path) -> None:
    records, message = LIMIT_CASES[case]
    src = _jsonl(tmp_path / f"{case}.jsonl", records)
    before = db_state(db)
    res = run("import", src, "--db", db)
    assert res.exit_code != 0
    lines = res.output.strip().splitlines()
    assert len(lines) == 1, res.output
    assert lines[0].startswith("goldspan: [E1"), lines[0]
    assert message in lines[0], lines[0]
    assert str(src) in lines[0]
    assert len(lines[0]) < 400, "the message quotes a short prefix, not 10,000 characters"
    assert "Traceback" not in res.output
    assert db_state(db) == before


@pytest.mark.parametrize("name", ["a" * 10_000, "", "tab\there", "gold"])
def test_cli_annotator_option_refused_in_one_line(name: str, db: Path, tmp_path: Path) -> None:
    src = _jsonl(tmp_path / "ok.jsonl", [{"text": "Fine text.", "label": [[0, 4, "PER"]]}])
    src = src.rename(src.with_suffix(".jsonl"))
    before = db_state(db)
    res = run("import", src, "--db", db, "--annotator", name)
    assert res.exit_code != 0
    lines = res.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("goldspan: [E1"), res.output
    assert len(lines[0]) < 400
    assert db_state(db) == before


@pytest.mark.parametrize("fmt,content", [
    ("doccano", '{"text": "Some text.", "label": [[0, 4, "%s"]]}\n'),
    ("conll", "Some B-%s\ntext O\n"),
    ("brat", "T1\t%s 0 4\tSome\n"),
    ("labelstudio", '[{"data": {"text": "Some text."}, "annotations": [{"result": [{"type": '
                    '"labels", "value": {"start": 0, "end": 4, "labels": ["%s"]}}]}]}]'),
])
def test_every_format_refuses_a_10000_character_label(fmt: str, content: str, db: Path,
                                                      tmp_path: Path) -> None:
    ext = {"doccano": ".jsonl", "conll": ".conll", "brat": ".ann", "labelstudio": ".json"}[fmt]
    src = tmp_path / f"long{ext}"
    src.write_text(content % ("L" * 10_000), encoding="utf-8")
    if fmt == "brat":
        src.with_suffix(".txt").write_text("Some text.", encoding="utf-8")
    before = db_state(db)
    with Store.open(db) as store, pytest.raises(InputError, match="invalid label"):
        import_paths(store, [src], format=fmt)
    assert db_state(db) == before
