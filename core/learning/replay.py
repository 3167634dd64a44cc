"""``goldspan replay``: an annotation session replayed over an annotated corpus with an
oracle analyst, to measure how much work the suggestions save on *your* data.

For each document in order: the window's :class:`~.loop.LearningLoop` says what it
would show, the oracle's actions to reach the gold are counted (:mod:`.costs`), the
gold is accepted (teaching the loop exactly as Enter in the window does), and the
next document follows.

Training is waited for as an analyst would: a training that starts when document
*k* is accepted is used from document *k + 2* on (the analyst works on *k + 1*
while it runs; at about 90 seconds an article, a training must take under 90 s to
be that early: ``make bench`` prints how long each one took). The replay itself
runs the training synchronously, so its result does not depend on the machine's load.

Nothing touches the user's databases: the corpus is imported (goldspan's importer,
any format it reads) into a scratch database, a temporary file unless ``db`` names a
new one, and the trained generations go to a temporary folder.
"""

from __future__ import annotations

import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Sequence

from ..errors import InputError
from ..importer import import_paths
from ..labels import split_names
from ..dataset import Options, select
from ..storage import Store
from .costs import Cost, oracle_cost, total
from .loop import LearningLoop, LoopConfig
from .trainer import run_training

AVAILABLE_AFTER = 2  # a training started at accept of doc k suggests from doc k + 2
SECONDS_PER_ARTICLE = 90  # the analyst's pace assumed when reading training times


@dataclass
class DocumentCost:
    index: int
    document_id: int
    generation: int
    cost: Cost

    def to_dict(self) -> dict[str, Any]:
        return {"index": self.index, "document_id": self.document_id,
                "generation": self.generation, **self.cost.to_dict()}


