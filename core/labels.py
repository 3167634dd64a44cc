"""The project's label set: distinct, readable colours and hotkeys 1-9 then letters.

On first use the set is the model's NER labels, most useful for news first (people,
organisations, places) so they get the keys under the analyst's fingers.
"""

from __future__ import annotations

from typing import Iterable, Sequence

from .model import Label

# Mid-tone colours that stay readable as a tint behind black text (light theme) and
# behind white text (dark theme), and differ from their neighbours in hue.
PALETTE = (
    "#7c5cd6",  # violet
    "#1b9e9e",  # teal
    "#e8852b",  # orange
    "#3c8d3c",  # green
    "#d6457a",  # pink
    "#3f7bd9",  # blue
    "#b8a11d",  # olive yellow
    "#a0522d",  # sienna
    "#8c8c8c",  # grey
    "#c23b3b",  # red
    "#5f9ea0",  # cadet
    "#9a6fb0",  # lilac
    "#6b8e23",  # olive drab
    "#2e8b9a",  # petrol
    "#d2691e",  # chocolate
    "#b05fa0",  # orchid
    "#708030",  # moss
    "#4d6fb0",  # steel blue
    "#c08040",  # ochre
    "#7f6a5a",  # taupe
)

# Keys 1-9, then letters in keyboard order.  None of these is used by another command
# (Enter accepts, Space skips, Ctrl+R rejects; see gui/shortcuts.py).
HOTKEYS = tuple("123456789") + tuple("qwertyuiopasdfghjklzxcvbnm")

PREFERRED_ORDER = (
    "PERSON", "PER", "ORG", "GPE", "LOC", "LOCATION", "NORP", "FAC", "EVENT", "PRODUCT",
    "DATE", "TIME", "MONEY", "PERCENT", "QUANTITY", "CARDINAL", "ORDINAL", "LAW",
    "LANGUAGE", "WORK_OF_ART", "MISC",
)


def order_labels(names: Iterable[str]) -> list[str]:
    rank = {n: i for i, n in enumerate(PREFERRED_ORDER)}
    unique = list(dict.fromkeys(names))
    return sorted(unique, key=lambda n: (rank.get(n, len(rank)), n))


def default_labels(names: Iterable[str]) -> list[Label]:
    return extend_labels([], order_labels(names))


def extend_labels(current: Sequence[Label], names: Iterable[str]) -> list[Label]:
    """Append the labels of ``names`` not yet in ``current``, each with the next colour
    and hotkey not in use."""
    out = list(current)
    have = {lab.name for lab in out}
    used_colors = {lab.color.lower() for lab in out}
    used_keys = {lab.hotkey for lab in out if lab.hotkey}
    for name in names:
        if name in have:
            continue
        color = next((c for c in PALETTE if c not in used_colors), None)
        if color is None:
            color = PALETTE[len(out) % len(PALETTE)]
        key = next((k for k in HOTKEYS if k not in used_keys), None)
        out.append(Label(name, color, key))
        have.add(name)
        used_colors.add(color)
        if key:
            used_keys.add(key)
    return out


def check_label(name: str) -> str:
    from .errors import InputError

    if not name or len(name) > 100 or any(ord(ch) < 32 for ch in name):
        raise InputError(f"invalid label {name[:40]!r}: use 1-100 printable characters")
    return name
