"""Export mechanics: deterministic split, temporary file renamed at the end (nothing
left on cancel), conflicts counted, and memory that does not grow with the corpus."""

from __future__ import annotations

import tracemalloc
from pathlib import Path

import pytest
from test_formats_support import PRODIGY, read_jsonl, run

from goldspan.core.exporter import export
from goldspan.core.formats.base import Cancelled
from goldspan.core.types import Span
from goldspan.core.storage import Store


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "g.db"
    assert run("import", PRODIGY, "--db", path).exit_code == 0
    return path


def test_split_is_exact_and_deterministic(tmp_path: Path, db: Path) -> None:
    outs = []
    for name, seed in (("a", 1), ("b", 1), ("c", 2)):
        out = tmp_path / name
        res = run("export", "--db", db, "--format", "doccano", "--out", out, "--split", "0.8",
                  "--seed", str(seed))
        assert res.exit_code == 0, res.output
        outs.append(([r["text"] for r in read_jsonl(out / "train.jsonl")],
                     [r["text"] for r in read_jsonl(out / "dev.jsonl")]))
    (train, dev), again, other = outs
    assert (train, dev) == again
    assert len(train) == 298 and len(dev) == 74  # 372 accepted, 80/20
    assert not set(train) & set(dev)
    assert other != outs[0]


def test_cancel_leaves_no_partial_file(tmp_path: Path, db: Path) -> None:
    out = tmp_path / "o.jsonl"
    out.write_text("previous export\n")
    calls = {"n": 0}

    def cancelled() -> bool:
        calls["n"] += 1
        return calls["n"] > 100

    with Store.open(db) as store, pytest.raises(Cancelled):
        export(store, out, format="prodigy", cancelled=cancelled)
    assert out.read_text() == "previous export\n"
    assert not list(tmp_path.glob(".o.jsonl.partial*"))


def test_conflicts_are_counted_in_the_summary(tmp_path: Path) -> None:
    db = tmp_path / "g.db"
    with Store.open(db) as store:
        d, _ = store.add_document("Alice met Bob.")
        store.put_version(d, "ann1", "done", [Span(0, 5, "PER")])
        store.put_version(d, "ann2", "done", [Span(10, 13, "PER")])
    res = run("export", "--db", db, "--format", "prodigy", "--out", tmp_path / "o.jsonl")
    assert res.exit_code == 0
    assert "exported 0 documents" in res.output
    assert "1 left out: annotators disagree and no gold" in res.output
    res = run("export", "--db", db, "--format", "prodigy", "--out", tmp_path / "o.jsonl",
              "--all-versions")
    assert [r["_annotator_id"] for r in read_jsonl(tmp_path / "o.jsonl")] == ["ann1", "ann2"]


def _peak(store: Store, out: Path) -> int:
    tracemalloc.start()
    export(store, out, format="doccano")
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak


WORDS = ("alpha", "beta", "gamma", "delta", "omega", "sigma", "kappa", "theta", "zeta",
         "iota", "lambda", "rho")


def _text(i: int) -> str:
    """A distinct text per i from a fixed vocabulary (digits of i in base 12), so spaCy's
    vocabulary stays the same size and only goldspan's own memory is measured."""
    words = []
    while True:
        words.append(WORDS[i % 12])
        i //= 12
        if not i:
            break
    return "Report " + " ".join(words) + ". " + " ".join(
        ["The minister met officials in Brussels on Tuesday."] * 5)


def test_export_memory_does_not_grow_with_the_corpus(tmp_path: Path) -> None:
    small, large = Store.open(tmp_path / "s.db"), Store.open(tmp_path / "l.db")
    for store, n in ((small, 200), (large, 2000)):
        with store.transaction():
            for i in range(n):
                d, _ = store.add_document(_text(i))
                store.put_version(d, "ann", "done", [Span(0, 6, "X")])
    _peak(small, tmp_path / "warm.jsonl")  # spaCy's tokenizer and caches built once
    p_small = _peak(small, tmp_path / "s.jsonl")
    p_large = _peak(large, tmp_path / "l.jsonl")
    assert len(read_jsonl(tmp_path / "l.jsonl")) == 2000
    assert p_large < p_small * 1.5 + 100_000, (p_small, p_large)
    small.close()
    large.close()


def test_tokenizer_is_renewed_so_its_vocabulary_cannot_grow_forever(
        monkeypatch: pytest.MonkeyPatch) -> None:
    from goldspan.core.formats import tokenization as tokens

    monkeypatch.setattr(tokens, "RESET_EVERY", 3)
    first = tokens.make_doc("one").vocab
    seen = {id(tokens.make_doc(f"w{i}").vocab) for i in range(6)}
    assert len(seen | {id(first)}) >= 2