@dataclass
class ReplayResult:
    documents: list[DocumentCost]
    labels: tuple[str, ...]
    config: LoopConfig
    trainings: list[dict[str, Any]] = field(default_factory=list)
    label_map: dict[str, str | None] = field(default_factory=dict)
    seconds: float = 0.0
    generations: list[dict[str, Any]] = field(default_factory=list)

    @property
    def total(self) -> Cost:
        return total(d.cost for d in self.documents)

    @property
    def second_half(self) -> Cost:
        return total(d.cost for d in self.documents[len(self.documents) // 2:])

    @property
    def first_half(self) -> Cost:
        return total(d.cost for d in self.documents[:len(self.documents) // 2])

    @property
    def worst_after_fifth(self) -> float | None:
        """The highest ratio of a document after the fifth (None with five or fewer)."""
        rest = [d.cost.ratio for d in self.documents[5:]]
        return max(rest) if rest else None

    def to_json(self) -> dict[str, Any]:
        t = self.total
        return {
            "actions": t.actions, "scratch": t.scratch, "ratio": round(t.ratio, 4),
            "ratio_first_half": round(self.first_half.ratio, 4),
            "ratio_second_half": round(self.second_half.ratio, 4),
            "worst_after_fifth": (None if self.worst_after_fifth is None
                                  else round(self.worst_after_fifth, 4)),
            "kept": t.kept, "relabel": t.relabel, "add": t.add, "delete": t.delete,
            "gold": t.gold, "labels": list(self.labels), "label_map": self.label_map,
            "config": self.config.to_dict(), "trainings": self.trainings,
            "seconds": round(self.seconds, 1), "generations": self.generations,
            "documents": [d.to_dict() for d in self.documents],
        }


DEFAULT_CONFIG = LoopConfig()  # frozen: one shared default is safe


def replay(paths: Sequence[str | Path], *, labels: Sequence[str] | None = None,
           config: LoopConfig = DEFAULT_CONFIG, db: str | Path | None = None,
           fmt: str | None = None, limit: int | None = None,
           label_map: dict[str, str | None] | None = None,
           progress: Callable[[int, int], None] | None = None) -> ReplayResult:
    """Replay the corpus at ``paths`` (see the module docstring)."""
    started = time.monotonic()
    if db is not None and Path(db).exists():
        raise InputError("exists: replay imports into a new scratch database and never "
                         "writes to an existing one; name a new file or leave --db out",
                         path=Path(db))
    try:
        return _replay(paths, labels, config, db, fmt, limit, label_map, progress, started)
    except BaseException:
        if db is not None:  # created by this call (an existing one was refused above)
            for suffix in ("", "-wal", "-shm"):
                Path(str(db) + suffix).unlink(missing_ok=True)
        raise


def _replay(paths: Sequence[str | Path], labels: Sequence[str] | None, config: LoopConfig,
            db: str | Path | None, fmt: str | None, limit: int | None,
            label_map: dict[str, str | None] | None,
            progress: Callable[[int, int], None] | None, started: float) -> ReplayResult:
    with tempfile.TemporaryDirectory(prefix="goldspan-replay-") as work:
        db_path = Path(db) if db is not None else Path(work) / "replay.db"
        with Store.open(db_path) as store:
            import_paths(store, [Path(p) for p in paths], format=fmt or "auto")
            items = [(it.document.id, it.document.text, list(it.spans))
                     for it in select(store, Options())]
        if limit is not None:
            items = items[:limit]
        if not items:
            raise InputError("no annotated documents to replay: the files hold text only "
                             "or nothing goldspan reads", path=Path(paths[0]))
        found = Counter(s.label for _, _, spans in items for s in spans)
        # "Org, Inc" is one label where the corpus has it (as agreement reads names)
        project = tuple(split_names(labels, found) or ()) if labels else tuple(sorted(found))
        if labels:
            unknown = sorted(set(found) - set(project))
            if unknown:
                # The corpus's other labels are not the project's: the oracle's gold
                # is what the project would keep.
                items = [(i, t, [s for s in spans if s.label in project]) for i, t, spans in items]
        for source, target in (label_map or {}).items():
            if target is not None and target not in project:
                raise InputError(f"--map {source}={target}: {target!r} is not one of the "
                                 f"labels replayed ({', '.join(project)})")
        loop = LearningLoop(project, config, label_map=label_map)
        raw0 = loop.raw([t for _, t, _ in items])
        out: list[DocumentCost] = []
        pending: list[tuple[int, Any]] = []
        for k, (doc_id, text, gold) in enumerate(items):
            for ready in [p for p in pending if p[0] <= k]:
                loop.install(ready[1])
                pending.remove(ready)
            shown = loop.suggest(doc_id, text, raw0[k] if loop.generation == 0 else None)
            out.append(DocumentCost(k, doc_id, loop.generation,
                                   oracle_cost(shown, gold, text, carry=config.carry)))
            loop.accept(doc_id, text, gold)
            request = loop.training_request(Path(work) / "models")
            if request is not None:
                pending.append((k + AVAILABLE_AFTER, run_training(request)))
            if progress is not None:
                progress(k + 1, len(items))
        for _, trained in pending:  # finished after the last document: counted, unused
            loop.trainings.append(trained)
        trainings = [{"generation": t.generation, "documents": t.documents,
                      "seconds": round(t.seconds, 1), "mode": t.mode, "words": t.words,
                      "articles_meanwhile": round(t.seconds / SECONDS_PER_ARTICLE, 2)}
                     for t in loop.trainings]
        model_labels = sorted({s.label for doc in raw0 for s in doc})
        label_map = loop.label_map.table(model_labels) if config.map_labels else {}
        generations = [{"generation": f.generation, "documents": f.documents,
                        "f1": round(f.f1, 4)} for f in loop.figures.values() if f.documents]
    return ReplayResult(out, project, config, trainings, label_map,
                        time.monotonic() - started, generations)


def render(result: ReplayResult, *, per_document: bool = True) -> str:
    """The table ``goldspan replay`` prints."""
    lines = []
    if per_document:
        lines.append(f"{'doc':>4} {'id':>5} {'gen':>4} {'gold':>5} {'kept':>5} {'relab':>6} "
                     f"{'add':>5} {'del':>5} {'actions':>8} {'scratch':>8} {'ratio':>6}")
        for d in result.documents:
            c = d.cost
            lines.append(f"{d.index + 1:>4} {d.document_id:>5} {d.generation:>4} {c.gold:>5} "
                         f"{c.kept:>5} {c.relabel:>6} {c.add:>5} {c.delete:>5} {c.actions:>8} "
                         f"{c.scratch:>8} {c.ratio:>5.2f}x")
    t, h1, h2 = result.total, result.first_half, result.second_half
    worst = result.worst_after_fifth
    lines.append(f"all {len(result.documents)} documents: {t.actions} actions against "
                 f"{t.scratch} from scratch = {t.ratio:.2f}x (first half {h1.ratio:.2f}x, "
                 f"second half {h2.ratio:.2f}x"
                 + (f"; worst after the fifth {worst:.2f}x)" if worst is not None else ")"))
    lines.append(f"entities: {t.gold} gold, {t.kept} kept, {t.relabel} relabelled, "
                 f"{t.add} added, {t.delete} deleted")
    if result.trainings:
        secs = ", ".join(f"{x['documents']} docs {x['seconds']:.0f} s" for x in result.trainings)
        lines.append(f"trainings ({result.config.train}, from "
                     f"{result.config.base or 'blank'}): {secs}")
    if result.label_map:
        shown = ", ".join(f"{k}->{v or '(dropped)'}" for k, v in result.label_map.items())
        lines.append(f"labels rule at the end: {shown}")
    return "\n".join(lines)
