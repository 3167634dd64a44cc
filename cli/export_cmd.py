"""``goldspan export``: the gold (or chosen versions) to a dataset file (thin wrapper
over :func:`goldspan.core.exporter.export`)."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from .common import (MAX_SEED, DbOption, clean_errors, export_formats, export_out, open_store,
                     progress_enabled, registry_help)

MAX_PROBLEM_LINES = 20


@clean_errors
def export_command(
    # --format and --out: their help comes from the format registry (registry_help)
    format: str = typer.Option(..., "--format", "-f"),
    out: Path = typer.Option(..., "--out", "-o"),
    db: Optional[Path] = DbOption,
    annotator: Optional[str] = typer.Option(None, "--annotator", "-a",
                                            help="That annotator's done versions."),
    gold: bool = typer.Option(False, "--gold", help="Only adjudicated versions (annotator gold)."),
    all_versions: bool = typer.Option(False, "--all-versions",
                                      help="One record per annotator version."),
    all_statuses: bool = typer.Option(False, "--all-statuses",
                                      help="Also skipped and rejected versions (ignore/reject)."),
    split: Optional[float] = typer.Option(None, "--split",
                                          help="Train fraction, e.g. 0.8: writes train and dev."),
    seed: int = typer.Option(0, "--seed", min=0, max=MAX_SEED, help="Seed of the train/dev split."),
    config: Optional[Path] = typer.Option(None, "--config",
                                          help="Also write a spaCy training config here."),
    scheme: str = typer.Option("iob2", "--scheme",
                               help="CoNLL tags: iob2, iob1, biluo, io, or source."),
) -> None:
    """Export annotations. Default: per document its gold version, else its only done
    version; documents whose annotators disagree are left out and counted."""
    from tqdm import tqdm

    from ..core.exporter import export
    from ..core.outputs import is_stdout

    store = open_store(db, create=False, readonly=True)
    bar = tqdm(unit=" docs", disable=not progress_enabled(), leave=False)

    def progress(done: int, total: int) -> None:
        bar.total = total
        bar.n = done
        bar.refresh()

    try:
        summary = export(store, out, format=format, annotator=annotator, gold_only=gold,
                         all_versions=all_versions, all_statuses=all_statuses, split=split,
                         seed=seed, config=config, scheme=scheme, stdout_ok=True,
                         progress=progress)
    finally:
        bar.close()
        store.close()
    for problem in summary.problems[:MAX_PROBLEM_LINES]:
        typer.echo(f"warning: {problem}", err=True)
    if summary.misaligned > MAX_PROBLEM_LINES:
        typer.echo(f"warning: ... and {summary.misaligned - MAX_PROBLEM_LINES} more spans off "
                   "token boundaries", err=True)
    # With --out - the data is on stdout: the summary goes with the warnings.
    typer.echo(summary.line(), err=is_stdout(out))


def register(app: typer.Typer) -> None:
    app.command("export", cls=registry_help(format=export_formats, out=export_out))(
        export_command)
