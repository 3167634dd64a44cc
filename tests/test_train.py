"""`goldspan train` end to end on a real gold set (the Prodigy news headlines in
tests/data): a blank and a base pipeline are trained through the CLI, loaded with
``spacy.load``, used by ``goldspan suggest --model DIR``, and their before/after
figures are checked against spaCy's own ``Scorer`` computed here, independently, on
the held-out documents chosen by the documented split rule."""

from __future__ import annotations

import json
import random
import sqlite3
from pathlib import Path
from typing import Any

import pytest
import spacy
import typer
from spacy.scorer import Scorer
from spacy.training import Example
from typer.testing import CliRunner

from goldspan.core.importer import import_paths
from goldspan.core.types import Span
from goldspan.core.dataset import select
from goldspan.core.storage import Store
from goldspan.core.dataset import split as split_indices
from goldspan.core.train import TrainError, pipeline_name
from goldspan.core.train import train as train_fn

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
HEADLINES = ROOT / "tests/data/prodigy/annotated_news_headlines-ORG-PERSON-LOCATION-ner.jsonl"


def goldspan_app() -> typer.Typer:
    from goldspan.cli import main

    if not main.app.registered_commands:
        main._register()
    return main.app


def run(*args: object) -> Any:
    return CliRunner().invoke(goldspan_app(), [str(a) for a in args])


@pytest.fixture(scope="module")
def news_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("train") / "news.db"
    with Store.open(db) as store:
        import_paths(store, [HEADLINES])
    return db


def gold_items(db: Path) -> list[tuple[str, list[Span]]]:
    with Store.open(db, create=False) as store:
        return [(it.document.text, it.spans) for it in select(store)]


def held_out(db: Path, split: float = 0.2, seed: int = 0) -> list[tuple[str, list[Span]]]:
    """The documented rule, re-done here: round(n * split) item numbers drawn with
    random.Random(seed).sample from the selection in document order."""
    items = gold_items(db)
    chosen = set(random.Random(seed).sample(range(len(items)), round(len(items) * split)))
    return [it for i, it in enumerate(items) if i in chosen]


def scorer_figures(nlp: Any, items: list[tuple[str, list[Span]]]) -> dict[str, Any]:
    """spaCy's Scorer on the pipeline's predictions, with reference docs built here."""
    tokenizer = spacy.blank("en")
    examples = []
    for text, spans in items:
        ref = tokenizer.make_doc(text)
        ents = [ref.char_span(s.start, s.end, label=s.label) for s in spans]
        ref.ents = [e for e in ents if e is not None]
        examples.append(Example(nlp(text), ref))
    return Scorer().score_spans(examples, "ents")


def assert_same(ours: dict[str, Any], theirs: dict[str, Any]) -> None:
    assert ours["precision"] == pytest.approx(theirs["ents_p"] or 0.0)
    assert ours["recall"] == pytest.approx(theirs["ents_r"] or 0.0)
    assert ours["f1"] == pytest.approx(theirs["ents_f"] or 0.0)
    per = theirs["ents_per_type"] or {}
    assert set(ours["per_label"]) == set(per)
    for label, f in per.items():
        assert ours["per_label"][label]["precision"] == pytest.approx(f["p"]), label
        assert ours["per_label"][label]["recall"] == pytest.approx(f["r"]), label
        assert ours["per_label"][label]["f1"] == pytest.approx(f["f"]), label


