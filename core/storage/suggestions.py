"""What suggesters said (``suggestions``) and which model has run on which document
(``suggestion_runs``), kept apart from anyone's version."""

from __future__ import annotations

from collections.abc import Sequence

from ..errors import StoreError
from ..types import Suggestion
from .connection import NOW, ConstraintError
from .labels import LabelsMixin

class SuggestionsMixin(LabelsMixin):
    def has_run(self, doc_id: int, model: str) -> bool:
        return self._one("SELECT 1 FROM suggestion_runs WHERE document_id = ? AND model = ?",
                         (doc_id, model)) is not None

    def put_suggestions(self, doc_id: int, model: str, suggestions: Sequence[Suggestion],
                        *, created_at: str | None = None) -> int:
        """Store what a model said about a document, replacing its earlier run, with
        the run's time (``created_at`` None: now; a merge keeps the source's). Returns
        how many rows were stored: a suggestion repeated with the same offsets and label
        is stored once (the first score kept). Anything else the table refuses (an
        empty span, a negative offset) raises: ``INSERT OR IGNORE`` would have skipped it
        silently, for a summary to count what was never stored."""
        unique: dict[tuple[int, int, str], Suggestion] = {}
        for s in suggestions:
            unique.setdefault((s.start, s.end, s.label), s)
        with self.transaction() as c:
            c.execute("DELETE FROM suggestions WHERE document_id = ? AND model = ?", (doc_id, model))
            try:
                c.executemany(
                    'INSERT INTO suggestions (document_id, model, start, "end", label, score) '
                    "VALUES (?, ?, ?, ?, ?, ?)",
                    [(doc_id, model, s.start, s.end, s.label, s.score) for s in unique.values()],
                )
            except ConstraintError as err:
                bad = next((s for s in unique.values() if not 0 <= s.start < s.end), None)
                what = f" {bad.start}-{bad.end} ({bad.label})" if bad else ""
                raise StoreError(f"document {doc_id}: cannot store the suggestion{what} of "
                                 f"{model} ({err})", path=self.path) from None
            c.execute(
                "INSERT OR REPLACE INTO suggestion_runs (document_id, model, created_at) "
                f"VALUES (?, ?, COALESCE(?, {NOW}))", (doc_id, model, created_at))
        return len(unique)

    def drop_run(self, doc_id: int, model: str) -> None:
        """Forget a model's run on a document (its suggestions and its run row), so the
        shard merged next brings the new one in: ``goldspan suggest --ray --force``."""
        with self.transaction() as c:
            c.execute("DELETE FROM suggestions WHERE document_id = ? AND model = ?", (doc_id, model))
            c.execute("DELETE FROM suggestion_runs WHERE document_id = ? AND model = ?",
                      (doc_id, model))

    def suggestions(self, doc_id: int, model: str) -> list[Suggestion]:
        return [Suggestion(*r) for r in self._rows(
            'SELECT start, "end", label, score FROM suggestions WHERE document_id = ? AND model = ? '
            'ORDER BY start, "end"', (doc_id, model))]

    def latest_suggestions(self, doc_id: int) -> tuple[str | None, list[Suggestion]]:
        """The most recent model run on the document and what it found that this
        project takes: with a locked label set, only its labels (suggestions stored
        before the set was locked, or by an older goldspan, never reach a version), and
        never a label that breaks the naming rule."""
        model = self._value(
            "SELECT model FROM suggestion_runs WHERE document_id = ? "
            "ORDER BY created_at DESC, rowid DESC LIMIT 1", (doc_id,))
        if model is None:
            return None, []
        return model, self.label_filter()(self.suggestions(doc_id, model))

    def documents_without_run(self, model: str, limit: int | None = None) -> list[int]:
        sql = ("SELECT id FROM documents WHERE id NOT IN "
               "(SELECT document_id FROM suggestion_runs WHERE model = ?) ORDER BY id")
        if limit is not None:
            sql += f" LIMIT {int(limit)}"
        return self._column(sql, (model,))

    def run_models(self, doc_id: int) -> list[str]:
        """The models that have run on a document, by name."""
        return self._column("SELECT model FROM suggestion_runs WHERE document_id = ? "
                            "ORDER BY model", (doc_id,))

    def suggestion_keys(self, doc_id: int) -> list[tuple[str, int, int, str]]:
        """Every suggestion of a document as (model, start, end, label), any model."""
        return self._rows('SELECT model, start, "end", label FROM suggestions '
                          "WHERE document_id = ?", (doc_id,)).fetchall()

    def documents_per_model(self) -> dict[str, int]:
        """How many documents each model has run on."""
        return dict(self._rows(
            "SELECT model, count(*) FROM suggestion_runs GROUP BY model ORDER BY model"))
