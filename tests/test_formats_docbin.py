"""spaCy DocBin: ``Doc.ents`` equal the gold; spans off tokens are left out and
reported; the corpus with the config ``export --config`` writes trains and passes
``spacy debug data``."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import spacy
from spacy.tokens import DocBin
from test_formats_support import EDGE, PRODIGY, RE3D, run, spans_of, write_jsonl

from goldspan.core.formats import docbin
from goldspan.core.dataset import select
from goldspan.core.storage import Store


def _ents(path: Path) -> list[list[tuple[int, int, str]]]:
    nlp = spacy.blank("en")
    return [[(e.start_char, e.end_char, e.label_) for e in d.ents]
            for d in DocBin().from_disk(path).get_docs(nlp.vocab)]


def test_docbin_entities_equal_the_gold(tmp_path: Path) -> None:
    db = tmp_path / "g.db"
    assert run("import", RE3D, "--db", db).exit_code == 0
    src = write_jsonl(tmp_path / "e.jsonl", [
        {"text": t, "label": [[a, b, "X"] for a, b in spans_of(t, s)]} for t, s in EDGE])
    assert run("import", src, "--db", db, "--format", "doccano").exit_code == 0
    out = tmp_path / "c.spacy"
    res = run("export", "--db", db, "--format", "spacy", "--out", out)
    assert res.exit_code == 0, res.output
    with Store.open(db) as store:
        gold = [[(s.start, s.end, s.label) for s in item.spans] for item in select(store)]
        texts = [item.document.text for item in select(store)]
    assert _ents(out) == gold
    nlp = spacy.blank("en")
    assert [d.text for d in DocBin().from_disk(out).get_docs(nlp.vocab)] == texts
    # and back in: the same documents and spans
    db2 = tmp_path / "g2.db"
    assert run("import", out, "--db", db2).exit_code == 0
    with Store.open(db2) as store:
        assert [[(s.start, s.end, s.label) for s in i.spans] for i in select(store)] == gold


def test_misaligned_span_left_out_and_reported(tmp_path: Path) -> None:
    src = write_jsonl(tmp_path / "m.jsonl", [
        {"text": "Londoners like London.", "label": [[0, 6, "GPE"], [15, 21, "GPE"]]}])
    db = tmp_path / "g.db"
    assert run("import", src, "--db", db).exit_code == 0
    out = tmp_path / "c.spacy"
    res = run("export", "--db", db, "--format", "spacy", "--out", out)
    assert res.exit_code == 0
    assert "document 1, offset 0-6 (GPE): not on spaCy token boundaries; left out" in res.output
    assert "1 spans not on token boundaries, 1 of them left out" in res.output
    assert _ents(out) == [[(15, 21, "GPE")]]


def test_folder_output_is_sharded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(docbin, "SHARD_SIZE", 10)
    db = tmp_path / "g.db"
    assert run("import", RE3D, "--db", db).exit_code == 0
    out = tmp_path / "corpus"
    assert run("export", "--db", db, "--format", "spacy", "--out", out).exit_code == 0
    shards = sorted(out.glob("*.spacy"))
    assert [p.name for p in shards] == ["00000.spacy", "00001.spacy", "00002.spacy"]
    assert sum(len(_ents(p)) for p in shards) == 22


def test_corrupt_spacy_file_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "bad.spacy"
    bad.write_bytes(b"not a docbin")
    res = run("import", bad, "--db", tmp_path / "g.db")
    assert res.exit_code != 0
    assert "bad.spacy: not a spaCy DocBin (.spacy) file" in res.output


@pytest.mark.slow
def test_spacy_train_and_debug_data_on_the_export(tmp_path: Path) -> None:
    db = tmp_path / "g.db"
    assert run("import", PRODIGY, "--db", db).exit_code == 0
    corpus, cfg = tmp_path / "corpus", tmp_path / "config.cfg"
    res = run("export", "--db", db, "--format", "spacy", "--out", corpus, "--split", "0.8",
              "--seed", "3", "--config", cfg)
    assert res.exit_code == 0, res.output
    assert (corpus / "train.spacy").exists() and (corpus / "dev.spacy").exists()
    assert f"train = \"{(corpus / 'train.spacy').resolve()}\"" in cfg.read_text()
    debug = subprocess.run([sys.executable, "-m", "spacy", "debug", "data", str(cfg)],
                           capture_output=True, text=True, cwd=tmp_path)
    assert debug.returncode == 0, debug.stdout + debug.stderr
    assert "✘" not in debug.stdout, debug.stdout
    assert "misaligned" not in debug.stdout.lower() or "0 misaligned" in debug.stdout.lower()
    model = tmp_path / "model"
    train = subprocess.run(
        [sys.executable, "-m", "spacy", "train", str(cfg), "--output", str(model),
         "--training.max_steps", "10", "--training.eval_frequency", "5",
         "--nlp.batch_size", "64"],
        capture_output=True, text=True, cwd=tmp_path)
    assert train.returncode == 0, train.stdout + train.stderr
    assert (model / "model-last" / "meta.json").exists()
    nlp = spacy.load(model / "model-last")
    assert set(nlp.get_pipe("ner").labels) == {"ORG", "LOCATION", "PERSON", "PRODUCT"}
