"""model_vs_gold on a hand-made case whose counts are known: one suggestion of each
outcome, a run that found nothing, documents without a gold; figures checked by hand
and against spaCy's own scorer; the `goldspan stats --json` shape and table."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import spacy
import typer
from spacy.scorer import Scorer
from spacy.training import Example
from typer.testing import CliRunner

from goldspan.core.types import Span, Suggestion
from goldspan.core.model_eval import model_vs_gold, outcome
from goldspan.core.storage import Store

T1 = "Mark Esper met Angela Merkel in Berlin and Paris on Monday with NATO officials."
T2 = "The Pentagon said nothing."
T3 = "Lloyd Austin was not asked."
T4 = "Christopher Miller was acting secretary."


def sp(text: str, sub: str, label: str) -> Span:
    i = text.index(sub)
    return Span(i, i + len(sub), label)


def sg(text: str, sub: str, label: str) -> Suggestion:
    i = text.index(sub)
    return Suggestion(i, i + len(sub), label)


GOLD1 = [sp(T1, "Mark Esper", "PERSON"), sp(T1, "Angela Merkel", "PERSON"),
         sp(T1, "Berlin", "GPE"), sp(T1, "Paris", "GPE"), sp(T1, "NATO", "ORG")]
SUGG1 = [
    sg(T1, "Angela Merkel", "PERSON"),   # kept
    sg(T1, "Berlin", "ORG"),             # relabelled
    sg(T1, "Mark", "PERSON"),            # resized
    sg(T1, "with NATO", "LOC"),          # replaced (other bounds and label)
    sg(T1, "Monday", "DATE"),            # deleted
]
GOLD2 = [sp(T2, "Pentagon", "ORG")]


@pytest.fixture()
def db(tmp_path: Path) -> Path:
    path = tmp_path / "eval.db"
    with Store.open(path) as s:
        for t in (T1, T2, T3, T4):
            s.add_document(t)
        s.put_version(1, "alice", "done", GOLD1)
        s.put_suggestions(1, "m@1", SUGG1)
        s.put_version(2, "alice", "done", GOLD2)
        s.put_suggestions(2, "m@1", [])                      # ran, found nothing: 1 fn
        s.put_version(3, "alice", "in_progress", [sp(T3, "Lloyd Austin", "PERSON")])
        s.put_suggestions(3, "m@1", [sg(T3, "Lloyd", "PERSON")])   # no gold: not counted
        s.put_version(4, "alice", "done", [sp(T4, "Christopher Miller", "PERSON")])
        s.put_version(4, "bob", "done", [])                  # conflict, no gold
        s.put_suggestions(4, "m@1", [sg(T4, "Christopher", "ORG")])
        s.put_suggestions(1, "n@2", [sg(T1, "Mark Esper", "PERSON"), sg(T1, "Paris", "GPE")])
    return path


def test_hand_made_counts(db: Path) -> None:
    with Store.open(db, create=False) as s:
        figures = model_vs_gold(s)
    assert list(figures) == ["m@1", "n@2"]
    m = figures["m@1"]
    assert (m["documents"], m["suggestions"]) == (2, 5)
    outcomes = (m["kept"], m["relabelled"], m["resized"], m["replaced"], m["deleted"])
    assert outcomes == (1, 1, 1, 1, 1)
    assert (m["tp"], m["fp"], m["fn"]) == (1, 4, 5)
    assert m["precision"] == pytest.approx(1 / 5)
    assert m["recall"] == pytest.approx(1 / 6)
    assert m["f1"] == pytest.approx(2 * (1 / 5) * (1 / 6) / (1 / 5 + 1 / 6))
    per = m["per_label"]
    assert set(per) == {"PERSON", "GPE", "ORG", "LOC", "DATE"}
    assert (per["PERSON"]["tp"], per["PERSON"]["fp"], per["PERSON"]["fn"]) == (1, 1, 1)
    assert per["PERSON"]["precision"] == per["PERSON"]["recall"] == pytest.approx(0.5)
    assert (per["ORG"]["tp"], per["ORG"]["fp"], per["ORG"]["fn"]) == (0, 1, 2)
    assert (per["GPE"]["fp"], per["GPE"]["fn"], per["GPE"]["precision"]) == (0, 2, 0.0)
    n = figures["n@2"]
    assert (n["documents"], n["kept"], n["deleted"], n["tp"], n["fn"]) == (1, 2, 0, 2, 3)
    assert n["precision"] == 1.0 and n["recall"] == pytest.approx(0.4)


def test_outcome_order() -> None:
    gold = [Span(0, 4, "PER"), Span(10, 14, "ORG")]
    assert outcome((0, 4, "PER"), gold) == "kept"
    assert outcome((0, 4, "ORG"), gold) == "relabelled"
    assert outcome((0, 3, "PER"), gold) == "resized"
    assert outcome((2, 12, "ORG"), gold) == "resized"  # overlaps the ORG span too
    assert outcome((2, 12, "LOC"), gold) == "replaced"
    assert outcome((5, 9, "PER"), gold) == "deleted"


def test_same_figures_as_spacy_scorer(db: Path) -> None:
    """Where every span sits on token boundaries, exact character match is spaCy's
    exact entity match: the scorer on the same documents agrees."""
    nlp = spacy.blank("en")
    examples = []
    for text, gold, sugg in ((T1, GOLD1, SUGG1), (T2, GOLD2, [])):
        pred, ref = nlp.make_doc(text), nlp.make_doc(text)
        pred.ents = [pred.char_span(s.start, s.end, label=s.label) for s in sugg]
        ref.ents = [ref.char_span(s.start, s.end, label=s.label) for s in gold]
        examples.append(Example(pred, ref))
    spacy_scores = Scorer().score_spans(examples, "ents")
    with Store.open(db, create=False) as s:
        m = model_vs_gold(s)["m@1"]
    assert m["precision"] == pytest.approx(spacy_scores["ents_p"])
    assert m["recall"] == pytest.approx(spacy_scores["ents_r"])
    assert m["f1"] == pytest.approx(spacy_scores["ents_f"])
    for label, f in spacy_scores["ents_per_type"].items():
        assert m["per_label"][label]["f1"] == pytest.approx(f["f"]), label


def goldspan_app() -> typer.Typer:
    from goldspan.cli import main

    if not main.app.registered_commands:
        main._register()
    return main.app


def test_stats_cli_json_shape_and_table(db: Path) -> None:
    result = CliRunner().invoke(goldspan_app(), ["stats", "--db", str(db), "--json"])
    assert result.exit_code == 0, result.output
    data: dict[str, Any] = json.loads(result.stdout)
    assert data["documents"] == 4
    assert data["versions"]["by_annotator"]["alice"] == {"done": 3, "in_progress": 1}
    assert data["spans"]["total"] == 8
    assert set(data["model_vs_gold"]) == {"m@1", "n@2"}
    for fig in data["model_vs_gold"].values():
        assert {"precision", "recall", "f1", "per_label", "kept", "relabelled", "resized",
                "deleted"} <= set(fig)
    table = CliRunner().invoke(goldspan_app(), ["stats", "--db", str(db)])
    assert table.exit_code == 0, table.output
    assert "model vs gold" in table.stdout
    assert "m@1: 2 documents, 5 suggestions  P 20.0  R 16.7  F 18.2" in table.stdout
    assert "kept 1, relabelled 1, resized 1, replaced 1, deleted 1" in table.stdout


def test_empty_database_has_no_model_figures(tmp_path: Path) -> None:
    with Store.open(tmp_path / "e.db") as s:
        s.add_document("Nothing annotated.")
        s.put_suggestions(1, "m@1", [Suggestion(0, 7, "ORG")])
        assert model_vs_gold(s) == {}