@pytest.fixture(scope="module")
def blank_run(news_db: Path,
              tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    out = tmp_path_factory.mktemp("blank-out") / "blank-model"
    result = run("train", "--db", news_db, "--out", out, "--blank", "en",
                 "--max-steps", 20, "--json")
    assert result.exit_code == 0, result.output
    return out, json.loads(result.stdout)


@pytest.fixture(scope="module")
def base_run(news_db: Path,
             tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    out = tmp_path_factory.mktemp("base-out") / "base-model"
    result = run("train", "--db", news_db, "--out", out, "--base", "en_core_web_sm",
                 "--max-steps", 60, "--json")
    assert result.exit_code == 0, result.output
    return out, json.loads(result.stdout)


def test_blank_json_shape_and_split(blank_run: tuple[Path, dict[str, Any]], news_db: Path) -> None:
    out, figures = blank_run
    assert {"before", "after", "model", "train_docs", "eval_docs"} <= set(figures)
    for side in ("before", "after"):
        assert {"precision", "recall", "f1", "per_label"} <= set(figures[side])
    n = len(gold_items(news_db))
    assert n == 372  # 373 headlines, one answered "ignore" (skipped: no gold)
    assert figures["eval_docs"] == round(n * 0.2) == 74
    assert figures["train_docs"] == n - 74
    assert Path(figures["model"]) == out
    assert figures["evaluated_on"] == "held-out"


def test_blank_pipeline_loads_with_its_own_name(blank_run: tuple[Path, dict[str, Any]]) -> None:
    out, figures = blank_run
    nlp = spacy.load(out)
    assert nlp.pipe_names == ["ner"]  # ner only, with its own tok2vec
    assert nlp.meta["name"] == pipeline_name(Path("news.db")) == "goldspan_news"
    assert nlp.meta["version"].startswith("0.0.")
    assert figures["model_id"] == f"en_goldspan_news@{nlp.meta['version']}"
    assert set(nlp.get_pipe("ner").labels) == {"LOCATION", "ORG", "PERSON", "PRODUCT"}
    # nothing half-written left next to it
    assert [p.name for p in out.parent.iterdir()] == [out.name]


def test_blank_before_is_zero_and_after_matches_spacy_scorer(
        blank_run: tuple[Path, dict[str, Any]], news_db: Path) -> None:
    out, figures = blank_run
    before = figures["before"]
    assert (before["precision"], before["recall"], before["f1"]) == (0.0, 0.0, 0.0)
    assert set(before["per_label"]) == {"LOCATION", "ORG", "PERSON", "PRODUCT"}
    assert all(v == {"precision": 0.0, "recall": 0.0, "f1": 0.0}
               for v in before["per_label"].values())
    assert_same(figures["after"], scorer_figures(spacy.load(out), held_out(news_db)))


def test_base_adds_new_labels_and_figures_match_spacy_scorer(
        base_run: tuple[Path, dict[str, Any]], news_db: Path) -> None:
    out, figures = base_run
    nlp = spacy.load(out)
    assert nlp.pipe_names == ["ner"]
    # A custom label set (LOCATION is not the base's): only the project's labels, the
    # base's other ones (GPE, CARDINAL...) go (issue 13).
    assert set(nlp.get_pipe("ner").labels) == {"LOCATION", "ORG", "PERSON", "PRODUCT"}
    assert nlp.meta["name"] == "goldspan_news"
    assert not figures["model_id"].startswith("en_core_web_sm")
    items = held_out(news_db)
    assert_same(figures["after"], scorer_figures(nlp, items))
    # "before" is the base's output through the labels rule learnt on the training
    # split (GPE -> LOCATION, as the analysts made it), never its raw OntoNotes names.
    assert set(figures["before"]["per_label"]) <= {"LOCATION", "ORG", "PERSON", "PRODUCT"}
    assert figures["before"]["per_label"]["LOCATION"]["f1"] > 0.3
    # the base already finds people and organisations: not zero before, and 60 steps on
    # 298 headlines teach the fresh output layer (on the base's tok2vec) something
    assert figures["before"]["f1"] > 0.05
    assert figures["after"]["f1"] > 0.05


def test_suggest_with_the_trained_folder(base_run: tuple[Path, dict[str, Any]],
                                         news_db: Path) -> None:
    out, figures = base_run
    result = run("suggest", "--db", news_db, "--model", out)
    assert result.exit_code == 0, result.output
    model_id = figures["model_id"]
    assert model_id in result.output
    nlp = spacy.load(out)
    with sqlite3.connect(news_db) as conn:
        runs = conn.execute("SELECT count(*) FROM suggestion_runs WHERE model = ?",
                            (model_id,)).fetchone()[0]
        text = conn.execute("SELECT text FROM documents WHERE id = 2").fetchone()[0]
        stored = conn.execute('SELECT start, "end", label FROM suggestions '
                              "WHERE document_id = 2 AND model = ? ORDER BY start",
                              (model_id,)).fetchall()
    assert runs == 373
    assert stored == [(e.start_char, e.end_char, e.label_) for e in nlp(text).ents]


def test_split_is_deterministic_by_seed() -> None:
    a = split_indices(100, 0.2, seed=1)
    assert a == split_indices(100, 0.2, seed=1) and len(a) == 20
    assert a != split_indices(100, 0.2, seed=2)
    assert split_indices(100, 0.0, seed=1) == set()
    assert split_indices(1, 0.5, seed=1) == set()  # nothing would be left to train on
    assert len(split_indices(3, 0.01, seed=1)) == 1


def test_empty_split_evaluates_on_training_data(news_db: Path, tmp_path: Path) -> None:
    with Store.open(news_db, create=False) as store:
        result = train_fn(store, tmp_path / "m", blank="en", eval_split=0.0, max_steps=2)
    assert result.eval_docs == 0 and result.train_docs == 372
    assert result.evaluated_on == "train"
    assert_same(result.after.to_dict(),
                scorer_figures(spacy.load(tmp_path / "m"), gold_items(news_db)))


def test_retrain_replaces_its_own_folder_only(news_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "model"
    args = ("train", "--db", news_db, "--out", out, "--blank", "en", "--max-steps", 1)
    readable = run(*args)
    assert readable.exit_code == 0, readable.output
    lines = readable.stdout.splitlines()
    assert lines[0].startswith("trained en_goldspan_news@0.0.") and str(out) in lines[0]
    assert lines[1].startswith("evaluated on 74 held-out documents (")
    n_ents = json.loads(run(*args, "--json").stdout)["eval_entities"]
    assert lines[1] == f"evaluated on 74 held-out documents ({n_ents} entities)"
    # Fewer than 100 held-out entities: the figures say they mean little (issue 13).
    assert n_ents < 100 and lines[2].startswith(
        f"warning: measured on only 74 held-out documents ({n_ents} entities): too few")
    assert lines[3].split() == ["before", "P", "R", "F", "after", "P", "R", "F"]
    assert lines[4].split()[0] == "ALL" and {"LOCATION", "PERSON"} <= {
        ln.split()[0] for ln in lines[5:]}
    assert "E    #" in readable.stderr  # spaCy's training table, on stderr
    first = json.loads((out / "meta.json").read_text())["goldspan"]
    assert first["train_docs"] == 298
    again = run(*args, "--eval-split", 0)
    assert again.exit_code == 0, again.output
    assert json.loads((out / "meta.json").read_text())["goldspan"]["train_docs"] == 372
    foreign = tmp_path / "mine"
    foreign.mkdir()
    (foreign / "notes.txt").write_text("keep me")
    refused = run("train", "--db", news_db, "--out", foreign, "--blank", "en")
    assert refused.exit_code == 2
    assert "goldspan replaces only a folder it wrote itself" in refused.stderr
    assert (foreign / "notes.txt").read_text() == "keep me"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mine", "model"]


def test_errors_are_one_line_and_leave_nothing(tmp_path: Path) -> None:
    db = tmp_path / "empty.db"
    with Store.open(db) as store:
        d, _ = store.add_document("Mark Esper spoke in Brussels.")
        store.put_version(d, "alice", "in_progress", [Span(0, 10, "PERSON")])
    out = tmp_path / "model"
    result = run("train", "--db", db, "--out", out, "--blank", "en")
    assert result.exit_code == 2
    assert "nothing to train on" in result.stderr and "Traceback" not in result.output
    assert len(result.stderr.strip().splitlines()) == 1
    assert not out.exists()
    assert sorted(p.name for p in tmp_path.iterdir() if not p.name.startswith("empty.db")) == []
    both = run("train", "--db", db, "--out", out, "--blank", "en", "--base", "en_core_web_sm")
    assert both.exit_code == 2 and "exclude each other" in both.stderr
    split = run("train", "--db", db, "--out", out, "--eval-split", 1.5)
    assert split.exit_code == 2 and "--eval-split" in split.stderr
    with Store.open(db) as store:
        store.put_version(1, "alice", "done", [])
    with Store.open(db) as store, pytest.raises(TrainError, match="no entities"):
        train_fn(store, out, blank="en")
    assert not out.exists()
