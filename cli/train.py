"""``goldspan train``: a spaCy NER pipeline from the gold (thin wrapper over
:func:`goldspan.core.train.train`).

spaCy's training table (and, on a terminal, its progress bar) goes to stderr, so
``--json`` leaves stdout to the JSON alone.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Optional

import typer

from .common import MAX_SEED, DbOption, clean_errors, model_notice, open_store, progress_enabled


@clean_errors
def train(
    db: Optional[Path] = DbOption,
    out: Path = typer.Option(..., "--out", "-o", help="Folder for the trained pipeline."),
    base: Optional[str] = typer.Option(
        None, "--base",
        help="Update the NER of this pipeline (package or folder; default en_core_web_sm)."),
    blank: Optional[str] = typer.Option(
        None, "--blank", help="Start from a blank pipeline of this language (e.g. en)."),
    gold: bool = typer.Option(False, "--gold", help="Only adjudicated (gold) versions."),
    annotator: Optional[str] = typer.Option(
        None, "--annotator", "-a", help="This annotator's done versions instead of the gold."),
    eval_split: float = typer.Option(
        0.2, "--eval-split", help="Share of documents held out for evaluation (0 to 0.99)."),
    seed: int = typer.Option(0, "--seed", min=0, max=MAX_SEED, help="Seed of the split and of spaCy's training."),
    max_steps: Optional[int] = typer.Option(
        None, "--max-steps", help="Training steps at most (default 1000; stops earlier "
        "when the held-out F stops improving for 400 steps)."),
    as_json: bool = typer.Option(False, "--json", help="Print the figures as JSON."),
) -> None:
    """Train a spaCy NER pipeline on the gold and print precision, recall and F1 before
    and after, overall and per label."""
    from ..core.train import render
    from ..core.train import train as run

    store = open_store(db, create=False, readonly=True)  # train only reads the database
    if blank is None:
        model_notice(base)
    try:
        result = run(store, out, base=base, blank=blank, gold_only=gold, annotator=annotator,
                     eval_split=eval_split, seed=seed, max_steps=max_steps, log=sys.stderr,
                     progress_bar=progress_enabled())
    finally:
        store.close()
    if as_json:
        typer.echo(json.dumps(result.to_json(), indent=2, ensure_ascii=False))
    else:
        typer.echo(render(result))


def register(app: typer.Typer) -> None:
    app.command("train")(train)
