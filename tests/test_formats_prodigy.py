"""Prodigy JSONL: the real ner_manual file and edge texts are fixed points of
Prodigy -> goldspan -> Prodigy; tokens come from spaCy's tokenizer."""

from __future__ import annotations

import json
from pathlib import Path

from test_formats_support import EDGE, PRODIGY, read_jsonl, run, spans_of, write_jsonl

from goldspan.core.exporter import export
from goldspan.core.importer import import_paths
from goldspan.core.storage import Store


def _core(rec: dict) -> tuple:
    return (rec["text"], [(s["start"], s["end"], s["label"]) for s in rec.get("spans", [])],
            rec.get("answer"))


def test_real_ner_manual_file_is_a_fixed_point(tmp_path: Path) -> None:
    db = tmp_path / "g.db"
    res = run("import", PRODIGY, "--db", db)
    assert res.exit_code == 0, res.output
    assert "373 new documents" in res.output
    out = tmp_path / "out.jsonl"
    res = run("export", "--db", db, "--format", "prodigy", "--out", out, "--all-statuses")
    assert res.exit_code == 0, res.output
    original = read_jsonl(PRODIGY)
    exported = read_jsonl(out)
    assert [_core(r) for r in exported] == [_core(r) for r in original]
    assert [r.get("answer") for r in exported].count("ignore") == 1
    for a, b in zip(original, exported, strict=True):
        assert b["meta"] == a["meta"]
        assert b["_input_hash"] == a["_input_hash"] and b["_task_hash"] == a["_task_hash"]
        toks = b["tokens"]
        assert [t["id"] for t in toks] == list(range(len(toks)))
        for t in toks:
            assert b["text"][t["start"]:t["end"]] == t["text"]
        for s in b["spans"]:
            assert toks[s["token_start"]]["start"] == s["start"]
            assert toks[s["token_end"]]["end"] == s["end"]
    # The real file's tokens came from spaCy too: where it tokenised alike, ids agree.
    same = sum(1 for a, b in zip(original, exported, strict=True)
               if [(t["start"], t["end"]) for t in a["tokens"]]
               == [(t["start"], t["end"]) for t in b["tokens"]])
    assert same > 300
    # And once more: goldspan's own output is a byte-for-byte fixed point.
    db2 = tmp_path / "g2.db"
    assert run("import", out, "--db", db2).exit_code == 0
    out2 = tmp_path / "out2.jsonl"
    assert run("export", "--db", db2, "--format", "prodigy", "--out", out2,
               "--all-statuses").exit_code == 0
    assert out2.read_bytes() == out.read_bytes()


def test_without_all_statuses_the_ignored_record_is_left_out(tmp_path: Path) -> None:
    db = tmp_path / "g.db"
    assert run("import", PRODIGY, "--db", db).exit_code == 0
    out = tmp_path / "out.jsonl"
    assert run("export", "--db", db, "--format", "prodigy", "--out", out).exit_code == 0
    answers = [r["answer"] for r in read_jsonl(out)]
    assert len(answers) == 372 and set(answers) == {"accept"}


def test_edge_texts_round_trip(tmp_path: Path) -> None:
    records = []
    for text, surfaces in EDGE:
        spans = [{"start": a, "end": b, "label": "X"} for a, b in spans_of(text, surfaces)]
        records.append({"text": text, "spans": spans, "answer": "accept",
                        "_annotator_id": "ann"})
    src = write_jsonl(tmp_path / "edge.jsonl", records)
    with Store.open(tmp_path / "g.db") as store:
        import_paths(store, [src])
        for doc_id, (text, surfaces) in enumerate(EDGE, 1):
            doc = store.document(doc_id)
            assert doc.text == text.replace("\r\n", "\n")
            ann = store.annotation(doc_id, "ann")
            assert ann is not None and ann.status == "done"
            assert [doc.text[s.start:s.end] for s in store.spans(ann.id)] == surfaces
        out = tmp_path / "out.jsonl"
        export(store, out, format="prodigy")
    for rec, (text, surfaces) in zip(read_jsonl(out), EDGE, strict=True):
        norm = text.replace("\r\n", "\n")
        assert rec["text"] == norm
        assert [(s["start"], s["end"]) for s in rec["spans"]] == spans_of(norm, surfaces)
        assert rec["_annotator_id"] == "ann" and rec["answer"] == "accept"


