"""``goldspan merge OTHER.db... --db TEAM.db``: bring analysts' files into one.

A thin wrapper over :func:`goldspan.core.merge.merge_files`; the rules (documents by
text hash, every version kept, conflicts reported, one transaction per source) are
documented there.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path
from typing import Iterable, List, Optional

import typer
from tqdm import tqdm

from ..core.merge import MergeReport, SourceDoc, merge_files
from ..core.errors import shown
from .common import DbOption, clean_errors, db_path, progress_enabled, say_waiting


def _progress(docs: Iterable[SourceDoc], total: int, name: str) -> Iterable[SourceDoc]:
    return tqdm(docs, total=total, desc=name, unit="doc", disable=not progress_enabled(),
                leave=False)


def register(app: typer.Typer) -> None:
    @app.command()
    @clean_errors
    def merge(
        sources: List[Path] = typer.Argument(
            ..., dir_okay=False, help="Analysts' goldspan databases to bring in."),
        db: Optional[Path] = DbOption,
        prefer_newer: bool = typer.Option(
            False, "--prefer-newer",
            help="On a conflict keep the version updated last (default: keep the target's)."),
        as_json: bool = typer.Option(False, "--json", help="Print the reports as JSON."),
    ) -> None:
        """Merge goldspan databases into --db: documents deduplicated by text, every
        annotator's version kept, conflicting versions reported, never overwritten
        silently. Each file is merged all or nothing."""

        def merged(report: MergeReport) -> None:
            if as_json:
                return
            typer.echo(report.summary())
            for c in report.conflicts:
                typer.echo(f"  conflict: {c.describe()}")

        reports = merge_files(db_path(db), sources, prefer_newer=prefer_newer,
                              progress=_progress, on_merged=merged, on_wait=say_waiting)
        if as_json:
            typer.echo(json.dumps([asdict(r) for r in reports], ensure_ascii=False, indent=2))
        else:
            n = sum(len(r.conflicts) for r in reports)
            typer.echo(f"merged {len(reports)} file(s) into {shown(db_path(db))}; {n} conflict(s)"
                       + (", listed above" if n else ""))
