"""``goldspan search``: documents by words and phrases (the full-text index), or by
entity (a string labelled with a label, by any or a given annotator)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Optional

import typer

from ..core.errors import InputError
from ..core.storage import Store, parse_search
from .common import DbOption, clean_errors, db_path, open_store, say_waiting


@clean_errors
def search(
    text: str = typer.Argument("", help="Words, \"a phrase\", or label:/annotator:/entity: "
                                        "terms (README \"Searching\")."),
    label: Optional[str] = typer.Option(None, "--label", help="Only spans with this label "
                                        "(an entity search)."),
    annotator: Optional[str] = typer.Option(None, "--annotator", help="Only this annotator's "
                                            "versions (an entity search)."),
    entity: bool = typer.Option(False, "--entity", help="TEXT is an entity's text: documents "
                                "where it is labelled, not merely written."),
    limit: Optional[int] = typer.Option(None, "--limit", min=1, help="At most this many."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON: [{\"id\", \"title\"}]."),
    rebuild_index: bool = typer.Option(False, "--rebuild-index", help="Index every text "
                                       "again (when goldspan check says the index is out "
                                       "of step), then search if TEXT is given."),
    db: Optional[Path] = DbOption,
) -> None:
    """Print the documents a search finds, one per line (id, a tab, the title), in id
    order; a count on stderr. TEXT works as in the queue's filter box, but words are
    whole (esp* for a prefix). Exit 0 also when nothing is found."""
    if rebuild_index:
        # the open tolerates the index's own objects missing or changed, and makes them
        with Store.open(db_path(db), create=False, rebuild_search=True) as store:
            store.on_wait = say_waiting
            typer.echo(f"search index rebuilt ({store.document_count()} documents)", err=True)
        if not text:
            return
    query = parse_search(text, label=label, annotator=annotator, entity=entity, typing=False)
    if query.empty:
        raise InputError("nothing to search for: give words, a phrase, or --label/--annotator")
    with open_store(db, create=False, readonly=True) as store:
        found = store.search(query, limit=limit)
    if as_json:
        typer.echo(json.dumps([{"id": i, "title": t} for i, t in found], ensure_ascii=False,
                              indent=2))
    else:
        for doc_id, title in found:
            typer.echo(f"{doc_id}\t{' '.join((title or '').split())}")
    typer.echo(f"{len(found)} document{'s' if len(found) != 1 else ''} found", err=True)


def register(app: typer.Typer) -> None:
    app.command("search")(search)
