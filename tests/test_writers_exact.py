"""What a writer writes reads back as the same text, or the export refuses naming the
document (found red-teaming issue 11, family "anything that silently changes data").

- U+FEFF (a zero-width no-break space, common in scraped news) at the start of a
  token: CoNLL puts every token at a line's start, and every line reader dropped a
  byte order mark there, so "Hello \\ufeffWorld met Paris" came back as "Hello World met
  Paris" with every later offset moved. A BOM is now dropped only at the file's start.
- The plain-text writer wrote a text starting with U+FEFF (read back without it: a new
  document) and a text of whitespace only (read back as an empty file: refused); brat
  already refused both. Both writers share the check now.
- Files concatenated each with its BOM still read: JSON lines skip it (no JSON value
  starts with U+FEFF), and CoNLL takes ``\\ufeff-DOCSTART-`` as the separator it is.
"""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from goldspan.core.storage import Store

BOM = "\ufeff"


def run(*args: object):  # type: ignore[no-untyped-def]
    from goldspan.cli import main

    if not main.app.registered_commands:
        main._register()
    return CliRunner().invoke(main.app, [str(a) for a in args])


def rows(db: Path) -> tuple[list[str], list[tuple[int, int, str]]]:
    with Store.open(db, readonly=True) as s:
        return ([r[0] for r in s.conn.execute("SELECT text FROM documents ORDER BY id")],
                s.conn.execute('SELECT start, "end", label FROM spans ORDER BY start').fetchall())


def test_conll_keeps_a_zero_width_no_break_space_at_a_tokens_start(tmp_path: Path) -> None:
    text = f"Hello {BOM}World met Paris"
    src = tmp_path / "in.jsonl"
    src.write_text(json.dumps({"text": text, "answer": "accept", "spans": [
        {"start": 17, "end": 22, "label": "GPE"}]}) + "\n", encoding="utf-8")
    first, second = tmp_path / "a.db", tmp_path / "b.db"
    assert run("import", src, "--db", first).exit_code == 0
    assert run("export", "--db", first, "--format", "conll", "--out", tmp_path / "o.conll"
               ).exit_code == 0
    res = run("import", tmp_path / "o.conll", "--db", second)
    assert res.exit_code == 0, res.output
    assert rows(second) == ([text], [(17, 22, "GPE")]) == rows(first)


def test_txt_export_refuses_a_text_it_cannot_write_exactly(tmp_path: Path) -> None:
    for i, text in enumerate([f"{BOM}Hello world", " \n\t "]):
        db = tmp_path / f"{i}.db"
        with Store.open(db) as s:
            s.add_document("A first article.")
            s.add_document(text)
            for d in (1, 2):
                s.put_version(d, "alice", "done", [])
        out = tmp_path / f"out{i}"
        res = run("export", "--db", db, "--format", "txt", "--out", out)
        assert res.exit_code == 2 and "document 2: its text" in res.stderr, res.output
        assert len(res.stderr.strip().splitlines()) == 1
        assert not out.exists()


def test_files_concatenated_each_with_its_bom_still_read(tmp_path: Path) -> None:
    conll = tmp_path / "c.conll"
    part = "-DOCSTART- -X- O O\n\n{} B-PER\nwent O\n\n"
    conll.write_text(BOM + part.format("Alice") + BOM + part.format("Bob"), encoding="utf-8")
    res = run("import", conll, "--db", tmp_path / "c.db")
    assert res.exit_code == 0 and "2 new documents" in res.stdout, res.output
    assert rows(tmp_path / "c.db")[0] == ["Alice went", "Bob went"]
    jsonl = tmp_path / "p.jsonl"
    line = '{{"text": "{}", "answer": "accept", "spans": []}}\n'
    jsonl.write_text(BOM + line.format("a b") + BOM + line.format("c d"), encoding="utf-8")
    res = run("import", jsonl, "--db", tmp_path / "p.db")
    assert res.exit_code == 0 and "2 new documents" in res.stdout, res.output
