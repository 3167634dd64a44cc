"""``goldspan replay``: how much would goldspan save on my data? (thin wrapper over
:func:`goldspan.core.learning.replay.replay`)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import List, Optional

import typer

from .common import clean_errors, db_path, progress_enabled


@clean_errors
def replay(
    corpus: List[Path] = typer.Argument(..., help="Annotated files or folders (any format "
                                        "goldspan imports), replayed in import order."),
    labels: Optional[List[str]] = typer.Option(
        None, "--labels", help="The project's labels, comma-separated or repeated "
        "(default: the corpus's own; a corpus label holding a comma is read whole). "
        "Gold entities with other labels are left out of the gold."),
    as_json: bool = typer.Option(False, "--json", help="Print the figures as JSON."),
    db: Optional[Path] = typer.Option(
        None, "--db", dir_okay=False, help="A NEW file to keep the scratch database in "
        "(default: a temporary file). Never an existing database."),
    model: Optional[str] = typer.Option(
        None, "--model", help="The model suggesting before any training "
        "(default en_core_web_sm; 'none' for no model: learnt phrases only)."),
    label_map: Optional[str] = typer.Option(
        None, "--map", help="The labels rule as the user would set it: "
        "'GPE=Location,LOC=Location,CARDINAL=' (empty: dropped). Unset labels are learnt."),
    config: str = typer.Option(
        "loop", "--config", help="What the loop does: loop (all of it), today (the "
        "rules before the loop), model, map, map+gate, map+gate+phrases, train, "
        "train-full, loop-no-phrases, loop-no-carry, loop-full, loop-full-no-arbitration, "
        "loop-full-blank, loop-blank, loop-long."),
    no_train: bool = typer.Option(False, "--no-train", help="No background training."),
    no_carry: bool = typer.Option(False, "--no-carry", help="Count as if the window did "
                                  "not carry corrections through the article (Project → "
                                  "Carry corrections…) and an article's suggestions could "
                                  "give one string two labels."),
    blank: bool = typer.Option(False, "--blank", help="Train from a blank pipeline, "
                               "not from the model's."),
    fmt: str = typer.Option("auto", "--format", help="Format of the corpus files."),
    limit: Optional[int] = typer.Option(None, "--limit", min=1,
                                        help="Replay only the first N documents."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="Totals only, no table per "
                               "document."),
) -> None:
    """Replay an annotation session over an annotated corpus with an oracle analyst:
    the actions the suggestions leave to do, against annotating from scratch."""
    from dataclasses import replace

    from ..core.errors import InputError
    from ..core.learning.loop import PRESETS
    from ..core.learning.replay import render
    from ..core.learning.replay import replay as run

    if config not in PRESETS:
        raise InputError(f"--config {config!r}: choose one of {', '.join(PRESETS)}")
    cfg = PRESETS[config]
    if model is not None and model.lower() == "none":
        cfg = replace(cfg, model=None)
    elif model is not None:
        cfg = replace(cfg, model=model, base=None if blank else model)
    if no_train:
        cfg = replace(cfg, train="none")
    if no_carry:
        cfg = replace(cfg, carry=False, one_label=False)
    if blank:
        cfg = replace(cfg, base=None)
    project = None
    if labels is not None:
        project = [x for x in labels if x.strip()]
        if not "".join(project).replace(",", "").strip():
            raise InputError("--labels is empty; give label names separated by commas")

    explicit: dict[str, str | None] = {}
    for pair in (label_map or "").split(","):
        if not pair.strip():
            continue
        source, sep, target = pair.partition("=")
        if not sep or not source.strip():
            raise InputError(f"--map {pair!r}: write MODEL_LABEL=PROJECT_LABEL (or "
                             "MODEL_LABEL= to drop it)")
        explicit[source.strip()] = target.strip() or None

    bar = None
    if progress_enabled() and not as_json:
        import sys

        def bar(done: int, total: int) -> None:
            sys.stderr.write(f"\rreplayed {done}/{total} documents")
            if done == total:
                sys.stderr.write("\n")
            sys.stderr.flush()

    scratch = db_path(db) if db is not None else None  # "-" refused, as everywhere
    result = run(corpus, labels=project, config=cfg, db=scratch, fmt=fmt, limit=limit,
                 label_map=explicit, progress=bar)
    if as_json:
        typer.echo(json.dumps(result.to_json(), indent=2, ensure_ascii=False))
    else:
        typer.echo(render(result, per_document=not quiet))


def register(app: typer.Typer) -> None:
    app.command("replay")(replay)
