"""CoNLL IOB: wikigold (IOB1) and re3d (IOB2) go through goldspan and come back with the
same tokens and tags; the scheme is detected; spaCy's own converter reads what goldspan
writes and finds the same entities."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from test_formats_support import EDGE, RE3D, WIKIGOLD, run, spans_of

from goldspan.core.formats import conll
from goldspan.core.importer import import_paths
from goldspan.core.types import Record, Span
from goldspan.core.storage import Store


def parse(path: Path) -> list[list[list[tuple[str, str]]]]:
    """Documents -> sentences -> (token, tag), straight from the file."""
    docs: list[list[list[tuple[str, str]]]] = [[]]
    sent: list[tuple[str, str]] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            if sent:
                docs[-1].append(sent)
                sent = []
            continue
        cols = line.split("\t") if "\t" in line else line.split()
        if cols[0] == "-DOCSTART-":
            if sent:
                docs[-1].append(sent)
                sent = []
            docs.append([])
            continue
        sent.append((cols[0], cols[-1]))
    if sent:
        docs[-1].append(sent)
    return [d for d in docs if d]


def test_wikigold_iob1_round_trip_same_tokens_and_tags(tmp_path: Path) -> None:
    db = tmp_path / "g.db"
    res = run("import", WIKIGOLD, "--db", db)
    assert res.exit_code == 0, res.output
    assert "145 new documents" in res.output
    out = tmp_path / "w.conll"
    res = run("export", "--db", db, "--format", "conll", "--out", out, "--scheme", "source")
    assert res.exit_code == 0, res.output
    assert parse(out) == parse(WIKIGOLD)
    # Written as IOB2 by default: the same entities, other tags.
    out2 = tmp_path / "w2.conll"
    assert run("export", "--db", db, "--format", "conll", "--out", out2).exit_code == 0
    assert parse(out2) != parse(WIKIGOLD)
    ents1 = [[(r.text[s.start:s.end], s.label) for s in r.spans] for r in conll.read(WIKIGOLD)]
    ents2 = [[(r.text[s.start:s.end], s.label) for s in r.spans] for r in conll.read(out2)]
    assert ents1 == ents2 and sum(map(len, ents1)) == 3558


def test_re3d_iob2_round_trip(tmp_path: Path) -> None:
    db = tmp_path / "g.db"
    res = run("import", RE3D, "--db", db)
    assert res.exit_code == 0, res.output
    assert "22 new documents" in res.output and "left out" in res.output  # LICENSE etc.
    out = tmp_path / "r.conll"
    assert run("export", "--db", db, "--format", "conll", "--out", out).exit_code == 0
    expected = [doc for f in sorted(RE3D.glob("*.conll")) for doc in parse(f)]
    assert parse(out) == expected


def test_text_and_meta_keep_tokens_and_sentences(tmp_path: Path) -> None:
    src = tmp_path / "a.conll"
    src.write_text("EU B-ORG\nrejects O\n\nGerman B-MISC\ncall O\n", encoding="utf-8")
    with Store.open(tmp_path / "g.db") as store:
        import_paths(store, [src])
        doc = store.document(1)
        assert doc.text == "EU rejects\nGerman call"
        assert doc.meta["tokens"] == [[0, 2], [3, 10], [11, 17], [18, 22]]
        assert doc.meta["sentences"] == [[0, 10], [11, 22]]
        assert doc.meta["conll_scheme"] == "iob2"


@pytest.mark.parametrize("tags,scheme,entities", [
    (["I-PER", "I-PER", "B-PER", "O"], "iob1", [(0, 2, "PER"), (2, 3, "PER")]),
    (["B-PER", "I-PER", "B-PER", "O"], "iob2", [(0, 2, "PER"), (2, 3, "PER")]),
    (["B-PER", "L-PER", "U-PER", "O"], "biluo", [(0, 2, "PER"), (2, 3, "PER")]),
    (["S-PER", "B-ORG", "E-ORG", "O"], "biluo", [(0, 1, "PER"), (1, 3, "ORG")]),
    (["person", "person", "O", "place"], "io", [(0, 2, "person"), (3, 4, "place")]),
])
def test_scheme_detection_and_decoding(tmp_path: Path, tags: list[str], scheme: str,
                                       entities: list[tuple[int, int, str]]) -> None:
    words = ["w0", "w1", "w2", "w3"]
    src = tmp_path / "t.conll"
    src.write_text("".join(f"{w}\t{t}\n" for w, t in zip(words, tags, strict=True)), encoding="utf-8")
    (rec,) = list(conll.read(src))
    assert rec.meta["conll_scheme"] == scheme
    tok = rec.tokens
    assert tok is not None
    got = [(next(i for i, t in enumerate(tok) if t[0] == s.start),
            next(i for i, t in enumerate(tok) if t[1] == s.end) + 1, s.label) for s in rec.spans]
    assert got == entities
    assert conll.encode(entities, 4, scheme) == tags or scheme in ("biluo",)


def test_unaligned_and_sentence_crossing_spans_are_left_out_and_reported(tmp_path: Path) -> None:
    import io

    fh = io.StringIO()
    w = conll.ConllWriter(fh)
    rec = Record("Londoners met.\nNew\nYork now", [Span(0, 6, "GPE"), Span(15, 23, "GPE")])
    problems = w.write(rec, 7)
    assert [(p.document_id, p.start, p.end, p.dropped) for p in problems] == [(7, 0, 6, True)]
    lines = fh.getvalue().splitlines()
    assert "New B-GPE" in lines and "York I-GPE" in lines  # no break inside the span
    assert "Londoners O" in lines


def _spacy_convert(src: Path, out_dir: Path) -> list[list[tuple[str, str]]]:
    import spacy
    from spacy.tokens import DocBin

    res = subprocess.run([sys.executable, "-m", "spacy", "convert", str(src), str(out_dir),
                          "--converter", "ner", "--file-type", "spacy"],
                         capture_output=True, text=True, cwd=out_dir)
    assert res.returncode == 0, res.stderr + res.stdout
    nlp = spacy.blank("en")
    docs = DocBin().from_disk(out_dir / (src.stem + ".spacy")).get_docs(nlp.vocab)
    return [[(e.text, e.label_) for e in d.ents] for d in docs]


@pytest.mark.slow
def test_spacy_convert_reads_the_same_entities(tmp_path: Path) -> None:
    db = tmp_path / "g.db"
    assert run("import", RE3D, "--db", db).exit_code == 0
    edge = tmp_path / "edge.jsonl"
    import json

    edge.write_text("".join(json.dumps({"text": t, "label": [[a, b, "X"] for a, b in
                                                             spans_of(t, s)]}) + "\n"
                            for t, s in EDGE), encoding="utf-8")
    assert run("import", edge, "--db", db, "--format", "doccano").exit_code == 0
    out = tmp_path / "all.conll"
    assert run("export", "--db", db, "--format", "conll", "--out", out).exit_code == 0
    converted = _spacy_convert(out, tmp_path)
    with Store.open(db) as store:
        expected = []
        for doc_id in store.document_ids():
            doc = store.document(doc_id)
            ann = store.annotation(doc_id, "import")
            assert ann is not None
            expected.append([(doc.text[s.start:s.end].replace("\n", " "), s.label)
                             for s in store.spans(ann.id)])
    # spaCy rebuilds text from tokens with single spaces; compare token-joined surfaces
    norm = [[(" ".join(t.split()), lab) for t, lab in d] for d in expected]
    got = [[(" ".join(t.split()), lab) for t, lab in d] for d in converted]
    assert got == norm
    assert sum(map(len, got)) > 480


CONLL2003 = """-DOCSTART- -X- -X- O