def test_crlf_offsets_move_back_one_per_crlf(tmp_path: Path) -> None:
    text = "A\r\nB\r\nParis"
    src = write_jsonl(tmp_path / "crlf.jsonl", [
        {"text": text, "spans": [{"start": 6, "end": 11, "label": "GPE"}], "answer": "accept"}])
    with Store.open(tmp_path / "g.db") as store:
        import_paths(store, [src])
        ann = store.annotation(1, "import")
        assert ann is not None
        assert store.document(1).text == "A\nB\nParis"
        assert [(s.start, s.end) for s in store.spans(ann.id)] == [(4, 9)]


def test_answers_annotators_and_tasks(tmp_path: Path) -> None:
    src = write_jsonl(tmp_path / "mixed.jsonl", [
        {"text": "Alice went to Rome.", "spans": [{"start": 0, "end": 5, "label": "PERSON"}],
         "answer": "reject", "_annotator_id": "news-alice", "_session_id": "other"},
        {"text": "Bob went to Oslo.", "answer": "ignore", "_session_id": "news-bob"},
        {"text": "Carol went to Lima.", "answer": "accept"},
        {"text": "Dan went to Kyiv.", "meta": {"model": "en_core_web_sm@3.8.0"},
         "spans": [{"start": 12, "end": 16, "label": "GPE", "score": 0.9}]},
    ])
    with Store.open(tmp_path / "g.db") as store:
        summary = import_paths(store, [src], annotator="me")
        assert summary.total("versions_written") == 3
        assert summary.total("suggestions") == 1
        assert store.annotation(1, "news-alice").status == "rejected"  # type: ignore[union-attr]
        assert store.annotation(2, "news-bob").status == "skipped"  # type: ignore[union-attr]
        assert store.annotation(3, "me").status == "done"  # type: ignore[union-attr]
        assert store.annotations(4) == []
        sugg = store.suggestions(4, "en_core_web_sm@3.8.0")
        assert [(s.start, s.end, s.label, s.score) for s in sugg] == [(12, 16, "GPE", 0.9)]
        assert {lab.name for lab in store.labels()} == {"PERSON", "GPE"}


def test_misaligned_span_is_written_as_is_and_reported(tmp_path: Path) -> None:
    src = write_jsonl(tmp_path / "m.jsonl", [
        {"text": "Londoners like London.", "spans": [{"start": 0, "end": 6, "label": "GPE"},
                                                 {"start": 15, "end": 21, "label": "GPE"}],
         "answer": "accept"}])
    db = tmp_path / "g.db"
    assert run("import", src, "--db", db).exit_code == 0
    out = tmp_path / "o.jsonl"
    res = run("export", "--db", db, "--format", "prodigy", "--out", out)
    assert res.exit_code == 0
    assert "document 1, offset 0-6 (GPE): not on spaCy token boundaries" in res.output
    rec = json.loads(out.read_text())
    assert rec["spans"][0] == {"start": 0, "end": 6, "label": "GPE"}
    assert rec["spans"][1]["token_start"] == 2


def test_meta_keeps_its_keys_and_gets_the_stored_source(tmp_path: Path) -> None:
    """Issue 14: a Prodigy export wrote ``meta: {}`` although the document's source
    (the file it came from) is stored. The real file, with one record given more meta
    keys and one with no meta at all, and a CoNLL file of re3d."""
    original = read_jsonl(PRODIGY)
    original[0]["meta"] = {"source": "The New York Times", "section": "tech", "pattern": 3}
    del original[1]["meta"]
    src = tmp_path / "headlines.jsonl"
    write_jsonl(src, original)
    conll = next((Path(__file__).parent / "data" / "re3d" / "US_State_Department").glob("*.conll"))
    db = tmp_path / "m.db"
    assert run("import", src, conll, "--db", db).exit_code == 0
    out = tmp_path / "out.jsonl"
    res = run("export", "--db", db, "--format", "prodigy", "--out", out, "--all-statuses")
    assert res.exit_code == 0, res.output
    exported = {r["text"]: r for r in read_jsonl(out)}

    assert exported[original[0]["text"]]["meta"] == original[0]["meta"]  # every key kept
    assert exported[original[1]["text"]]["meta"] == {"source": str(src)}  # the stored source
    for rec in original[2:]:
        assert exported[rec["text"]]["meta"] == rec["meta"]
    from_conll = [r for t, r in exported.items() if t not in {o["text"] for o in original}]
    assert from_conll and {r["meta"]["source"] for r in from_conll} == {str(conll)}

    # and back: the source and the other keys survive another round
    db2 = tmp_path / "m2.db"
    assert run("import", out, "--db", db2).exit_code == 0
    out2 = tmp_path / "out2.jsonl"
    assert run("export", "--db", db2, "--format", "prodigy", "--out", out2,
               "--all-statuses").exit_code == 0
    assert out2.read_bytes() == out.read_bytes()
