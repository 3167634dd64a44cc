"""Annotator names that read as ``gold`` without being it (found red-teaming issue 11).

``gold`` is the adjudicated version and refused everywhere else, but ``Gold``,
``GOLD``, a fullwidth ``ｇｏｌｄ`` or ``gоld`` with a Cyrillic о were taken by every
entry: the review window and the agreement figures then showed a "Gold" annotator
beside the gold, and ``export --annotator GOLD`` looked like an export of the gold.
They are refused with the naming rule, at every entry; ``check`` lists one already
in a file; ``golden`` or ``goldberg`` are names like any other.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from goldspan.core.storage import Store
from goldspan.core.types import Span

LOOKALIKES = ["Gold", "GOLD", "gOLd", "\uff47\uff4f\uff4c\uff44", "g\u043eld"]


def run(*args: object):  # type: ignore[no-untyped-def]
    from goldspan.cli import main

    if not main.app.registered_commands:
        main._register()
    return CliRunner().invoke(main.app, [str(a) for a in args])


def refused(res, name: str) -> None:  # type: ignore[no-untyped-def]
    assert res.exit_code == 2, res.output
    err = res.stderr.strip()
    assert len(err.splitlines()) == 1 and f"{name!r}" in err and "reads as 'gold'" in err, err


@pytest.mark.parametrize("name", LOOKALIKES)
def test_every_entry_refuses_a_name_that_reads_as_gold(name: str, tmp_path: Path) -> None:
    db = tmp_path / "t.db"
    with Store.open(db) as s:
        s.add_document("Alice met Bob.")
    before = db.read_bytes()
    prodigy = tmp_path / "p.jsonl"
    prodigy.write_text(json.dumps({"text": "Alice met Bob.", "answer": "accept", "spans": [],
                                   "_annotator_id": name}) + "\n")
    studio = tmp_path / "ls.json"
    studio.write_text(json.dumps([{"data": {"text": "Alice met Bob."}, "annotations": [
        {"result": [], "completed_by": {"email": name}}]}]))
    txt = tmp_path / "a.txt"
    txt.write_text("Alice met Bob.")
    refused(run("import", prodigy, "--db", db), name)
    refused(run("import", studio, "--db", db), name)
    refused(run("import", txt, "--db", db, "--annotator", name), name)
    refused(run("assign", name, "--db", db, "--docs", "1"), name)
    assert db.read_bytes() == before


def test_merge_refuses_a_source_holding_one_and_check_lists_it(tmp_path: Path) -> None:
    source = tmp_path / "laptop.db"
    with Store.open(source) as s:
        s.add_document("Alice met Bob.")
        s.add_labels(["PERSON"])
        # an older goldspan took the name: written as it would have been
        s.conn.execute("INSERT INTO annotations (document_id, annotator, status) "
                       "VALUES (1, 'Gold', 'done')")
    res = run("check", "--db", source)
    assert res.exit_code == 1 and "'Gold': it reads as 'gold'" in res.output, res.output
    team = tmp_path / "team.db"
    res = run("merge", source, "--db", team)
    assert res.exit_code == 2 and "reads as 'gold'" in res.stderr, res.output


def test_the_settings_dialog_refuses_one(qtbot, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from goldspan.gui import settings_dialog

    shown: list[str] = []
    monkeypatch.setattr(settings_dialog.QMessageBox, "warning", lambda *a: shown.append(a[2]))
    d = settings_dialog.SettingsDialog("alice", "en_core_web_sm")
    qtbot.addWidget(d)
    d.annotator_edit.setText("GOLD")
    d._accept()
    assert "reads as 'gold'" in shown[-1] and d.result() == 0


@pytest.mark.parametrize("name", ["golden", "goldberg", "Goldie", "gold digger"])
def test_names_that_merely_contain_gold_are_names(name: str, tmp_path: Path) -> None:
    db = tmp_path / "t.db"
    with Store.open(db) as s:
        s.add_document("Alice met Bob.")
        s.put_version(1, name, "done", [Span(0, 5, "PERSON")])
        s.add_labels(["PERSON"])
    assert run("check", "--db", db).exit_code == 0
    res = run("assign", name, "--db", db, "--docs", "1")
    assert res.exit_code == 0, res.output
