"""``goldspan agreement``: inter-annotator agreement over the ``done`` versions.

A thin wrapper: :mod:`goldspan.core.agreement` computes, :mod:`..agreement_report`
formats. The database is opened without creating it (a typo in ``--db`` must not
leave an empty database behind).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import List, Optional

import typer
from tqdm import tqdm

from ..core.agreement import AgreementCounter, done_annotators, load_done_versions
from ..core.agreement_report import html_report, text_report
from ..core.errors import InputError, shown
from ..core.labels import listed, split_names
from ..core.types import GOLD
from ..core.outputs import Outputs, database_files, is_stdout
from .common import DbOption, clean_errors, open_store, progress_enabled


def choose_annotators(known: list[str], wanted: list[str] | None) -> list[str]:
    if wanted is not None:
        if GOLD in wanted:
            raise InputError("'gold' is the adjudicated version, not an annotator; "
                             "leave it out of --annotators")
        unknown = [n for n in wanted if n not in known]
        if unknown:
            raise InputError(f"no done versions by {', '.join(map(repr, unknown))}; "
                             f"annotators with done versions: {listed(known) or 'none'}")
    chosen = wanted if wanted is not None else known
    if len(chosen) < 2:
        raise InputError("agreement needs done versions from at least two annotators "
                         f"(found: {listed(chosen) or 'none'}); mark versions done first")
    return chosen


def register(app: typer.Typer) -> None:
    @app.command()
    @clean_errors
    def agreement(
        db: Optional[Path] = DbOption,
        annotators: Optional[List[str]] = typer.Option(
            None, "--annotators", help="Compare only these annotators (comma-separated)."),
        labels: Optional[List[str]] = typer.Option(
            None, "--labels", help="Compare only these labels (comma-separated); "
            "other spans are ignored on every side."),
        as_json: bool = typer.Option(False, "--json", help="Print the figures as JSON."),
        html: Optional[Path] = typer.Option(
            None, "--html", help="Also write a self-contained HTML report "
            "('-': the report alone on standard output)."),
    ) -> None:
        """Agreement between annotators: pairwise F1 (exact, partial), token kappa,
        per-label F1 and confusion, Krippendorff's alpha over all of them."""
        if is_stdout(html) and as_json:
            raise InputError("--json and --html - both want standard output; pick one, or "
                             "give --html a file name")
        # one snapshot: the counts, the versions and the last document's text (read
        # after the versions' cursor ends) from one view, whatever is deleted meanwhile
        with open_store(db, create=False, readonly=True) as store, store.snapshot(), \
                Outputs(protect=database_files(store.path)) as outputs:
            # The output is checked before the figures are computed: a refusal is at once.
            report = outputs.file(html, stdout_ok=True) if html is not None else None
            known = done_annotators(store)
            names = choose_annotators(known, split_names(annotators, known))
            counter = AgreementCounter(names, split_names(
                labels, [lab.name for lab in store.labels()] + list(store.span_label_counts())))
            total = store.shared_documents(names, at_least=2)
            docs = load_done_versions(store, names)
            for doc in tqdm(docs, total=total, desc="agreement", unit="doc",
                            disable=not progress_enabled(), leave=False):
                counter.add(doc)
            result = counter.result()
            if report is not None:
                report.write(html_report(result))
        if is_stdout(html):
            return
        if as_json:
            typer.echo(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
        else:
            typer.echo(text_report(result), nl=False)
            if html is not None:
                typer.echo(f"HTML report written to {shown(html)}")
