"""The project's label set: distinct, readable colours and hotkeys 1-9 then letters;
and what a label (and an annotator name) is.

On first use the set is the model's NER labels, most useful for news first (people,
organisations, places) so they get the keys under the analyst's fingers.

The naming rule lives here, once (:func:`name_problem`), and so does the filter that
decides which of a model's labels a project takes (:func:`project_labels_filter`):
every entry (the import of every format, the label dialog, suggest, merge, the command
line), ``goldspan check`` and the export use them, never a rule of their own.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from typing import Iterable, Protocol, Sequence, TypeVar

from .types import GOLD, Label

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


# A label's colour and key: what the window puts into a style sheet and a shortcut. A
# colour is "#rrggbb" (anything else went into the label bar's style sheet as it was);
# a key is one letter or digit (Ctrl+Q, Return or Space would take a command's
# shortcut: Quit, Accept, Skip).
COLOR = re.compile(r"#[0-9a-fA-F]{6}\Z")


def color_problem(color: object) -> str | None:
    """Why ``color`` is not a label's colour, or None."""
    if isinstance(color, str) and COLOR.match(color):
        return None
    return f"colour {str(color)[:40]!r} is not #rrggbb"


def hotkey_problem(hotkey: object) -> str | None:
    """Why ``hotkey`` is not a label's key (None, or one letter or digit), or None."""
    if hotkey is None or (isinstance(hotkey, str) and len(hotkey) == 1 and hotkey.isalnum()):
        return None
    return f"hotkey {str(hotkey)[:40]!r} must be one letter or digit"


# ----------------------------------------------------------------- the naming rule
LABEL_MAX = 100
ANNOTATOR_MAX = 200
NAME_RULE = ("printable characters, with single spaces only between words (no tabs, "
             "line breaks, invisible or bidi-control characters)")

_CATEGORY = {
    "Cc": "a control character",
    "Cf": "an invisible format character (bidi control, zero-width...)",
    "Cs": "a surrogate, not a character",
    "Co": "a private-use character",
    "Cn": "an unassigned code point",
    "Zl": "a line separator",
    "Zp": "a paragraph separator",
    "Zs": "a space other than the plain space U+0020",
}


def name_problem(name: object, limit: int = LABEL_MAX) -> str | None:
    """Why ``name`` is not a valid label (or annotator name, with ``limit=200``), or
    None when it is. The one rule, used by every entry (import of every format, the
    label dialog, suggest, merge, the command line) and by ``goldspan check``:

    - 1 to ``limit`` characters (code points); compared exactly: case-sensitive, no
      Unicode normalisation ("é" and "e" + U+0301 are two labels);
    - every character printable as :meth:`str.isprintable` defines it: no control
      (Cc), format (Cf: bidi overrides, zero-width joiners), surrogate (Cs), private-use
      (Co) or unassigned (Cn) code points, no line or paragraph separator (Zl, Zp) and
      no space but U+0020 (Zs);
    - U+0020 only between two other characters: not first, not last, never two in a row.

    Why: a label is written into files whose syntax is lines and whitespace-separated
    columns (CoNLL, brat) and shown on buttons; these characters are invisible or break
    a line, so they could only ever be a mistake or a spoof (a bidi override makes
    "PER" read as another name).
    """
    if not isinstance(name, str):
        return f"is {type(name).__name__}, not text"
    if not name:
        return "is empty"
    if len(name) > limit:
        return f"has {len(name)} characters, more than {limit}"
    if name.isprintable() and name[0] != " " and name[-1] != " " and "  " not in name:
        return None  # the common case, at C speed
    for i, ch in enumerate(name):
        if ch == " ":
            if i == 0:
                return "starts with a space"
            if i == len(name) - 1:
                return "ends with a space"
            if name[i - 1] == " ":
                return "holds two spaces in a row"
        elif not ch.isprintable():
            return f"holds {describe_char(ch)} at position {i + 1}"
    return None  # pragma: no cover - isprintable() said otherwise


def describe_char(ch: str) -> str:
    """``U+2028 (LINE SEPARATOR, a line separator)``: the code point, its name, and
    what kind of character it is, for a one-line refusal."""
    category = unicodedata.category(ch)
    name = unicodedata.name(ch, "")
    kind = _CATEGORY.get(category, category)
    return f"U+{ord(ch):04X} ({name}, {kind})" if name else f"U+{ord(ch):04X} ({kind})"


def is_valid_label(name: object) -> bool:
    return name_problem(name, LABEL_MAX) is None


def label_refusal(name: object) -> str:
    """The one-line refusal for a label that breaks the rule (empty if it does not)."""
    problem = name_problem(name, LABEL_MAX)
    if problem is None:
        return ""
    shown = name[:40] if isinstance(name, str) else name
    return f"invalid label {shown!r}: it {problem}; a label is 1-{LABEL_MAX} {NAME_RULE}"


def check_label(name: str) -> str:
    """``name`` if it is a valid label, else :class:`InputError` saying why."""
    from .errors import InputError

    refusal = label_refusal(name)
    if refusal:
        raise InputError(refusal)
    return name


