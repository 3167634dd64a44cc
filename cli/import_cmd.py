"""``goldspan import``: files and folders into the database (thin wrapper over
:func:`goldspan.core.importer.import_paths`)."""

from __future__ import annotations

from pathlib import Path
from typing import List, Optional

import typer

from ..core.errors import shown
from .common import (DbOption, clean_errors, import_formats, open_store, progress_enabled,
                     registry_help)


@clean_errors
def import_command(
    paths: List[Path] = typer.Argument(..., help="Files or folders (a folder's files in name order)."),
    db: Optional[Path] = DbOption,
    format: str = typer.Option("auto", "--format", "-f"),  # help: the format registry
    annotator: Optional[str] = typer.Option(
        None, "--annotator", "-a",
        help="Annotator for records whose file names none (default: 'import')."),
    lock_labels: bool = typer.Option(
        False, "--lock-labels", help="Refuse labels not already in the project's label set."),
) -> None:
    """Import documents and annotations. Each file is all-or-nothing; bad input is refused
    with its file, line and reason."""
    from tqdm import tqdm

    from ..core.importer import ImportInterrupted, import_paths

    store = open_store(db)
    bar = tqdm(unit=" records", disable=not progress_enabled(), leave=False)
    last = {"n": 0}

    def progress(path: Path, n: int) -> None:
        if n < last["n"]:
            last["n"] = 0
        bar.set_description(path.name[:30], refresh=False)
        bar.update(n - last["n"])
        last["n"] = n

    try:
        summary = import_paths(store, paths, format=format, annotator=annotator,
                               locked_labels=lock_labels, progress=progress)
    except ImportInterrupted as err:  # Ctrl-C: say what stays, exit as interrupted
        typer.echo(f"goldspan: {err}", err=True)
        raise typer.Exit(130) from None
    finally:
        bar.close()
        store.close()
    typer.echo(summary.line())
    for f in summary.files:
        for note in f.notes:
            typer.echo(f"note: {shown(f.path)}: {note}", err=True)
    for path, why in summary.passed_over:
        typer.echo(f"note: {shown(path)}: not read: {why}", err=True)


def register(app: typer.Typer) -> None:
    app.command("import", cls=registry_help(format=import_formats))(import_command)
