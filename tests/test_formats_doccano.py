"""doccano JSONL: the export examples are fixed points of doccano -> goldspan -> doccano;
the relation example (pretty-printed) and the 1.x ``labels`` shape are read."""

from __future__ import annotations

from pathlib import Path

from test_formats_support import (DOCCANO_LABELS, DOCCANO_OLD, DOCCANO_REL, DOCCANO_SEQ, EDGE,
                                  read_jsonl, run, spans_of, write_jsonl)

from goldspan.core.formats import doccano
from goldspan.core.importer import import_paths
from goldspan.core.storage import Store


def _norm(rec: dict) -> tuple:
    labels = rec.get("label", rec.get("labels"))
    return rec["text"], sorted(tuple(x) for x in labels)


def test_export_example_is_a_fixed_point(tmp_path: Path) -> None:
    db = tmp_path / "g.db"
    assert run("import", DOCCANO_SEQ, "--db", db).exit_code == 0
    out = tmp_path / "out.jsonl"
    res = run("export", "--db", db, "--format", "doccano", "--out", out)
    assert res.exit_code == 0, res.output
    assert [_norm(r) for r in read_jsonl(out)] == [_norm(r) for r in read_jsonl(DOCCANO_SEQ)]
    db2 = tmp_path / "g2.db"
    assert run("import", out, "--db", db2).exit_code == 0
    out2 = tmp_path / "out2.jsonl"
    assert run("export", "--db", db2, "--format", "doccano", "--out", out2).exit_code == 0
    assert out2.read_bytes() == out.read_bytes()


def test_labels_shape_keeps_its_extra_keys(tmp_path: Path) -> None:
    db = tmp_path / "g.db"
    assert run("import", DOCCANO_LABELS, "--db", db, "--format", "doccano").exit_code == 0
    out = tmp_path / "out.jsonl"
    assert run("export", "--db", db, "--format", "doccano", "--out", out).exit_code == 0
    original, exported = read_jsonl(DOCCANO_LABELS), read_jsonl(out)
    assert [_norm(r) for r in exported] == [_norm(r) for r in original]
    assert [r["id"] for r in exported] == [2578, 2580]
    assert all("annotation_approver" in r for r in exported)


def test_pretty_printed_entities_example_is_read() -> None:
    (rec,) = list(doccano.read(DOCCANO_REL))
    assert [(rec.text[s.start:s.end], s.label) for s in rec.spans] == [
        ("Google", "ORG"), ("September 4, 1998", "DATE"), ("Larry Page", "PERSON"),
        ("Sergey Brin", "PERSON")]
    assert rec.status == "done" and rec.line == 1


def test_numeric_label_ids_are_refused_with_a_reason(tmp_path: Path) -> None:
    res = run("import", DOCCANO_OLD, "--db", tmp_path / "g.db")
    assert res.exit_code != 0
    assert "doccano-transformer_labeling.jsonl, line 1: doccano 1.x 'annotations'" in res.output
    assert "Traceback" not in res.output


def test_edge_texts_round_trip(tmp_path: Path) -> None:
    records = [{"text": t, "label": [[a, b, "X"] for a, b in spans_of(t, s)]} for t, s in EDGE]
    src = write_jsonl(tmp_path / "edge.jsonl", records)
    with Store.open(tmp_path / "g.db") as store:
        import_paths(store, [src], format="doccano")
    out = tmp_path / "out.jsonl"
    assert run("export", "--db", tmp_path / "g.db", "--format", "doccano", "--out",
               out).exit_code == 0
    for rec, (text, surfaces) in zip(read_jsonl(out), EDGE, strict=True):
        norm = text.replace("\r\n", "\n")
        assert rec["text"] == norm
        assert [(a, b) for a, b, _ in rec["label"]] == spans_of(norm, surfaces)
