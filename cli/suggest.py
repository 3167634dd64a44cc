"""``goldspan suggest``: run a spaCy pipeline's NER over the documents."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer
from tqdm import tqdm

from ..core.suggest import SpacySuggester, ensure_label_set, suggest_documents
from .common import DbOption, clean_errors, model_notice, open_store


@clean_errors
def suggest(
    db: Optional[Path] = DbOption,
    model: str = typer.Option("en_core_web_sm", help="spaCy package name or pipeline folder."),
    n_process: int = typer.Option(1, "--n-process", min=1, help="Processes for nlp.pipe."),
    batch_size: int = typer.Option(32, "--batch-size", min=1, help="Texts per nlp.pipe batch."),
    force: bool = typer.Option(False, help="Run again on documents this model has already seen."),
) -> None:
    """Store the model's entities for every document it has not seen (idempotent)."""
    store = open_store(db, create=False)
    model_notice(model)
    suggester = SpacySuggester(model, batch_size=batch_size, n_process=n_process)
    model_id = suggester.model_id
    total = store.document_count() if force else len(store.documents_without_run(model_id))
    if total:
        ensure_label_set(store, suggester.labels)
    labels = store.label_filter()
    with tqdm(total=total, unit="doc", desc=f"suggest {model_id}", disable=None) as bar:
        n_docs, n_sugg = suggest_documents(store, suggester, force=force, progress=bar.update,
                                           labels=labels)
    left_out = labels.describe()
    typer.echo(f"{model_id}: {n_sugg} suggestions in {n_docs} documents"
               + ("" if n_docs else " (nothing new to do)")
               + (f"; {left_out}" if left_out else ""))


def register(app: typer.Typer) -> None:
    app.command("suggest")(suggest)