EU NNP B-NP B-ORG
rejects VBZ B-VP O
German JJ B-NP B-MISC
call NN I-NP O
to TO B-VP O
boycott VB I-VP O
British JJ B-NP B-MISC
lamb NN I-NP O
. . O O

Peter NNP B-NP B-PER
Blackburn NNP I-NP I-PER
"""


def test_part_of_speech_and_chunk_columns_go_out_as_they_came_in(tmp_path: Path) -> None:
    """CoNLL-2003's middle columns belong to the tokens: a corrected corpus is written
    with them, only the entity tags changed."""
    src = tmp_path / "eng.train"
    src.write_text(CONLL2003, encoding="utf-8")
    db = tmp_path / "g.db"
    assert run("import", src, "--db", db, "--format", "conll").exit_code == 0
    out = tmp_path / "same.conll"
    assert run("export", "--db", db, "--format", "conll", "--out", out,
               "--scheme", "source").exit_code == 0
    body = lambda text: [ln for ln in text.strip().splitlines() if not ln.startswith("-DOCSTART-")]  # noqa: E731
    assert body(out.read_text(encoding="utf-8")) == body(CONLL2003)
    # the analyst corrects "German" to NORP and adds "Peter Blackburn"'s missing nothing
    with Store.open(db) as store:
        (version,) = store.annotations(1)
        spans = store.spans(version.id)
        text = store.document(1).text
        fixed = [Span(s.start, s.end, "NORP", "manual") if text[s.start:s.end] == "German" else s
                 for s in spans]
        store.put_version(1, version.annotator, "done", fixed)
    out2 = tmp_path / "fixed.conll"
    assert run("export", "--db", db, "--format", "conll", "--out", out2).exit_code == 0
    lines = body(out2.read_text(encoding="utf-8"))
    assert "German JJ B-NP B-NORP" in lines
    assert "British JJ B-NP B-MISC" in lines and "Blackburn NNP I-NP I-PER" in lines
    # a document typed in goldspan has no such columns: token and tag only
    with Store.open(db) as store:
        doc, _ = store.add_document("Angela Merkel visited Paris.")
        store.put_version(doc, "alice", "done", [Span(0, 13, "PER")])
    out3 = tmp_path / "all.conll"
    assert run("export", "--db", db, "--format", "conll", "--out", out3).exit_code == 0
    assert "Angela B-PER" in out3.read_text(encoding="utf-8").splitlines()
