"""``goldspan suggest``: run a spaCy pipeline's NER over the documents, in this process
(``--n-process`` for more) or on Ray (``--ray [ADDRESS]``, core/distributed_suggest.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Optional

import click
import typer
from tqdm import tqdm
from typer.core import TyperCommand

from ..core.suggesters.spacy_ner import SpacySuggester
from ..core.suggesters.documents import ensure_label_set, suggest_documents
from .common import DbOption, clean_errors, db_path, fail, model_notice, open_store

RAY_HELP = ("Run on Ray: alone (or 'local'), a Ray runtime on this machine; with an address "
            "('auto', 'ray://host:10001'), that cluster. Needs pip install 'goldspan[ray]'.")


class _SuggestCommand(TyperCommand):
    """``--ray`` takes an optional value (click's ``is_flag=False, flag_value=...``),
    which typer does not expose: its option is replaced by click's own."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for i, param in enumerate(self.params):
            if param.name == "ray":
                self.params[i] = click.Option(
                    ["--ray", "ray"], is_flag=False, flag_value="local", default=None,
                    metavar="[ADDRESS]", help=RAY_HELP)


@clean_errors
def suggest(
    db: Optional[Path] = DbOption,
    model: str = typer.Option("en_core_web_sm", help="spaCy package name or pipeline folder."),
    n_process: Optional[int] = typer.Option(
        None, "--n-process", min=1,
        help="Processes for nlp.pipe [default: 1]; with --ray alone, the local runtime's "
             "workers [default: every CPU]."),
    batch_size: int = typer.Option(32, "--batch-size", min=1, help="Texts per nlp.pipe batch."),
    force: bool = typer.Option(False, help="Run again on documents this model has already seen."),
    ray: Optional[str] = typer.Option(None, "--ray", help=RAY_HELP),
    shard_size: Optional[int] = typer.Option(
        None, "--shard-size", min=1,
        help="With --ray: documents per shard, the unit of work and of retry [default: 200, "
             "fewer for a small corpus: four shards per worker at least]."),
) -> None:
    """Store the model's entities for every document it has not seen (idempotent)."""
    if ray is not None:
        model_notice(model)
        suggest_ray(db, model, ray, n_process, batch_size, force, shard_size)
        return
    if shard_size is not None:
        fail("--shard-size applies to --ray runs only")
    with open_store(db, create=False) as store:
        model_notice(model)
        suggester = SpacySuggester(model, batch_size=batch_size, n_process=n_process or 1)
        model_id = suggester.model_id
        total = store.document_count() if force else len(store.documents_without_run(model_id))
        if total:
            ensure_label_set(store, suggester.labels)
        labels = store.label_filter()
        dropped: list[int] = []
        with tqdm(total=total, unit="doc", desc=f"suggest {model_id}", disable=None) as bar:
            n_docs, n_sugg = suggest_documents(store, suggester, force=force, progress=bar.update,
                                               labels=labels, dropped=dropped)
        left_out = labels.describe()
        typer.echo(f"{model_id}: {n_sugg} suggestions in {n_docs} documents"
                   + ("" if n_docs or dropped else " (nothing new to do)")
                   + (f" ({len(dropped)} documents deleted during the run left out)"
                      if dropped else "")
                   + (f"; {left_out}" if left_out else ""))


def suggest_ray(db: Optional[Path], model: str, address: str, n_process: Optional[int],
                batch_size: int, force: bool, shard_size: Optional[int]) -> None:
    """``--ray``: shards on Ray, merged back here; a progress bar on stderr per shard."""
    from ..core.distributed_suggest import suggest_on_ray

    bars: list[tqdm] = []

    def on_plan(model_id: str, total: int) -> None:
        bars.append(tqdm(total=total, unit="doc", desc=f"suggest {model_id} on Ray",
                         disable=None))

    try:
        run = suggest_on_ray(db_path(db), model, address=address, num_cpus=n_process,
                             shard_size=shard_size, batch_size=batch_size,
                             force=force, on_plan=on_plan,
                             progress=lambda n: bars[-1].update(n) if bars else None)
    finally:
        for bar in bars:
            bar.close()
    extra = [f"{run.shards} shards on {run.workers} Ray CPUs"] if run.shards else []
    if run.reused_shards:
        extra.append(f"{run.reused_shards} finished shards of an interrupted run merged")
    if run.dropped:
        extra.append(f"{run.dropped} documents deleted during the run left out")
    typer.echo(f"{run.model_id}: {run.suggestions} suggestions in {run.documents} documents"
               + ("" if run.documents else " (nothing new to do)")
               + (f" ({'; '.join(extra)})" if extra else ""))


def register(app: typer.Typer) -> None:
    app.command("suggest", cls=_SuggestCommand)(suggest)
