"""Counts a lead or a data scientist asks for first: documents, versions by status
and annotator, spans by label, and how each model's suggestions fare against the gold
(``model_vs_gold``, from :mod:`goldspan.core.model_eval`). Counted by SQLite (the
store's queries), constant memory."""

from __future__ import annotations

from typing import Any

from .model_eval import model_vs_gold
from .model_eval import render as render_model_vs_gold
from .storage import Store


def collect(store: Store) -> dict[str, Any]:
    """Every count from one view of the database (an import or a delete by another
    process meanwhile would make the figures disagree with each other)."""
    with store.snapshot():
        return _collect(store)


def _collect(store: Store) -> dict[str, Any]:
    versions: dict[str, dict[str, int]] = {}
    for annotator, status, n in store.version_counts():
        versions.setdefault(annotator, {})[status] = n
    by_status: dict[str, int] = {}
    for per in versions.values():
        for status, n in per.items():
            by_status[status] = by_status.get(status, 0) + n
    spans = store.span_label_counts()
    suggestions = store.documents_per_model()
    return {
        "documents": store.document_count(),
        "versions": {"by_status": by_status, "by_annotator": versions},
        "spans": {"total": sum(spans.values()), "by_label": spans},
        "suggested_documents": suggestions,
        "model_vs_gold": model_vs_gold(store),
    }


def render(stats: dict[str, Any]) -> str:
    lines = [f"documents: {stats['documents']}"]
    v = stats["versions"]
    lines.append("versions: " + (", ".join(f"{k} {n}" for k, n in v["by_status"].items()) or "none"))
    for annotator, per in v["by_annotator"].items():
        lines.append(f"  {annotator}: " + ", ".join(f"{k} {n}" for k, n in per.items()))
    lines.append(f"spans: {stats['spans']['total']}")
    for label, n in stats["spans"]["by_label"].items():
        lines.append(f"  {label:<14} {n}")
    for model, n in stats["suggested_documents"].items():
        lines.append(f"suggestions by {model}: {n} documents")
    if "model_vs_gold" in stats:
        lines.append(render_model_vs_gold(stats["model_vs_gold"]))
    return "\n".join(lines)
