"""What both kinds of session share: the label set as the controllers see it, the
texts about labels and origins, and the entity menu's entries (plain data that the GUI
turns into a QMenu)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Callable, Iterable

from ..edits import ChangeSet, CreateVersion, Edit, Steps
from ..storage import Document, Store
from ..types import Label, Span

if TYPE_CHECKING:  # pragma: no cover
    from ..token_index import TokenIndex

NOT_IN_SET = "not in set"
OUT_OF_SET_HELP = "not in the project's labels: relabel or delete"
ORIGIN_TEXT = {"model": "suggested by the model", "manual": "added by hand",
               "import": "imported", "review": "from review"}
ORIGIN_SHORT = {"model": "model", "manual": "you", "import": "import", "review": "review"}


def in_label_set(label: str, names: Iterable[str]) -> bool:
    """Whether ``label`` is one of the project's labels (with no set at all, nothing is
    out of it: a project whose labels are not known yet is not a sea of warnings)."""
    if not isinstance(names, (set, frozenset, dict)):
        names = set(names)
    return not names or label in names


def count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def quoted(text: str, limit: int = 40) -> str:
    """A span's text for a menu or hint: one line, at most ``limit`` characters."""
    flat = " ".join(text.split())
    return f"“{flat if len(flat) <= limit else flat[:limit - 1] + '…'}”"


@dataclass(frozen=True)
class MenuEntry:
    """One entry of an entity's context menu: choosing it applies ``edit`` (one undo
    step), or it opens ``submenu``. ``shortcut`` names the key that does the same
    (shown in the menu, from the shortcut table); a separator has no text."""

    text: str = ""
    edit: Edit | None = None
    submenu: tuple[MenuEntry, ...] = ()
    shortcut: str | None = None
    enabled: bool = True
    color: str | None = None  # a label's colour, for a swatch

    @property
    def separator(self) -> bool:
        return not self.text


SEPARATOR = MenuEntry()


@dataclass
class LabelSet:
    """The project's labels as the controllers need them: names in order, colours."""

    labels: list[Label] = field(default_factory=list)

    @property
    def names(self) -> list[str]:
        return [lab.name for lab in self.labels]

    @property
    def colors(self) -> dict[str, str]:
        return {lab.name: lab.color for lab in self.labels}

    def contains(self, label: str) -> bool:
        return in_label_set(label, self.colors)

    def key_of(self, name: str) -> str | None:
        for lab in self.labels:
            if lab.name == name:
                return lab.hotkey.upper() if lab.hotkey else None
        return None

    def out_of_set_note(self, span: Span) -> str:
        return "" if self.contains(span.label) else f"\n{span.label} is {OUT_OF_SET_HELP}"


class DocumentSession:
    """What both kinds of session share: the document, its token index (built on first
    use: it loads spaCy's tokenizer), the first change that creates the version, and
    applying an edit then following its ChangeSet (:meth:`follow`, per kind)."""

    def __init__(self, store: Store, doc_id: int) -> None:
        self.store = store
        self.document: Document = store.document(doc_id)
        self._tokens: TokenIndex | None = None

    @property
    def doc_id(self) -> int:
        return self.document.id

    @property
    def text(self) -> str:
        return self.document.text

    @property
    def tokens(self) -> TokenIndex:
        if self._tokens is None:
            from ..token_index import TokenIndex  # local: loads spaCy's tokenizer

            self._tokens = TokenIndex(self.text)
        return self._tokens

    def set_tokens(self, tokens: TokenIndex) -> None:
        """Hand in a token index computed elsewhere (a worker thread, for long texts)."""
        self._tokens = tokens

    def marked(self, start: int, end: int, snap: bool) -> tuple[int, int] | None:
        """The offsets a selection [start, end) labels: snapped to whole tokens unless
        ``snap`` is False, inside the text; None when nothing is left (only spaces)."""
        if snap:
            snapped = self.tokens.snap(start, end)
            if snapped is None:
                return None
            start, end = snapped
        start, end = max(0, start), min(len(self.text), end)
        return (start, end) if start < end else None

    def moved(self, span: Span, edge: str, step: int) -> tuple[int, int] | None:
        """``span``'s offsets with its ``start`` or ``end`` moved by ``step`` whole
        tokens; None where it cannot move (or would not)."""
        if edge == "start":
            moved = self.tokens.move_start(span.start, span.end, step)
        else:
            moved = self.tokens.move_end(span.start, span.end, step)
        return None if moved is None or moved == (span.start, span.end) else moved

    @staticmethod
    def on_version(version_id: int | None, create: Callable[[], CreateVersion],
                   make: Callable[[int], Edit | None]) -> Edit | None:
        """``make(version id)``; with no version yet, preceded by its creation, as one
        edit (one transaction, one undo step). Nothing is built (and no id read) for a
        change that would change nothing."""
        if version_id is not None:
            return make(version_id)
        created = create()
        inner = make(created.annotation_id)
        return None if inner is None else Steps((created, inner), inner.text)

    def apply(self, edit: Edit) -> ChangeSet:
        """Apply (commit) one edit of this document and follow what it changed."""
        change = edit.apply(self.store)
        self.follow(change)
        return change

    def follow(self, change: ChangeSet) -> None:
        """Update the state from a ChangeSet (nothing is re-read)."""
        raise NotImplementedError
