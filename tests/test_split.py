"""One train/dev split (issue 12, part 4): ``export --split`` and ``train --eval-split``
hold out the same documents for the same seed and share, by one function
(:func:`goldspan.core.dataset.split`) that counts exactly."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from test_formats_support import run

from goldspan.core import train as train_module
from goldspan.core.dataset import split
from goldspan.core.formats import docbin
from goldspan.core.status import Status
from goldspan.core.storage import Store
from goldspan.core.types import Span


class _CorpusWritten(Exception):
    """Raised once train has written its corpus: the test needs no training."""


def _held_out_by_train(monkeypatch: pytest.MonkeyPatch, db: Path, tmp_path: Path,
                       eval_split: float, seed: int) -> set[int]:
    """The document ids ``train`` writes to its held-out corpus, read from the writer
    it uses (its run is stopped there: the split is what this test is about)."""
    held: set[int] = set()

    class Recording(docbin.DocBinWriter):
        def write(self, record: Any, doc_id: int) -> Any:
            if self.out.name == "dev.spacy":
                held.add(doc_id)
            return super().write(record, doc_id)

        def close(self) -> None:
            if self.out.name == "dev.spacy":
                raise _CorpusWritten()
            super().close()

    monkeypatch.setattr(docbin, "DocBinWriter", Recording)
    with Store.open(db) as store, pytest.raises(_CorpusWritten):
        train_module.train(store, tmp_path / "model", blank="en", eval_split=eval_split,
                           seed=seed)
    return held


@pytest.mark.parametrize(("n", "train_share", "seed"), [(15, 0.9, 3), (25, 0.9, 1),
                                                        (10, 0.7, 0), (5, 0.5, 2)])
def test_export_split_and_train_hold_out_the_same_documents(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path, n: int, train_share: float,
        seed: int) -> None:
    """15 documents at --split 0.9: the export computed 1 - 0.9 = 0.0999... and held
    out 1, train held out round(1.5) = 2, each its own sample. Now both hold out the
    same documents."""
    db = tmp_path / "g.db"
    with Store.open(db) as store:
        for i in range(n):
            doc_id, _ = store.add_document(f"Paris is number {i}.")
            store.put_version(doc_id, "alice", Status.DONE, [Span(0, 5, "GPE")])
    out = tmp_path / "split"
    res = run("export", "--db", db, "--format", "txt", "--out", out, "--split",
              str(train_share), "--seed", str(seed))
    assert res.exit_code == 0, res.output
    exported_dev = {int(p.stem) for p in (out / "dev").iterdir()}
    exported_train = {int(p.stem) for p in (out / "train").iterdir()}
    assert exported_dev | exported_train == set(range(1, n + 1))
    eval_split = float(f"{1 - train_share:.10g}")  # 0.1 for 0.9, as a user types it
    held = _held_out_by_train(monkeypatch, db, tmp_path, eval_split, seed)
    assert held == exported_dev
    assert len(held) == int(n * eval_split + 0.5 + 1e-9)  # half up, on the share as written


def test_the_count_is_exact_and_keeps_one_on_each_side() -> None:
    assert len(split(15, 0.1, seed=0)) == 2  # 1.5 rounds up, as written
    assert len(split(25, 0.1, seed=0)) == 3  # 2.5 rounds up (not to even)
    assert len(split(10, 0.01, seed=0)) == 1  # at least one held out
    assert len(split(10, 0.99, seed=0)) == 9  # at least one kept
    assert split(1, 0.5, seed=0) == set() and split(10, 0.0, seed=0) == set()
    assert split(100, 0.2, seed=1) == split(100, 0.2, seed=1) != split(100, 0.2, seed=2)
