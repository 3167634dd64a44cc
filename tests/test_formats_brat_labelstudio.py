"""brat standoff and Label Studio JSON, both ways, plus ``--format auto`` detection."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from test_formats_support import (DOCCANO_REL, DOCCANO_SEQ, EDGE, PRODIGY, RE3D, WIKIGOLD, run,
                                  spans_of)

from goldspan.core.formats.detect import detect
from goldspan.core.importer import import_paths
from goldspan.core.dataset import select
from goldspan.core.types import Span
from goldspan.core.storage import Store


def _gold(db: Path) -> list[tuple[str, list[tuple[int, int, str]]]]:
    with Store.open(db) as store:
        return [(i.document.text, [(s.start, s.end, s.label) for s in i.spans])
                for i in select(store)]


def test_brat_round_trip_and_other_lines_reported(tmp_path: Path) -> None:
    src = tmp_path / "brat"
    src.mkdir()
    for i, (text, surfaces) in enumerate(EDGE):
        (src / f"d{i}.txt").write_bytes(text.encode("utf-8"))
        ann = [f"T{k}\tX {a} {b}\t{text[a:b]}" for k, (a, b) in
               enumerate(spans_of(text, surfaces), 1)]
        if i == 0:
            ann += ["R1\tMeets Arg1:T1 Arg2:T2", "#1\tAnnotatorNotes T1\tpresident"]
        (src / f"d{i}.ann").write_text("\n".join(ann) + "\n", encoding="utf-8")
    db = tmp_path / "g.db"
    res = run("import", src, "--db", db)
    assert res.exit_code == 0, res.output
    assert "5 new documents" in res.output
    assert "2 brat lines other than text-bound entities" in res.output
    with Store.open(db) as store:
        assert store.document(1).meta["brat"]["other"][0].startswith("R1\tMeets")
    out = tmp_path / "out"
    assert run("export", "--db", db, "--format", "brat", "--out", out).exit_code == 0
    assert (out / "annotation.conf").read_text().startswith("[entities]\nX\n")
    db2 = tmp_path / "g2.db"
    assert run("import", out, "--db", db2).exit_code == 0
    assert _gold(db2) == _gold(db)
    for text, spans in _gold(db):
        assert [text[a:b] for a, b, _ in spans] == next(s for t, s in EDGE
                                                        if t.replace("\r\n", "\n") == text)


def test_brat_quoted_text_must_match(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("Paris is nice.", encoding="utf-8")
    (tmp_path / "a.ann").write_text("T1\tGPE 0 5\tRome\n", encoding="utf-8")
    res = run("import", tmp_path / "a.ann", "--db", tmp_path / "g.db")
    assert res.exit_code != 0
    assert "a.ann, line 1: T line quotes 'Rome' but the text at 0-5 is 'Paris'" in res.output


def test_labelstudio_round_trip_with_predictions(tmp_path: Path) -> None:
    tasks = []
    for i, (text, surfaces) in enumerate(EDGE):
        result = [{"type": "labels", "from_name": "label", "to_name": "text",
                   "value": {"start": a, "end": b, "text": text[a:b], "labels": ["X"]}}
                  for a, b in spans_of(text, surfaces)]
        tasks.append({"id": 100 + i, "data": {"text": text},
                      "annotations": [{"completed_by": {"id": 1, "email": "ann@example.org"},
                                       "result": result, "was_cancelled": False}],
                      "predictions": [{"model_version": "ner@1", "score": 0.5,
                                       "result": result[:1]}]})
    src = tmp_path / "ls.json"
    src.write_text(json.dumps(tasks, ensure_ascii=False, indent=1), encoding="utf-8")
    db = tmp_path / "g.db"
    res = run("import", src, "--db", db)
    assert res.exit_code == 0, res.output
    assert "5 suggestions" in res.output
    with Store.open(db) as store:
        assert store.annotation(1, "ann@example.org") is not None
        assert len(store.suggestions(1, "ner@1")) == 1
    out = tmp_path / "out.json"
    assert run("export", "--db", db, "--format", "labelstudio", "--out", out).exit_code == 0
    exported = json.loads(out.read_text(encoding="utf-8"))
    assert len(exported) == 5
    assert exported[0]["annotations"][0]["completed_by"] == {"email": "ann@example.org"}
    db2 = tmp_path / "g2.db"
    assert run("import", out, "--db", db2).exit_code == 0
    assert _gold(db2) == _gold(db)


def test_labelstudio_utf16_offsets_are_refused(tmp_path: Path) -> None:
    text = "👍 Paris is nice"
    task = {"data": {"text": text}, "annotations": [{"result": [
        {"type": "labels", "value": {"start": 3, "end": 8, "text": "Paris", "labels": ["GPE"]}}]}]}
    src = tmp_path / "ls.json"
    src.write_text(json.dumps([task]), encoding="utf-8")
    res = run("import", src, "--db", tmp_path / "g.db")
    assert res.exit_code != 0
    assert "ls.json, line 1: " in res.output and "UTF-16" in res.output


@pytest.mark.parametrize("path,fmt", [
    (PRODIGY, "prodigy"), (DOCCANO_SEQ, "doccano"), (DOCCANO_REL, "doccano"),
    (WIKIGOLD, "conll"), (next(RE3D.glob("*.conll")), "conll"),
])
def test_detect_real_files(path: Path, fmt: str) -> None:
    assert detect(path) == fmt


def test_detect_by_content(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("An article.\nIt has lines.\n", encoding="utf-8")
    (tmp_path / "b.json").write_text('[{"data": {"text": "x"}}]', encoding="utf-8")
    (tmp_path / "c.tsv").write_text("Kim\tperson\nran\tO\n", encoding="utf-8")
    (tmp_path / "d.spacy").write_bytes(b"")
    assert [detect(tmp_path / n) for n in ("a.txt", "b.json", "c.tsv", "d.spacy")] == [
        "txt", "labelstudio", "conll", "spacy"]


def test_text_folder_in_sorted_order_title_first_line(tmp_path: Path) -> None:
    folder = tmp_path / "articles"
    folder.mkdir()
    (folder / "b.txt").write_bytes(b"Second title\r\nBody two.\r\n")
    (folder / "a.txt").write_bytes("\ufeffFirst title\nBody one 👍.\n".encode("utf-8"))
    with Store.open(tmp_path / "g.db") as store:
        summary = import_paths(store, [folder])
        assert summary.total("documents_created") == 2 and summary.total("versions_written") == 0
        assert store.document(1).title == "First title"
        assert store.document(2).text == "Second title\nBody two.\n"


def test_brat_relations_notes_and_ids_survive_corrections(tmp_path: Path) -> None:
    """The lines goldspan has no place for go back out, pointing at the same entities;
    one whose entity was deleted is left out and reported, never re-pointed."""
    text = "Mark Esper met Nasser Bourita in Rabat on Friday.\n"
    src = tmp_path / "brat"
    src.mkdir()
    (src / "a.txt").write_text(text, encoding="utf-8")
    (src / "a.ann").write_text(
        "T1\tPER 0 10\tMark Esper\n"
        "T4\tPER 15 29\tNasser Bourita\n"
        "T7\tLOC 33 38\tRabat\n"
        "T9\tTIME 0 4;5 10\tMark Esper\n"  # discontinuous: kept as it is
        "R1\tMeets Arg1:T1 Arg2:T4\n"
        "R2\tLocatedIn Arg1:T4 Arg2:T7\n"
        "A1\tConfirmed R2\n"
        "#1\tAnnotatorNotes T1\tUS defence secretary\n", encoding="utf-8")
    db = tmp_path / "g.db"
    assert run("import", src, "--db", db).exit_code == 0
    with Store.open(db) as store:
        (version,) = store.annotations(1)
        spans = store.spans(version.id)
        # relabel Rabat as GPE, delete nothing yet, add Friday
        fixed = [Span(s.start, s.end, "GPE", "manual") if s.start == 33 else s for s in spans]
        fixed.append(Span(42, 48, "DATE", "manual"))
        store.put_version(1, version.annotator, "done", fixed)
    out = tmp_path / "out"
    res = run("export", "--db", db, "--format", "brat", "--out", out)
    assert res.exit_code == 0, res.output
    ann = (out / "000001.ann").read_text(encoding="utf-8").splitlines()
    assert ann[:4] == ["T1\tPER 0 10\tMark Esper", "T4\tPER 15 29\tNasser Bourita",
                       "T7\tGPE 33 38\tRabat", "T10\tDATE 42 48\tFriday"]
    assert ann[4:] == ["T9\tTIME 0 4;5 10\tMark Esper", "R1\tMeets Arg1:T1 Arg2:T4",
                       "R2\tLocatedIn Arg1:T4 Arg2:T7", "A1\tConfirmed R2",
                       "#1\tAnnotatorNotes T1\tUS defence secretary"]
    # the analyst deletes Rabat: the relation to it and the attribute on that relation go
    with Store.open(db) as store:
        (version,) = store.annotations(1)
        store.put_version(1, version.annotator, "done",
                          [s for s in store.spans(version.id) if s.start != 33])
    out2 = tmp_path / "out2"
    res = run("export", "--db", db, "--format", "brat", "--out", out2)
    assert res.exit_code == 0, res.output
    ann2 = (out2 / "000001.ann").read_text(encoding="utf-8").splitlines()
    assert "R1\tMeets Arg1:T1 Arg2:T4" in ann2 and "#1\tAnnotatorNotes T1\tUS defence secretary" in ann2
    assert not any(line.startswith(("R2", "A1", "T7")) for line in ann2)
    assert "2 of them left out" in res.output or "left out" in res.output
    assert "T7" in res.output  # which entity the dropped lines needed


def test_brat_offsets_of_thousands_of_digits_are_one_line(tmp_path: Path) -> None:
    """An offset of 5,000 digits (found by the fuzzer) was int()'s ValueError, a
    traceback; it is one line naming the .ann and the line, in a contiguous and in a
    fragmented T line alike."""
    (tmp_path / "a.txt").write_text("Mark Esper met Rabat.", encoding="utf-8")
    huge = "1" * 5000
    for ranges in (f"0 {huge}", f"0 4;{huge} {huge}1"):
        (tmp_path / "a.ann").write_text(f"T1\tPER {ranges}\tMark\n", encoding="utf-8")
        res = run("import", tmp_path / "a.ann", "--db", tmp_path / "g.db")
        assert res.exit_code != 0 or "1 new documents" in res.output
        assert "Traceback" not in res.output and not isinstance(res.exception, ValueError)
    (tmp_path / "a.ann").write_text(f"T1\tPER 0 {huge}\tMark\n", encoding="utf-8")
    res = run("import", tmp_path / "a.ann", "--db", tmp_path / "g.db")
    assert res.exit_code != 0 and "a.ann, line 1: T line should give" in res.output
