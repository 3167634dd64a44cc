"""`goldspan agreement` on real SQLite files: the loader, the --json shape, the errors,
and the HTML report (self-contained, every name escaped)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from goldspan.core.agreement import compute_agreement, load_done_versions
from goldspan.core.agreement_report import html_report, text_report
from goldspan.cli import agreement as agreement_cmd
from goldspan.core.types import Span
from goldspan.core.storage import Store

TEXT = "Angela Merkel met Macron in Paris."
TEXT2 = "The U.N. met in New York on Monday."
EVIL = "<b>x</b>"


def cli() -> typer.Typer:
    app = typer.Typer()
    agreement_cmd.register(app)

    @app.callback()
    def _root() -> None:  # keeps "agreement" a sub-command
        pass

    return app


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli(), ["agreement", *args])
    return result.exit_code, result.output


@pytest.fixture()
def team_db(tmp_path: Path) -> Path:
    path = tmp_path / "team.db"
    with Store.open(path) as s:
        d1, _ = s.add_document(TEXT)
        d2, _ = s.add_document(TEXT2)
        d3, _ = s.add_document("Only alice did this one about Berlin.")
        s.put_version(d1, "alice", "done", [Span(0, 13, "PER"), Span(27, 32, EVIL)])
        s.put_version(d1, "bob", "done", [Span(0, 13, "PER"), Span(27, 32, "GPE")])
        s.put_version(d1, "<i>carol</i>", "done", [Span(0, 6, "PER")])
        s.put_version(d2, "alice", "done", [Span(4, 8, "ORG"), Span(16, 24, "GPE")])
        s.put_version(d2, "bob", "done", [Span(4, 8, "ORG"), Span(16, 24, "GPE")])
        s.put_version(d2, "<i>carol</i>", "in_progress", [Span(4, 8, "ORG")])
        s.put_version(d2, "gold", "done", [Span(4, 8, "ORG")])
        s.put_version(d3, "alice", "done", [Span(30, 36, "GPE")])
    return path


def test_loader_reads_done_versions_of_annotators_only(team_db: Path) -> None:
    with Store.open(team_db, create=False) as s:
        docs = list(load_done_versions(s))
        assert [d.doc_id for d in docs] == [1, 2]  # doc 3 has a single version
        assert set(docs[0].versions) == {"alice", "bob", "<i>carol</i>"}
        assert set(docs[1].versions) == {"alice", "bob"}  # no gold, no in_progress
        assert docs[0].text == TEXT
        assert [s.key() for s in docs[0].versions["alice"]] == [(0, 13, "PER"), (27, 32, EVIL)]
        only = list(load_done_versions(s, ["alice", "<i>carol</i>"]))
        assert [d.doc_id for d in only] == [1]
        assert [d.doc_id for d in load_done_versions(s, min_versions=1)] == [1, 2, 3]


def test_json_shape_and_figures(team_db: Path) -> None:
    code, out = run("--db", str(team_db), "--json")
    assert code == 0, out
    data = json.loads(out)
    assert set(data) == {"annotators", "pairs", "alpha_token", "documents"}
    assert data["annotators"] == ["<i>carol</i>", "alice", "bob"]
    assert data["documents"] == 2
    assert len(data["pairs"]) == 3
    for pair in data["pairs"]:
        assert set(pair) == {"a", "b", "documents", "f1_exact", "f1_partial", "kappa_token",
                             "labels"}
    ab = next(p for p in data["pairs"] if (p["a"], p["b"]) == ("alice", "bob"))
    assert ab["documents"] == 2
    assert ab["f1_exact"] == pytest.approx(2 * 3 / 8)
    assert ab["labels"]["PER"]["f1_exact"] == 1.0
    assert ab["labels"][EVIL]["confusion"] == {"GPE": 1}
    with Store.open(team_db, create=False) as s:
        expected = compute_agreement(load_done_versions(s)).to_dict()
    assert data == json.loads(json.dumps(expected))


def test_annotator_and_label_filters(team_db: Path) -> None:
    code, out = run("--db", str(team_db), "--json", "--annotators", "alice,bob",
                    "--labels", "PER", "--labels", "ORG")
    assert code == 0, out
    data = json.loads(out)
    assert data["annotators"] == ["alice", "bob"]
    (pair,) = data["pairs"]
    assert set(pair["labels"]) == {"PER", "ORG"}
    assert pair["f1_exact"] == 1.0 and pair["kappa_token"] == 1.0


@pytest.mark.parametrize("args, message", [
    (["--annotators", "alice,zed"], "no done versions by 'zed'"),
    (["--annotators", "alice"], "at least two annotators"),
    (["--annotators", "alice,gold"], "'gold' is the adjudicated version"),
])
def test_errors_are_one_line(team_db: Path, args: list[str], message: str) -> None:
    code, out = run("--db", str(team_db), *args)
    assert code != 0
    assert out.count("\n") == 1 and out.startswith("goldspan: [E100]") and message in out


def test_missing_database_is_not_created(tmp_path: Path) -> None:
    code, out = run("--db", str(tmp_path / "nope.db"))
    assert code != 0 and "no such database" in out and out.count("\n") == 1
    assert not (tmp_path / "nope.db").exists()


def test_text_table(team_db: Path) -> None:
    code, out = run("--db", str(team_db))
    assert code == 0, out
    assert "Krippendorff's alpha" in out and "alice / bob" in out
    assert "F1 exact per label" in out and "Confusion alice / bob" in out


def test_html_report_is_escaped_and_self_contained(team_db: Path, tmp_path: Path) -> None:
    target = tmp_path / "report.html"
    code, out = run("--db", str(team_db), "--html", str(target))
    assert code == 0, out
    page = target.read_text(encoding="utf-8")
    assert EVIL not in page and "&lt;b&gt;x&lt;/b&gt;" in page
    assert "<i>carol</i>" not in page and "&lt;i&gt;carol&lt;/i&gt;" in page
    for external in ("src=", "href=", "<script", "@import", "url("):
        assert external not in page
    assert "<style>" in page and "hsl(" in page  # coloured cells, inline CSS
    assert not list(tmp_path.glob("*partial*"))


def test_reports_show_undefined_figures() -> None:
    result = compute_agreement([], annotators=["a", "b"])
    assert "n/a" in text_report(result)
    assert 'class="na">n/a' in html_report(result)


def test_names_holding_a_comma_can_be_chosen(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """``--annotators`` and ``--labels`` split at commas, and names may hold one: an
    annotator "Smith, J" or a label "CITY, STATE" could not be chosen at all."""
    import json as _json

    from typer.testing import CliRunner

    from goldspan.cli import main
    from goldspan.core.storage import Store
    from goldspan.core.types import Span

    db = tmp_path / "c.db"
    with Store.open(db) as s:
        s.add_document("Mark Esper met officials in Rabat, Morocco.")
        s.put_version(1, "Smith, J", "done", [Span(0, 10, "PERSON"), Span(28, 42, "CITY, STATE")])
        s.put_version(1, "bob", "done", [Span(0, 10, "PERSON")])
        s.put_version(1, "carol", "done", [])
        s.add_labels(["PERSON", "CITY, STATE"])
    if not main.app.registered_commands:
        main._register()
    res = CliRunner().invoke(main.app, ["agreement", "--db", str(db), "--json",
                                        "--annotators", "Smith, J", "--annotators", "bob",
                                        "--labels", "CITY, STATE"])
    assert res.exit_code == 0, res.output
    figures = _json.loads(res.stdout)
    assert "Smith, J" in _json.dumps(figures) and "carol" not in _json.dumps(figures)
    assert "CITY, STATE" in _json.dumps(figures) and "PERSON" not in _json.dumps(figures)
    res = CliRunner().invoke(main.app, ["agreement", "--db", str(db), "--json",
                                        "--annotators", "bob,carol"])
    assert res.exit_code == 0, res.output  # the comma list still works


def test_names_holding_a_comma_are_chosen_beside_others_and_listed_quoted(
        tmp_path: Path) -> None:
    """Found red-teaming issue 11: ``--annotators "Smith, J,bob"`` was split into three
    names and refused ("no done versions by 'Smith', 'J'"), and every list of names
    ("3 annotators (Smith, J, alice, bob)") read as four."""
    db = tmp_path / "t.db"
    with Store.open(db) as s:
        s.add_document(TEXT)
        s.add_labels(["PER", "CITY, STATE"])
        for who, spans in (("Smith, J", [Span(0, 13, "PER"), Span(28, 33, "CITY, STATE")]),
                           ("bob", [Span(0, 13, "PER")]), ("alice", [Span(0, 13, "PER")])):
            s.put_version(1, who, "done", spans)
    code, out = run("--db", str(db), "--annotators", "Smith, J,bob")
    assert code == 0, out
    assert out.splitlines()[0].startswith("2 annotators ('Smith, J', bob),")
    code, out = run("--db", str(db), "--annotators", "Smith, J,bob", "--labels",
                    "CITY, STATE,PER", "--json")
    assert code == 0, out
    assert json.loads(out)["annotators"] == ["Smith, J", "bob"]
    code, out = run("--db", str(db), "--annotators", "Smith,bob")
    assert code != 0
    assert "annotators with done versions: 'Smith, J', alice, bob" in out


def test_deleting_the_last_document_during_agreement_never_breaks_it(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Found red-teaming issue 11 (as for export): the versions are read by one cursor
    grouped by document, and the last document's text only once that cursor has ended,
    outside its snapshot: ``goldspan delete --doc N`` of the last document during
    ``goldspan agreement`` stopped it with "no document with id N". One snapshot."""
    db = tmp_path / "t.db"
    with Store.open(db) as s:
        for i in range(5):
            s.add_document(f"{TEXT} {i}")
            for who in ("alice", "bob"):
                s.put_version(i + 1, who, "done", [Span(0, 13, "PER")])
    real_tqdm = agreement_cmd.tqdm

    def deleting(docs, **kw):  # type: ignore[no-untyped-def]
        for i, doc in enumerate(real_tqdm(docs, **kw)):
            if i == 0:  # another process: goldspan delete --doc 5
                with Store.open(db) as other:
                    other.delete_document(5)
            yield doc

    monkeypatch.setattr(agreement_cmd, "tqdm", deleting)
    code, out = run("--db", str(db), "--json")
    assert code == 0, out
    assert json.loads(out)["documents"] == 5  # the database as it was when it began
