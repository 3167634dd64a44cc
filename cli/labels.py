"""``goldspan labels``: list the project's labels, add, rename, lock; set the labels rule.

Listing shows every label of the set and every label spans or suggestions carry (an
older database may hold some outside the set), with how often each is used and, for a
label that breaks the naming rule, why. ``--rename OLD NEW`` is the command-line twin
of Project -> Labels: the way to repair such a label (``goldspan check`` lists them).

The labels rule (issue 13): ``--map GPE=Location`` maps a model label onto a project
label (many-to-one: ``--map LOC=Location`` too), ``--drop CARDINAL`` drops one, and
``--unmap GPE`` forgets the user's rule for it (the window's learning loop then learns
it from the corrections again). The rule is stored in the database and applied to
every model's output before anyone sees it: ``goldspan suggest`` (and ``--ray``), the
window's suggestions and its learning loop.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import List, Optional, Tuple

import typer

from ..core.label_edit import rename_label
from ..core.errors import InputError
from ..core.labels import check_label, label_refusal, lookalike, lookalike_refusal
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
    add: Optional[List[str]] = typer.Option(
        None, "--add", metavar="NAME", help="Add a label to the set (repeat for more)."),
    map_: Optional[List[str]] = typer.Option(
        None, "--map", metavar="MODEL=PROJECT",
        help="Labels rule: a model's label MODEL becomes the project's label PROJECT in "
             "every suggestion (repeat; several model labels may map onto one)."),
    drop: Optional[List[str]] = typer.Option(
        None, "--drop", metavar="MODEL",
        help="Labels rule: suggestions with the model's label MODEL are dropped (repeat)."),
    unmap: Optional[List[str]] = typer.Option(
        None, "--unmap", metavar="MODEL",
        help="Forget the rule set for MODEL (the window's loop learns it again)."),
    as_json: bool = typer.Option(False, "--json", help="Print the list as JSON."),
) -> None:
    """List the labels with their use and the labels rule; add labels (--add), rename
    one everywhere (--rename OLD NEW), lock the set (--lock / --unlock), and map or
    drop model labels (--map MODEL=PROJECT, --drop MODEL, --unmap MODEL)."""
    with open_store(db, create=False) as store:
        changed = False
        if add:
            known = [lab.name for lab in store.labels()]
            for name in add:
                check_label(name)
                other = lookalike(name, known)
                if other is not None:
                    raise InputError(lookalike_refusal(name, other))
                known.append(name)
            before = {lab.name for lab in store.labels()}
            added = [lab.name for lab in store.add_labels(add) if lab.name not in before]
            typer.echo(f"added {len(added)} label{'s' if len(added) != 1 else ''}"
                       + (f": {', '.join(added)}" if added else " (all were in the set)"))
            changed = True
        if map_ or drop:
            project = [lab.name for lab in store.labels()]
            rule: dict[str, str | None] = dict(_pair(m, project) for m in (map_ or []))
            rule.update({src: None for src in (drop or [])})
            store.set_label_map(rule)
            typer.echo("labels rule: " + ", ".join(
                f"{src} -> {dst if dst is not None else '(dropped)'}" for src, dst in rule.items()))
            changed = True
        if unmap:
            current = store.label_map()
            missing = [src for src in unmap if src not in current]
            if missing:
                raise InputError(f"--unmap {missing[0]!r}: the labels rule has no entry for it; "
                                 f"entries: {', '.join(current) or 'none'}")
            store.clear_label_map(unmap)
            typer.echo(f"labels rule: forgot {', '.join(unmap)}")
            changed = True
        if rename is not None:
            old, new = rename
            spans, sugg = rename_label(store, old, new)
            typer.echo(f"renamed {old[:40]!r} to {new!r}: {spans} spans, {sugg} suggestions")
        if lock is not None:
            store.set_setting("labels_locked", lock)
            typer.echo(f"the label set is {'locked' if lock else 'unlocked'}")
        if rename is not None or lock is not None or changed:
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
        rule = store.label_map()
        if as_json:
            typer.echo(json.dumps({"locked": locked, "labels": rows, "label_map": rule},
                                  ensure_ascii=False, indent=2))
            return
        typer.echo(f"{len(in_set)} labels in the set ({'locked' if locked else 'not locked'})")
        for r in rows:
            note = "" if r["in_set"] else "  (not in the label set)"
            if r["problem"]:
                note += f"  {r['problem']}"
            # repr: a label that breaks the rule shows its invisible characters escaped
            shown = r["name"] if not r["problem"] else repr(r["name"])
            typer.echo(f"{shown}\t{r['spans']} spans\t{r['suggestions']} suggestions{note}")
        if rule:
            typer.echo("labels rule (applied to every model's suggestions): " + ", ".join(
                f"{src} -> {dst if dst is not None else '(dropped)'}" for src, dst in rule.items()))


def _pair(value: str, project: list[str]) -> tuple[str, str]:
    """``GPE=Location`` -> (``GPE``, ``Location``). A label may hold ``=``: where the
    value has several, the split whose right side is a project label is taken, and a
    value that still reads two ways is refused."""
    splits = [(value[:i], value[i + 1:]) for i, ch in enumerate(value) if ch == "="]
    splits = [(a, b) for a, b in splits if a and b]
    if len(splits) > 1:
        splits = [(a, b) for a, b in splits if b in project] or splits
    if len(splits) != 1:
        raise InputError(f"--map {value[:60]!r}: write MODEL=PROJECT, e.g. --map GPE=Location"
                         + ("" if not splits else " (this one reads several ways)"))
    return splits[0]


def register(app: typer.Typer) -> None:
    app.command("labels")(labels)
