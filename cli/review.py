"""``goldspan review``: the review window, where a lead compares the annotators' done
versions and adjudicates the gold. Qt is imported inside the command only, so the core
and every other command work without PySide6."""

from __future__ import annotations

from pathlib import Path
from typing import List, Optional

import typer

from .common import DbOption, clean_errors, open_store


@clean_errors
def review(
    db: Optional[Path] = DbOption,
    lead: Optional[str] = typer.Option(
        None, "--lead", help="Your name as the lead (default: the annotator name last used, "
        "else your OS user). The adjudicated version is always saved as annotator 'gold'."),
    annotators: Optional[List[str]] = typer.Option(
        None, "--annotators", help="Review only these annotators (comma-separated)."),
) -> None:
    """Open the review window: documents by disagreement, the agreement figures, and the
    versions side by side to adjudicate the gold."""
    from ..core.agreement import done_annotators
    from ..core.labels import check_annotator, split_names
    from .agreement import choose_annotators

    if lead:
        check_annotator(lead)
    store = open_store(db, create=False)
    try:
        known = done_annotators(store)
        wanted = split_names(annotators, known)
        names = choose_annotators(known, wanted) if wanted else None
        from goldspan.gui.app import make_app  # Qt only when a window is wanted
        from goldspan.gui.platform_check import problem

        why = problem()
        if why:
            from ..core.errors import GoldspanError

            raise GoldspanError(why)
        app = make_app()
        from goldspan.gui.review_window import open_review
        from goldspan.gui.settings import resolve_annotator

        window = open_review(None, store, lead or resolve_annotator(None), names)
        code = app.exec()
        del window
    finally:
        store.close()
    raise typer.Exit(code)


def register(app: typer.Typer) -> None:
    app.command("review")(review)