# Letters of other scripts drawn like Latin ones (from Unicode's confusables): the
# Cyrillic and Greek capitals and small letters that look the same in every font.
_LOOKALIKES = str.maketrans({
    **dict(zip("АВЕКМНОРСТХУІЈЅ", "ABEKMHOPCTXYIJS", strict=True)),  # Cyrillic capitals
    **dict(zip("аеорсхуіјѕһԁԛԝӏ", "aeopcxyijshdqwl", strict=True)),  # Cyrillic small letters
    **dict(zip("ΑΒΕΖΗΙΚΜΝΟΡΤΥΧ", "ABEZHIKMNOPTYX", strict=True)),  # Greek capitals
    **dict(zip("οικνρυχ", "oikvpux", strict=True)),  # Greek small letters
    "\u0261": "g", "\u0581": "g", "\u0585": "o", "\u01c0": "l", "\u217e": "d",
})


def skeleton(name: str) -> str:
    """What ``name`` looks like: compatibility forms folded (NFKC: fullwidth letters) and
    letters of other scripts drawn like Latin ones replaced by those. Two different names
    with one skeleton read as the same name on every button, list and figure."""
    return unicodedata.normalize("NFKC", name).translate(_LOOKALIKES)


def lookalike(name: str, others: Iterable[str]) -> str | None:
    """The first of ``others`` that ``name`` looks like without being it, or None."""
    mine = skeleton(name)
    return next((o for o in others if o != name and skeleton(o) == mine), None)


def lookalike_refusal(name: str, other: str) -> str:
    """``label 'ОRG' looks like the label 'ORG' but is another one: it holds U+041E ...``,
    naming as the odd one the name holding the lookalike characters, whichever came
    first."""
    if skeleton(name) == name and skeleton(other) != other:
        name, other = other, name
    where = next((i for i, (a, b) in enumerate(zip(name, other, strict=False)) if a != b), None)
    what = (f": it holds U+{ord(name[where]):04X} "
            f"({unicodedata.name(name[where], 'unnamed')}) at position {where + 1}"
            if where is not None and len(name) == len(other) else "")
    return (f"label {name[:40]!r} looks like the label {other[:40]!r} but is another "
            f"one{what}; two labels that look the same would split one class in two: "
            "use the existing label (or rename one of them)")


def looks_like_gold(name: str) -> bool:
    """``Gold``, ``GOLD``, ``ｇｏｌｄ`` or ``gоld`` with a Cyrillic о: names that read as
    the reserved ``gold`` (the adjudicated version) in every list and figure without
    being it. Only ``gold`` itself is the gold."""
    return skeleton(name).casefold() == "gold" and name != "gold"


def annotator_refusal(name: object) -> str:
    problem = name_problem(name, ANNOTATOR_MAX)
    if problem is None and isinstance(name, str) and looks_like_gold(name):
        problem = ("reads as 'gold', the name reserved for the adjudicated version (only "
                   "adjudication writes it)")
    if problem is None:
        return ""
    shown = name[:40] if isinstance(name, str) else name
    return (f"invalid annotator name {shown!r}: it {problem}; an annotator name is "
            f"1-{ANNOTATOR_MAX} {NAME_RULE}")


def check_annotator(name: str, *, allow_gold: bool = False) -> str:
    """Annotator names follow the labels' naming rule (:func:`name_problem`) with
    1-200 characters; ``gold`` is reserved for adjudication."""
    from .errors import InputError

    refusal = annotator_refusal(name)
    if refusal:
        raise InputError(refusal)
    if name == GOLD and not allow_gold:
        raise InputError("'gold' is reserved for adjudication; choose another annotator name")
    return name


def check_exported_names(labels: Iterable[str], annotator: str | None, doc_id: int) -> None:
    """Refuse an export of a version holding a label (or, where the format carries one,
    an annotator name) that breaks the rule, naming it and the document: every
    reader refuses such a name, so a file holding one would not read back. Only a
    database from before the rule holds one; ``goldspan check`` lists them and
    ``goldspan labels --rename`` (or Project -> Labels) repairs them."""
    from .errors import InputError

    for label in labels:
        refusal = label_refusal(label)
        if refusal:
            raise InputError(f"document {doc_id}: {refusal}; rename it first (Project -> "
                             "Labels, or goldspan labels --rename OLD NEW)")
    if annotator is not None:
        refusal = annotator_refusal(annotator)
        if refusal:
            raise InputError(f"document {doc_id}: {refusal}; this format carries the "
                             "annotator's name: export with another format")


def listed(names: Iterable[str]) -> str:
    """Names joined with commas, those holding a comma quoted ("'Smith, J', alice, bob"
    read as four names)."""
    return ", ".join(repr(n) if "," in n or n != n.strip() else n for n in names)


# ------------------------------------------------ which of a model's labels are kept
class _Labelled(Protocol):
    @property
    def label(self) -> str: ...


T = TypeVar("T", bound=_Labelled)


