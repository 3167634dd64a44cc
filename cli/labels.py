"""``goldspan labels``: list the project's labels, rename one everywhere, lock the set.

Listing shows every label of the set and every label spans or suggestions carry (an
older database may hold some outside the set), with how often each is used and, for a
label that breaks the naming rule, why. ``--rename OLD NEW`` is the command-line twin
of Project -> Labels: the way to repair such a label (``goldspan check`` lists them).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Optional, Tuple

import typer

from ..core.label_edit import rename_label
from ..core.labels import label_refusal
from .common import DbOption, clean_errors, open_store


@clean_errors
def labels(
    db: Optional[Path] = DbOption,
    rename: Optional[Tuple[str, str]] = typer.Option(
        None, "--rename", metavar="OLD NEW",
        help="Rename label OLD to NEW on every span and suggestion and in the label set."),
    lock: Optional[bool] = typer.Option(
        None, "--lock/--unlock",
        help="Lock the label set (imports, suggestions and merges may not add labels) or "
             "unlock it."),
    as_json: bool = typer.Option(False, "--json", help="Print the list as JSON."),
) -> None:
    """List the labels with their use, rename one everywhere (--rename OLD NEW), or
    lock the label set (--lock / --unlock)."""
    store = open_store(db, create=False)
    if rename is not None:
        old, new = rename
        spans, sugg = rename_label(store, old, new)
        typer.echo(f"renamed {old[:40]!r} to {new!r}: {spans} spans, {sugg} suggestions")
    if lock is not None:
        store.set_setting("labels_locked", lock)
        typer.echo(f"the label set is {'locked' if lock else 'unlocked'}")
    if rename is not None or lock is not None:
        return
    rows = []
    in_set = {lab.name: lab for lab in store.labels()}
    names = list(in_set) + sorted(set(store.span_label_counts()) - set(in_set))
    for name in names:
        spans, sugg = store.label_uses(name)
        lab = in_set.get(name)
        rows.append({"name": name, "in_set": lab is not None,
                     "hotkey": lab.hotkey if lab else None, "spans": spans,
                     "suggestions": sugg, "problem": label_refusal(name) or None})
    locked = bool(store.setting("labels_locked", False))
    if as_json:
        typer.echo(json.dumps({"locked": locked, "labels": rows}, ensure_ascii=False, indent=2))
        return
    typer.echo(f"{len(in_set)} labels in the set ({'locked' if locked else 'not locked'})")
    for r in rows:
        note = "" if r["in_set"] else "  (not in the label set)"
        if r["problem"]:
            note += f"  {r['problem']}"
        # repr: a label that breaks the rule shows its invisible characters escaped
        shown = r["name"] if not r["problem"] else repr(r["name"])
        typer.echo(f"{shown}\t{r['spans']} spans\t{r['suggestions']} suggestions{note}")


def register(app: typer.Typer) -> None:
    app.command("labels")(labels)
