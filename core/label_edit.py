"""Editing the project's label set: colours, hotkeys, descriptions, order, and
renaming or removing labels without leaving spans behind that no label names."""

from __future__ import annotations

from typing import Mapping, Sequence

from .errors import InputError
from .labels import (check_label, color_problem, extend_labels, hotkey_problem, lookalike,
                     lookalike_refusal)
from .types import Label
from .storage import Store

RESERVED_KEYS = {" "}


def validate(labels: Sequence[Label]) -> None:
    """One clear line for the first problem: duplicate names or hotkeys, bad colours."""
    names: set[str] = set()
    keys: dict[str, str] = {}
    for lab in labels:
        check_label(lab.name)
        if lab.name in names:
            raise InputError(f"label {lab.name!r} appears twice")
        other = lookalike(lab.name, names)
        if other is not None:
            raise InputError(lookalike_refusal(lab.name, other))
        names.add(lab.name)
        problem = color_problem(lab.color) or hotkey_problem(lab.hotkey or None)
        if problem:
            raise InputError(f"label {lab.name!r}: {problem}")
        if lab.hotkey:
            k = lab.hotkey.lower()
            if k in keys:
                raise InputError(f"hotkey {lab.hotkey!r} is used by {keys[k]!r} and {lab.name!r}")
            keys[k] = lab.name


def usage(store: Store) -> dict[str, int]:
    """How many spans carry each label (annotations only, not suggestions)."""
    return store.span_label_counts()


def save_label_set(store: Store, labels: Sequence[Label], renames: Mapping[str, str] | None = None) -> None:
    """Replace the label set in one transaction. ``renames`` maps old names to new ones
    and renames their spans and suggestions too. A label that disappears while spans
    still carry it is refused (rename it, or delete those spans first)."""
    labels = [Label(lab.name, lab.color, (lab.hotkey or None) and lab.hotkey.lower(), lab.description or None)
              for lab in labels]
    validate(labels)
    renames = {old: new for old, new in (renames or {}).items() if old != new}
    with store.transaction():
        for old, new in renames.items():
            # A name still carried by spans or suggestions outside the set (a label
            # removed while suggestions kept it) is taken: renaming onto it merged the
            # two for good, as ``goldspan labels --rename`` refuses. Swaps are fine.
            if new not in renames and any(store.label_uses(new)):
                raise InputError(f"label {new!r} is still carried by spans or suggestions; "
                                 f"renaming {old[:40]!r} onto it would merge the two: "
                                 "choose a new name")
        # Through placeholder names, so that swapping two labels (A -> B, B -> A) swaps
        # them instead of merging both into one.
        temps = {old: f"\x01goldspan-rename-{i}" for i, old in enumerate(renames)}
        for old, temp in temps.items():
            store.relabel(old, temp)
        for old, new in renames.items():
            store.relabel(temps[old], new)
        keep = {lab.name for lab in labels}
        used = usage(store)
        orphans = {name: n for name, n in used.items() if name not in keep}
        if orphans:
            name, n = sorted(orphans.items())[0]
            raise InputError(
                f"label {name!r} is on {n} span(s); rename it or delete those spans before removing it"
            )
        store.set_labels(labels)


def rename_label(store: Store, old: str, new: str) -> tuple[int, int]:
    """Rename one label everywhere (label set, spans, suggestions), keeping its colour,
    key and place: the way out for a label that breaks the naming rule (``goldspan
    check`` lists them), for one that is only on spans, and from the command line.
    ``new`` must follow the rule and not be a label already; ``old`` is taken as it is.
    Returns (spans, suggestions) renamed."""
    check_label(new)
    current = store.labels()
    names = [lab.name for lab in current]
    spans, sugg = store.label_uses(old)
    if old not in names and not spans and not sugg:
        raise InputError(f"no label {old[:40]!r} in this project (goldspan check lists the "
                         "labels that need renaming)")
    if old == new:
        return 0, 0
    if new in names or any(store.label_uses(new)):
        raise InputError(f"label {new!r} already exists; renaming {old[:40]!r} onto it would "
                         "merge the two: rename it to a new name")
    other = lookalike(new, [n for n in [*names, *store.span_label_counts()] if n != old])
    if other is not None:
        raise InputError(lookalike_refusal(new, other))
    if old in names:
        labels = [Label(new, lab.color, lab.hotkey, lab.description) if lab.name == old else lab
                  for lab in current]
    else:  # a label only on spans or suggestions joins the set
        labels = extend_labels(current, [new])
    with store.transaction():
        done = store.relabel(old, new)
        store.set_labels(labels)
    return done
