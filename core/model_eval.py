"""How good each suggester is on this project's own articles: its stored suggestions
scored against the gold, and what the analysts did with them.

Why here and not only at training time: the figures a model card gives are measured
on someone else's news; these are measured on the documents the analysts accepted,
with the suggestions they actually saw.

For each model in ``suggestions`` (every model with a run in ``suggestion_runs``, so a
run that found nothing still counts its misses), on the documents that have both a
run of that model and a gold (:func:`goldspan.core.dataset.select` with the default
options: a document's ``gold`` version, else its only ``done`` version):

- exact-match precision, recall and F1 (same start, end and label, in code points),
  overall (micro) and per label, with the counts behind them (``tp``, ``fp``, ``fn``);
- what became of each suggestion in the gold, each counted once, in this order:
  ``kept`` (a gold span with the same start, end and label), ``relabelled`` (same
  start and end, another label), ``resized`` (overlaps a gold span with the same
  label, other boundaries), ``replaced`` (overlaps only gold spans with other
  boundaries and another label: resized and relabelled at once), ``deleted`` (no
  gold span overlaps it). The five add up to the model's suggestions.

Streaming: one cursor over the gold selection in document order; per document, one
query for the model runs and one for the suggestions. Memory holds one document's
spans and the per-model, per-label counters, whatever the size of the database.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable, Sequence

from .types import Span
from .dataset import Options, select
from .storage import Store

OUTCOMES = ("kept", "relabelled", "resized", "replaced", "deleted")


@dataclass
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def figures(self) -> dict[str, Any]:
        return {"precision": self.precision, "recall": self.recall, "f1": self.f1,
                "tp": self.tp, "fp": self.fp, "fn": self.fn}


@dataclass
class ModelScore:
    """Everything ``model_vs_gold`` reports for one model."""

    documents: int = 0
    suggestions: int = 0
    total: Counts = field(default_factory=Counts)
    per_label: dict[str, Counts] = field(default_factory=dict)
    outcomes: dict[str, int] = field(default_factory=lambda: dict.fromkeys(OUTCOMES, 0))

    def label(self, name: str) -> Counts:
        c = self.per_label.get(name)
        if c is None:
            c = self.per_label[name] = Counts()
        return c

    def to_dict(self) -> dict[str, Any]:
        out = self.total.figures()
        out["per_label"] = {k: self.per_label[k].figures() for k in sorted(self.per_label)}
        out.update(self.outcomes)
        out["documents"] = self.documents
        out["suggestions"] = self.suggestions
        return out


def outcome(suggestion: tuple[int, int, str], gold: Sequence[Span]) -> str:
    """What the gold made of one suggestion (see the module docstring)."""
    start, end, label = suggestion
    overlapping = [g for g in gold if g.start < end and start < g.end]
    if not overlapping:
        return "deleted"
    if any(g.start == start and g.end == end and g.label == label for g in overlapping):
        return "kept"
    if any(g.start == start and g.end == end for g in overlapping):
        return "relabelled"
    if any(g.label == label for g in overlapping):
        return "resized"
    return "replaced"


def score_document(score: ModelScore, suggestions: Iterable[tuple[int, int, str]],
                   gold: Sequence[Span]) -> None:
    """Add one document's suggestions and gold to a model's counters."""
    gold_keys = {g.key() for g in gold}
    sugg_keys = set(suggestions)
    score.documents += 1
    score.suggestions += len(sugg_keys)
    for key in sugg_keys:
        hit = key in gold_keys
        for c in (score.total, score.label(key[2])):
            if hit:
                c.tp += 1
            else:
                c.fp += 1
        score.outcomes[outcome(key, gold)] += 1
    for key in gold_keys - sugg_keys:
        score.total.fn += 1
        score.label(key[2]).fn += 1


def model_vs_gold(store: Store,
                  options: Options = Options()  # noqa: B008 - a frozen dataclass
                  ) -> dict[str, dict[str, Any]]:
    """``{model: {precision, recall, f1, per_label, kept, relabelled, resized,
    replaced, deleted, ...}}`` for every model with suggestions on gold documents."""
    scores: dict[str, ModelScore] = {}
    for item in select(store, options):
        doc_id = item.document.id
        models = store.run_models(doc_id)
        if not models:
            continue
        by_model: dict[str, list[tuple[int, int, str]]] = {m: [] for m in models}
        for model, start, end, label in store.suggestion_keys(doc_id):
            if model in by_model:  # suggestions without a run row: imported before runs
                by_model[model].append((start, end, label))
        for model, sugg in by_model.items():
            score = scores.get(model)
            if score is None:
                score = scores[model] = ModelScore()
            score_document(score, sugg, item.spans)
    return {m: scores[m].to_dict() for m in sorted(scores)}


def render(figures: dict[str, dict[str, Any]]) -> str:
    """The readable table ``goldspan stats`` prints under "model vs gold"."""
    if not figures:
        return "model vs gold: no model has suggestions on documents with a gold"
    lines = ["model vs gold (exact match; what analysts did with the suggestions):"]
    for model, f in figures.items():
        lines.append(
            f"  {model}: {f['documents']} documents, {f['suggestions']} suggestions  "
            f"P {f['precision'] * 100:.1f}  R {f['recall'] * 100:.1f}  F {f['f1'] * 100:.1f}")
        lines.append("    " + ", ".join(f"{k} {f[k]}" for k in OUTCOMES))
        lines.append(f"    {'label':<16}{'P':>7}{'R':>7}{'F':>7}{'tp':>6}{'fp':>6}{'fn':>6}")
        for label, c in f["per_label"].items():
            lines.append(f"    {label[:15]:<16}{c['precision'] * 100:>7.1f}"
                         f"{c['recall'] * 100:>7.1f}{c['f1'] * 100:>7.1f}"
                         f"{c['tp']:>6}{c['fp']:>6}{c['fn']:>6}")
    return "\n".join(lines)