@dataclass
class LabelFilter:
    """Which labels a model's output may carry into this project, and what was left
    out. ``allowed`` is the locked label set (None: the set is open, and every label
    that follows the naming rule is kept). ``mapping`` is the labels rule the user set
    (``goldspan labels --map``, Project -> Labels): a model label is renamed to its
    project label, or dropped (None), before the set is asked. The counters say what
    was mapped and left out, by label, so every summary can say it.

    One place on purpose: every path that takes a model's output into the project
    (``goldspan suggest``, its Ray twin, the window's suggestions) goes through here.

    ``project``: the filter is the project's own (:meth:`Store.label_filter`), which a
    long run reads again in each of its transactions (:meth:`follow`): the lead may
    lock, change or map the set while ``suggest`` runs for hours.
    """

    allowed: frozenset[str] | None = None
    outside: Counter[str] = field(default_factory=Counter)
    invalid: Counter[str] = field(default_factory=Counter)
    mapping: dict[str, str | None] = field(default_factory=dict)
    mapped: Counter[str] = field(default_factory=Counter)  # "GPE -> Location"
    dropped: Counter[str] = field(default_factory=Counter)  # by the rule
    project: bool = False

    def follow(self, current: "LabelFilter") -> None:
        """Take the project's set and rule as they are now (``current``, read in the
        caller's transaction), keeping what was counted; a filter that is not the
        project's (a caller's own) stays as it is."""
        if self.project:
            self.allowed = current.allowed
            self.mapping = current.mapping

    def keeps(self, label: str) -> bool:
        if self.allowed is not None:
            return label in self.allowed
        return is_valid_label(label)

    def __call__(self, items: Iterable[T]) -> list[T]:
        """The items (anything with a ``label``) this project takes; counts the rest."""
        kept: list[T] = []
        for item in items:
            label = item.label
            if label in self.mapping:
                target = self.mapping[label]
                if target is None:
                    self.dropped[label] += 1
                    continue
                if target != label:
                    self.mapped[f"{label} -> {target}"] += 1
                    item = _relabelled(item, target)
                    label = target
            if self.keeps(label):
                kept.append(item)
            elif self.allowed is not None and is_valid_label(label):
                self.outside[label] += 1
            else:
                self.invalid[label] += 1
        return kept

    @property
    def left_out(self) -> int:
        return (sum(self.outside.values()) + sum(self.invalid.values())
                + sum(self.dropped.values()))

    def describe(self, what: str = "suggestions") -> str:
        """``"12 suggestions left out: labels outside the locked label set: DATE (9),
        CARDINAL (3)"``, or ``""`` when nothing was left out."""
        mapped = (f"{sum(self.mapped.values())} {what} relabelled by the labels rule: "
                  + _counts(self.mapped, quote=False)) if self.mapped else ""
        if not self.left_out:
            return mapped
        parts = []
        if self.dropped:
            parts.append("labels the labels rule drops: " + _counts(self.dropped))
        if self.outside:
            parts.append("labels outside the locked label set: " + _counts(self.outside))
        if self.invalid:
            parts.append("labels that break the naming rule: " + _counts(self.invalid))
        left = f"{self.left_out} {what} left out, with " + "; ".join(parts)
        return f"{mapped}; {left}" if mapped else left


def _relabelled(item: T, label: str) -> T:
    """``item`` with another label: a Span (a named tuple) or a Suggestion (a dataclass)."""
    if hasattr(item, "_replace"):
        return item._replace(label=label)
    from dataclasses import replace

    return replace(item, label=label)  # type: ignore[type-var]


def _counts(counter: Counter[str], most: int = 10, *, quote: bool = True) -> str:
    items = counter.most_common()
    shown = ", ".join(f"{label[:40]!r} ({n})" if quote else f"{label} ({n})"
                      for label, n in items[:most])
    return shown + (f" and {len(items) - most} more" if len(items) > most else "")


def project_labels_filter(project_labels: Iterable[str], locked: bool,
                          mapping: dict[str, str | None] | None = None) -> LabelFilter:
    """The filter for a project whose label set is ``project_labels``: with a locked
    set, only its labels; otherwise any label that follows the naming rule; a model
    label in ``mapping`` (the user's labels rule) renamed or dropped first."""
    if locked:
        return LabelFilter(frozenset(name for name in project_labels if is_valid_label(name)),
                           mapping=dict(mapping or {}), project=True)
    return LabelFilter(None, mapping=dict(mapping or {}), project=True)


def split_names(values: Sequence[str] | None, known: Iterable[str] = ()) -> list[str] | None:
    """``a,b`` and repeated options both work; ``None`` when not given. Names may hold
    a comma ("Smith, J", a label "CITY, STATE"): pieces that make a ``known`` name
    together are that name, the longest first, so ``"Smith, J,bob"`` is two names
    (a value that was a known name as a whole already was one; with another name
    beside it, it was split and refused)."""
    if not values:
        return None
    known = set(known)
    names: list[str] = []
    for value in values:
        pieces = value.split(",")
        i = 0
        while i < len(pieces):
            j = next((j for j in range(len(pieces), i + 1, -1)
                      if ",".join(pieces[i:j]).strip() in known), i + 1)
            name = ",".join(pieces[i:j]).strip()
            if name:
                names.append(name)
            i = j
    return list(dict.fromkeys(names)) or None
