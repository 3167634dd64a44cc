"""Editing the project's label set: colours, hotkeys, descriptions, order, and
renaming or removing labels without leaving spans behind that no label names."""

from __future__ import annotations

import re
from typing import Mapping, Sequence

from .errors import InputError
from .labels import check_label
from .model import Label
from .store import Store

COLOR = re.compile(r"^#[0-9a-fA-F]{6}$")
RESERVED_KEYS = {" "}


def validate(labels: Sequence[Label]) -> None:
    """One clear line for the first problem: duplicate names or hotkeys, bad colours."""
    names: set[str] = set()
    keys: dict[str, str] = {}
    for lab in labels:
        check_label(lab.name)
        if lab.name in names:
            raise InputError(f"label {lab.name!r} appears twice")
        names.add(lab.name)
        if not COLOR.match(lab.color or ""):
            raise InputError(f"label {lab.name!r}: colour {lab.color!r} is not #rrggbb")
        if lab.hotkey:
            k = lab.hotkey.lower()
            if len(k) != 1 or not k.isalnum():
                raise InputError(f"label {lab.name!r}: hotkey {lab.hotkey!r} must be one letter or digit")
            if k in keys:
                raise InputError(f"hotkey {lab.hotkey!r} is used by {keys[k]!r} and {lab.name!r}")
            keys[k] = lab.name


def usage(store: Store) -> dict[str, int]:
    """How many spans carry each label (annotations only, not suggestions)."""
    return dict(store.conn.execute("SELECT label, count(*) FROM spans GROUP BY label").fetchall())


def save_label_set(store: Store, labels: Sequence[Label], renames: Mapping[str, str] | None = None) -> None:
    """Replace the label set in one transaction. ``renames`` maps old names to new ones
    and renames their spans and suggestions too. A label that disappears while spans
    still carry it is refused (rename it, or delete those spans first)."""
    labels = [Label(lab.name, lab.color, (lab.hotkey or None) and lab.hotkey.lower(), lab.description or None)
              for lab in labels]
    validate(labels)
    renames = {old: new for old, new in (renames or {}).items() if old != new}
    with store.transaction() as c:
        for old, new in renames.items():
            c.execute("UPDATE spans SET label = ? WHERE label = ?", (new, old))
            c.execute("UPDATE OR IGNORE suggestions SET label = ? WHERE label = ?", (new, old))
            c.execute("DELETE FROM suggestions WHERE label = ?", (old,))
        keep = {lab.name for lab in labels}
        used = usage(store)
        orphans = {name: n for name, n in used.items() if name not in keep}
        if orphans:
            name, n = sorted(orphans.items())[0]
            raise InputError(
                f"label {name!r} is on {n} span(s); rename it or delete those spans before removing it"
            )
        store.set_labels(labels)
