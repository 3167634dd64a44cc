"""``goldspan stats``: documents, versions and spans at a glance."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Optional

import typer

from ..core import stats as core_stats
from .common import DbOption, clean_errors, open_store


@clean_errors
def stats(
    db: Optional[Path] = DbOption,
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Documents, versions by status and annotator, spans by label, and each model's
    suggestions scored against the gold (precision, recall, F1; kept, relabelled,
    resized, deleted)."""
    with open_store(db, create=False, readonly=True) as store:
        figures = core_stats.collect(store)
        typer.echo(json.dumps(figures, indent=2, ensure_ascii=False) if as_json else core_stats.render(figures))


def register(app: typer.Typer) -> None:
    app.command("stats")(stats)
