"""`goldspan merge` on real SQLite files: three analysts' databases into one team file,
documents deduplicated by text, every version kept, a deliberate conflict reported,
foreign files refused with the target unchanged, each source all or nothing."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

import goldspan.core.merge as merge_mod
from goldspan.cli import merge as merge_cmd
from goldspan.core.errors import StoreError
from goldspan.core.merge import merge_files
from goldspan.core.types import Label, Span, Suggestion
from goldspan.core.storage import Store

SHARED = "Angela Merkel met Macron in Paris."
SHARED2 = "The U.N. met in New York on Monday."
ALICE_ONLY = "Alice read about Berlin."
BOB_ONLY = "Bob read about 🙂 Madrid."


def analyst_db(path: Path, annotator: str, docs: list[tuple[str, str, list[Span]]],
               labels: list[Label] | None = None) -> Path:
    with Store.open(path) as s:
        s.set_labels(labels or [Label("PER", "#7c5cd6", "1"), Label("GPE", "#1b9e9e", "2")])
        for text, status, spans in docs:
            doc_id, _ = s.add_document(text, source=f"{annotator}.txt")
            s.put_suggestions(doc_id, "en_core_web_sm@3.8.0", [Suggestion(0, 6, "PER", 0.9)])
            s.put_version(doc_id, annotator, status, spans)
    return path


def set_updated(path: Path, annotator: str, text: str, when: str) -> None:
    con = sqlite3.connect(path)
    with con:
        con.execute("UPDATE annotations SET updated_at = ? WHERE annotator = ? AND document_id = "
                    "(SELECT id FROM documents WHERE text = ?)", (when, annotator, text))
    con.close()


@pytest.fixture()
def analysts(tmp_path: Path) -> list[Path]:
    alice = analyst_db(tmp_path / "alice.db", "alice", [
        (SHARED, "done", [Span(0, 13, "PER"), Span(27, 32, "GPE")]),
        (SHARED2, "done", [Span(16, 24, "GPE")]),
        (ALICE_ONLY, "in_progress", [Span(17, 23, "GPE")]),
    ])
    bob = analyst_db(tmp_path / "bob.db", "bob", [
        (SHARED2, "done", [Span(4, 8, "ORG", "manual"), Span(16, 24, "GPE", "model")]),
        (BOB_ONLY, "done", [Span(17, 23, "GPE")]),
        (SHARED, "skipped", []),
    ], labels=[Label("ORG", "#7c5cd6", "1"), Label("GPE", "#1b9e9e", "2")])
    # Carol's laptop holds her own work plus an old copy of alice's version of SHARED:
    # alice later changed it, so the two files disagree on alice's version (a conflict).
    carol = analyst_db(tmp_path / "carol.db", "carol", [
        (SHARED, "done", [Span(0, 6, "PER")]),
    ])
    with Store.open(carol) as s:
        doc_id, _ = s.add_document(SHARED)
        s.put_version(doc_id, "alice", "done", [Span(0, 13, "PER")])
        doc2, _ = s.add_document(SHARED2)
        s.put_version(doc2, "alice", "done", [Span(16, 24, "GPE")])  # same as alice.db
    set_updated(alice, "alice", SHARED, "2024-05-01T10:00:00.000Z")
    set_updated(carol, "alice", SHARED, "2024-04-01T10:00:00.000Z")
    return [alice, bob, carol]


def versions(path: Path) -> dict[tuple[str, str], tuple[str, list[tuple[int, int, str, str]]]]:
    with Store.open(path, create=False) as s:
        out = {}
        for doc_id in s.document_ids():
            text = s.document(doc_id).text
            for a in s.annotations(doc_id):
                out[(text, a.annotator)] = (
                    a.status, [(x.start, x.end, x.label, x.origin) for x in s.spans(a.id)])
        return out


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_three_analysts_into_one_team_file(tmp_path: Path, analysts: list[Path]) -> None:
    team = tmp_path / "team.db"
    reports = merge_files(team, analysts)
    assert [r.documents_added for r in reports] == [3, 1, 0]
    assert [r.documents_matched for r in reports] == [0, 2, 2]
    got = versions(team)
    assert got == {
        (SHARED, "alice"): ("done", [(0, 13, "PER", "manual"), (27, 32, "GPE", "manual")]),
        (SHARED2, "alice"): ("done", [(16, 24, "GPE", "manual")]),
        (ALICE_ONLY, "alice"): ("in_progress", [(17, 23, "GPE", "manual")]),
        (SHARED2, "bob"): ("done", [(4, 8, "ORG", "manual"), (16, 24, "GPE", "model")]),
        (BOB_ONLY, "bob"): ("done", [(17, 23, "GPE", "manual")]),
        (SHARED, "bob"): ("skipped", []),
        (SHARED, "carol"): ("done", [(0, 6, "PER", "manual")]),
    }
    (conflict,) = [c for r in reports for c in r.conflicts]
    assert conflict.annotator == "alice" and conflict.kept == "target"
    assert conflict.source == str(analysts[2]) and conflict.title == SHARED
    assert "versions differ" in conflict.describe()
    assert reports[2].versions_identical == 1 and reports[2].versions_added == 1
    with Store.open(team, create=False) as s:
        assert [s.document(i).text for i in s.document_ids()] == \
            [SHARED, SHARED2, ALICE_ONLY, BOB_ONLY]
        assert s.document(4).source == "bob.txt"
        for doc_id in s.document_ids():
            model, sugg = s.latest_suggestions(doc_id)
            assert model == "en_core_web_sm@3.8.0" and sugg == [Suggestion(0, 6, "PER", 0.9)]
        labels = {lab.name: lab for lab in s.labels()}
        assert list(labels) == ["PER", "GPE", "ORG"]
        # ORG's colour and hotkey were PER's in alice's file: it gets free ones
        assert labels["ORG"].color != labels["PER"].color
        assert labels["ORG"].hotkey not in ("1", "2")
        assert s.integrity_problems() == []


def test_merging_again_changes_nothing(tmp_path: Path, analysts: list[Path]) -> None:
    team = tmp_path / "team.db"
    merge_files(team, analysts)
    before = versions(team)
    again = merge_files(team, analysts[:2])
    assert [r.documents_added + r.versions_added + len(r.conflicts) for r in again] == [0, 0]
    assert again[0].versions_identical == 3
    assert versions(team) == before


def test_prefer_newer_keeps_the_later_version(tmp_path: Path, analysts: list[Path]) -> None:
    team = tmp_path / "team.db"
    alice, bob, carol = analysts
    reports = merge_files(team, [carol, alice], prefer_newer=True)
    (conflict,) = reports[1].conflicts
    assert conflict.kept == "source" and reports[1].versions_replaced == 1
    assert versions(team)[(SHARED, "alice")][1] == [(0, 13, "PER", "manual"),
                                                   (27, 32, "GPE", "manual")]
    # and the older one never replaces the newer
    team2 = tmp_path / "team2.db"
    reports = merge_files(team2, [alice, carol], prefer_newer=True)
    assert [c.kept for c in reports[1].conflicts] == ["target"]
    assert len(versions(team2)[(SHARED, "alice")][1]) == 2


def test_foreign_files_are_refused_and_target_unchanged(tmp_path: Path,
                                                         analysts: list[Path]) -> None:
    team = tmp_path / "team.db"
    merge_files(team, analysts[:1])
    before = digest(team)
    foreign = tmp_path / "foreign.db"
    con = sqlite3.connect(foreign)
    con.execute("CREATE TABLE t (x)")
    con.close()
    text = tmp_path / "notes.db"
    text.write_text("not a database")
    for bad in (foreign, text, tmp_path / "missing.db"):
        with pytest.raises(StoreError):
            merge_files(team, [analysts[1], bad])  # the good one is not merged either
        assert digest(team) == before
    with pytest.raises(StoreError, match="not goldspan's"):
        merge_files(tmp_path / "new.db", [foreign])
    assert not (tmp_path / "new.db").exists()
    with pytest.raises(StoreError, match="target database itself"):
        merge_files(team, [team])


def test_a_failing_source_leaves_nothing_behind(tmp_path: Path, analysts: list[Path],
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    team = tmp_path / "team.db"
    merge_files(team, analysts[:1])
    before = versions(team)
    calls = {"n": 0}
    real = merge_mod._merge_suggestions

    def failing(*args, **kwargs):  # type: ignore[no-untyped-def]
        calls["n"] += 1
        if calls["n"] == 2:
            raise sqlite3.OperationalError("disk I/O error")
        return real(*args, **kwargs)

    monkeypatch.setattr(merge_mod, "_merge_suggestions", failing)
    with pytest.raises(StoreError, match="nothing of this file was merged"):
        merge_files(team, [analysts[1]])
    assert versions(team) == before
    with Store.open(team, create=False) as s:
        assert s.document_count() == 3 and "ORG" not in {lab.name for lab in s.labels()}


def cli() -> typer.Typer:
    app = typer.Typer()
    merge_cmd.register(app)

    @app.callback()
    def _root() -> None:
        pass

    return app


def test_cli_reports_conflicts(tmp_path: Path, analysts: list[Path]) -> None:
    team = tmp_path / "team.db"
    result = CliRunner().invoke(cli(), ["merge", *map(str, analysts), "--db", str(team)])
    assert result.exit_code == 0, result.output
    assert result.output.count("conflict: ") == 1
    assert "annotator 'alice'" in result.output and "1 conflict(s)" in result.output


def test_cli_refuses_a_foreign_file_in_one_line(tmp_path: Path, analysts: list[Path]) -> None:
    team = tmp_path / "team.db"
    bad = tmp_path / "x.db"
    bad.write_bytes(b"PK\x03\x04 a zip file")
    result = CliRunner().invoke(cli(), ["merge", str(analysts[0]), str(bad), "--db", str(team)])
    assert result.exit_code != 0
    assert result.output.count("\n") == 1 and "not an SQLite database" in result.output
    assert not team.exists()


def test_a_sources_colours_and_keys_that_are_not_ones_never_reach_the_team(
        tmp_path: Path) -> None:
    """Found red-teaming issue 11: a source whose label set was written by another tool
    or by hand (colour ``red; } * { background: ... }``, key ``Ctrl+Q``) was merged as
    it was: the colour went into the label bar's style sheet (the button came out
    unreadable), the key took the window's Quit shortcut; ``check`` said ok on both
    files. The merge now gives such a label the next free colour and key, and ``check``
    names them."""
    src, team = tmp_path / "laptop.db", tmp_path / "team.db"
    with Store.open(src) as s:
        s.add_document("Paris met Acme.")
        s.put_version(1, "alice", "done", [Span(0, 5, "GPE"), Span(10, 14, "ORG")])
    conn = sqlite3.connect(src)  # as another tool, or a hand, wrote them
    with conn:
        conn.executemany("INSERT INTO labels (name, color, hotkey, position) VALUES (?, ?, ?, ?)",
                         [("GPE", "red; } * { background: url(http://x/) ", "3", 0),
                          ("ORG", "#1b9e9e", "Ctrl+Q", 1), ("LOC", "#3c8d3c", "3", 2)])
    conn.close()
    with Store.open(src, readonly=True) as s:
        found = s.check().problems
    assert any("'GPE': colour" in p for p in found), found
    assert any("'ORG': hotkey 'Ctrl+Q'" in p for p in found), found
    assert any("share the hotkey '3'" in p for p in found), found
    merge_files(team, [src])
    with Store.open(team, readonly=True) as t:
        labels = {lab.name: lab for lab in t.labels()}
        assert t.check().problems == []
    assert labels["GPE"].color.startswith("#") and len(labels["GPE"].color) == 7
    assert labels["GPE"].hotkey == "3"  # a key, and free: kept
    assert labels["ORG"].color == "#1b9e9e" and labels["ORG"].hotkey not in ("Ctrl+Q", "3")
    assert labels["LOC"].hotkey not in ("3", labels["ORG"].hotkey)  # taken by GPE
