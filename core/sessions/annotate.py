"""One annotator working on one document (:class:`ArticleSession`) and what the
annotation window does with it (:class:`AnnotateController`), without a widget.

Opening a document writes nothing: until the first edit the view shows the latest
suggestions as the starting point. The first edit creates the annotator's version as a
copy of those suggestions (origin ``model``) as its first step
(:class:`~goldspan.core.edits.CreateVersion`), so undoing it leaves no version and the
document is "to do" again; a key press that changes nothing builds no edit and writes
nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Callable

from .. import edits
from ..carry import carried_adds, carried_deletes, carried_relabels
from ..edits import ChangeSet, CreateVersion, Edit, ReplaceSpans
from ..spans import SpanIndex
from ..status import Status
from ..storage import Store, non_overlapping
from ..types import Label, Span, Suggestion
from .common import (
    ORIGIN_TEXT, SEPARATOR, DocumentSession, LabelSet, MenuEntry, count, quoted,
)


@dataclass(frozen=True)
class VersionState:
    """What the session knows of its version, kept from the ChangeSets (never re-read
    after an edit)."""

    id: int
    status: str
    edited: bool
    seeded_from: str | None


class ArticleSession(DocumentSession):
    """The document, the annotator's version (or None until the first edit), its spans
    (one :class:`SpanIndex` the views read too) and the edits it can make."""

    def __init__(self, store: Store, doc_id: int, annotator: str) -> None:
        super().__init__(store, doc_id)
        self.annotator = annotator
        self.spans = SpanIndex()
        self.carry = True  # carry corrections on through the article (core/carry.py)
        self.reload()

    # ----------------------------------------------------------------- state
    def reload(self) -> None:
        """Read the version and the suggestions again (after an edit was refused, or
        the document changed elsewhere)."""
        found = self.store.annotation(self.doc_id, self.annotator)
        self.version: VersionState | None = None if found is None else VersionState(
            found.id, found.status, found.edited, found.seeded_from)
        self.model, suggestions = self.store.latest_suggestions(self.doc_id)
        self.suggestions: list[Suggestion] = suggestions
        if self.version is None:
            self.spans.reset(_model_spans(suggestions))
        else:
            self.spans.reset(self.store.spans(self.version.id))

    @property
    def status(self) -> str:
        return self.version.status if self.version else Status.TODO

    @property
    def edited(self) -> bool:
        return bool(self.version and self.version.edited)

    def offered(self) -> list[Suggestion]:
        """Suggestions of a model run that came after the analyst started editing
        (the version was not seeded from it): shown apart, to accept or ignore, never
        applied by themselves."""
        if not self.edited or self.version is None:
            return []
        if self.model is None or self.model == self.version.seeded_from:
            return []  # the version started from this run: corrections are final
        have = {s.key() for s in self.spans}
        return [s for s in self.suggestions if (s.start, s.end, s.label) not in have]

    def span_at(self, pos: int) -> Span | None:
        return self.spans.at(pos)

    def offered_at(self, pos: int, offered: list[Suggestion] | None = None) -> Suggestion | None:
        for s in self.offered() if offered is None else offered:
            if s.start <= pos < s.end:
                return s
        return None

    def suggestions_arrived(self) -> bool:
        """Re-read the suggestions after a model ran; seed an unedited version with
        them. Returns True when the spans shown changed."""
        before = list(self.spans)
        self.model, self.suggestions = self.store.latest_suggestions(self.doc_id)
        if self.version is None:
            self.spans.reset(_model_spans(self.suggestions))
        elif not self.version.edited and self.model is not None:
            if self.store.seed_version(self.version.id, self.model, self.suggestions):
                self.version = replace(self.version, seeded_from=self.model)
                self.spans.reset(self.store.spans(self.version.id))
        return self.spans != before

    # --------------------------------------------------------------- builders
    # Every builder reads, never writes: None when the key press would change nothing.
    def _on_version(self, make: Callable[[int], Edit | None]) -> Edit | None:
        """``make(annotation_id)``; the first change also creates the version, as a
        copy of the spans shown (the model's suggestions), status "to do"."""
        return self.on_version(
            None if self.version is None else self.version.id,
            lambda: CreateVersion(self.doc_id, self.store.next_id("annotations"), self.annotator,
                                  tuple(self.spans), Status.TODO, seeded_from=self.model),
            make)

    def snap(self, start: int, end: int) -> tuple[int, int] | None:
        return self.tokens.snap(start, end)

    def add(self, start: int, end: int, label: str, *, snap: bool = True,
            origin: str = "manual") -> Edit | None:
        marked = self.marked(start, end, snap)
        if marked is None:
            return None
        span = Span(*marked, label, origin)
        return self._on_version(lambda ann: self._carried(
            edits.add_span(ann, self.doc_id, self.spans, span), origin == "manual"))

    def delete(self, span: Span) -> Edit | None:
        return self._on_version(lambda ann: self._carried(
            edits.remove_span(ann, self.doc_id, span)))

    def relabel(self, span: Span, label: str) -> Edit | None:
        return self._on_version(lambda ann: self._carried(
            edits.relabel_span(ann, self.doc_id, span, label)))

    def _carried(self, edit: ReplaceSpans | None, manual: bool = True) -> ReplaceSpans | None:
        """``edit`` (one delete, relabel or add of the analyst's) with the correction
        carried on to the untouched spans after it (:mod:`goldspan.core.carry`), when
        ``carry`` is on. Accepting an offered suggestion is not carried, nor is an edit
        of an accepted article: its Enter confirmed every entity in it."""
        if edit is None or not self.carry or not manual or self.status == Status.DONE:
            return edit
        text, spans = self.text, self.spans
        removed, added = edit.removed, edit.added
        first = added[0] if len(added) == 1 else removed[0]  # the entity corrected
        later = spans[spans.first_from(first.end):]
        if len(removed) == 1 and not added:
            more_removed, more_added = carried_deletes(text, later, removed[0]), []
            said = "Also deleted {n} {what} after it"
        elif (len(removed) == 1 and len(added) == 1
              and (removed[0].start, removed[0].end) == (added[0].start, added[0].end)):
            pairs = carried_relabels(text, later, removed[0], added[0].label)
            more_removed, more_added = [a for a, _ in pairs], [b for _, b in pairs]
            said = "Also relabelled {n} {what} after it to " + added[0].label
        elif len(added) == 1:
            gone = set(removed)

            def free(start: int, end: int) -> bool:
                return all(x in gone for x in spans.overlapping(start, end))

            more_removed, more_added = [], carried_adds(text, added[0], free)
            said = "Also suggested {n} {what} after it as " + added[0].label
        else:
            return edit
        n = max(len(more_removed), len(more_added))
        if not n:
            return edit
        what = f"more {quoted(text[first.start:first.end], 30)}"
        note = said.format(n=n, what=what) + " (untouched suggestions)"
        return replace(edit, removed=(*removed, *more_removed), added=(*added, *more_added),
                       text=f"{edit.text} (+{n} after it)",
                       carried=(len(more_removed), len(more_added)), note=note)

    def move_boundary(self, span: Span, edge: str, step: int) -> Edit | None:
        """Move the ``start`` or ``end`` of a span by ``step`` whole tokens."""
        moved = self.moved(span, edge, step)
        if moved is None:
            return None
        return self._on_version(
            lambda ann: edits.resize_span(ann, self.doc_id, self.spans, span, *moved))

    def accept_offered(self, suggestion: Suggestion) -> Edit | None:
        return self.add(suggestion.start, suggestion.end, suggestion.label, snap=False,
                        origin="model")

    def acceptable(self, offered: list[Suggestion]) -> list[Span]:
        """The offered suggestions that overlap none of the spans (nor one taken before
        them, in text order): what accepting all offered adds."""
        taken: list[Span] = []
        for s in sorted(offered, key=lambda x: (x.start, x.end)):
            if not self.spans.overlapping(s.start, s.end) and not (taken and taken[-1].end > s.start):
                taken.append(Span(s.start, s.end, s.label, "model"))
        return taken

    def accept_all_offered(self, offered: list[Suggestion]) -> Edit | None:
        """Every acceptable offered suggestion (:meth:`acceptable`), as one edit."""
        taken = self.acceptable(offered)
        if not taken:
            return None
        return self.replace((), taken, f"Accept {count(len(taken), 'offered', 'offered')}",
                            select=False)

    def replace(self, removed: tuple[Span, ...] | list[Span], added: tuple[Span, ...] | list[Span],
                text: str, *, select: bool = True) -> Edit | None:
        """Remove and add any spans in one edit (the entity menu's "all of ..." entries)."""
        if not removed and not added:
            return None
        return self._on_version(lambda ann: ReplaceSpans(ann, self.doc_id, tuple(removed),
                                                         tuple(added), text, select))

    def set_status(self, status: str) -> Edit | None:
        return self._on_version(lambda ann: edits.set_status(ann, self.doc_id, self.status, status))

    # ------------------------------------------------------------------ apply
    def follow(self, change: ChangeSet) -> None:
        """Update the version and the spans from a ChangeSet (nothing is re-read)."""
        if change.created is not None:
            c = change.created
            self.version = VersionState(c.annotation_id, c.status, c.edited, c.seeded_from)
        if change.dropped:
            self.version = None
        elif self.version is not None and (change.status is not None or change.edited):
            self.version = replace(self.version, status=change.status or self.version.status,
                                   edited=self.version.edited or change.edited)
        self.spans.apply(change)


def _carried_too(edit: Edit | None) -> str:
    """What a menu entry adds to its text when its edit carries on through the
    article: the analyst sees it before choosing."""
    if isinstance(edit, edits.Steps):
        edit = edit.steps[-1]
    if not isinstance(edit, ReplaceSpans) or edit.carried == (0, 0):
        return ""
    return f" (+{max(edit.carried)} after it)"


def _model_spans(suggestions: list[Suggestion]) -> list[Span]:
    return [Span(s.start, s.end, s.label, "model") for s in non_overlapping(suggestions)]


# ------------------------------------------------------------------ controller
Item = Span | Suggestion


class AnnotateController:
    """What the annotation window does, without a widget: the open session, the
    selected entity, the active label, where Tab goes, what to select after an edit,
    the hint, the tooltips and the entity menu. Methods that change the document
    return the edit to apply (the window puts it on its undo stack) and never apply it
    themselves; after it applied, :meth:`changed` follows it."""

    def __init__(self, store: Store, annotator: str) -> None:
        self.store = store
        self.annotator = annotator
        self.session: ArticleSession | None = None
        self.selected: Span | None = None
        self.active_label: str | None = None
        self.anchor: int | None = None  # where Tab goes on from while nothing is selected
        self.note: str | None = None  # what the last change did, for the hint
        self.dismissed: set[int] = set()
        self.labels = LabelSet()
        self.carry = True  # corrections carried on through the article (core/carry.py)

    # ------------------------------------------------------------- document
    def open(self, doc_id: int) -> ArticleSession:
        self.session = ArticleSession(self.store, doc_id, self.annotator)
        self.session.carry = self.carry
        self.selected = None
        self.anchor = None
        self.note = None
        return self.session

    def close(self) -> None:
        self.session = None
        self.selected = None
        self.anchor = None
        self.note = None

    def set_carry(self, on: bool) -> None:
        self.carry = on
        if self.session is not None:
            self.session.carry = on

    def set_labels(self, labels: list[Label]) -> None:
        self.labels = LabelSet(list(labels))

    def offered(self) -> list[Suggestion]:
        s = self.session
        if s is None or s.doc_id in self.dismissed:
            return []
        return s.offered()

    def dismiss_offered(self) -> None:
        if self.session is not None:
            self.dismissed.add(self.session.doc_id)

    # ------------------------------------------------------------ selection
    def select(self, span: Span | None) -> None:
        self.selected = span
        self.note = None
        if span is not None:
            self.anchor = span.start

    def clear(self) -> None:
        """Esc: no selected entity and no active label (Tab goes on from here)."""
        self.select(None)
        self.active_label = None

    def step(self, step: int) -> Span | None:
        """Tab / Shift+Tab: the next or previous entity from the selected one, or from
        where the analyst last was (a deleted entity's place, a click), wrapping."""
        s = self.session
        if s is None or not s.spans:
            return None
        spans = s.spans
        row = spans.row_of(self.selected) if self.selected is not None else None
        if row is not None:
            target = spans[(row + step) % len(spans)]
        elif self.anchor is None:
            target = spans[0] if step > 0 else spans[-1]
        else:
            i = spans.first_from(self.anchor)  # the first entity starting here or after
            target = spans[i % len(spans)] if step > 0 else spans[(i - 1) % len(spans)]
        self.select(target)
        return target

    def click(self, pos: int) -> Edit | None:
        """A click in the text: select the entity there (a click on a label chip lands
        just after the span's last character: it selects the span too), or accept the
        offered suggestion there, or clear the selection."""
        s = self.session
        if s is None:
            return None
        span = s.span_at(pos) or (s.span_at(pos - 1) if pos > 0 else None)
        if span is not None:
            self.select(span)
            return None
        sug = s.offered_at(pos, self.offered())
        if sug is not None:
            return s.accept_offered(sug)
        self.select(None)
        self.anchor = pos
        return None

    def text_selected(self, start: int, end: int, precise: bool) -> Edit | None:
        """Text was selected by a drag or a double-click: the selected entity gives way
        to it; with an active label it is labelled at once."""
        if self.selected is not None:
            self.select(None)
        if self.active_label and self.session is not None:
            return self.session.add(start, end, self.active_label, snap=not precise)
        return None

    def label_key(self, name: str, selection: tuple[int, int] | None, precise: bool) -> Edit | None:
        """A label key or button: label the selected text, relabel the selected entity,
        or make ``name`` the active label (again: no active label)."""
        s = self.session
        if s is None:
            return None
        if selection is not None and selection[0] < selection[1]:
            return s.add(selection[0], selection[1], name, snap=not precise)
        if self.selected is not None:
            return s.relabel(self.selected, name)
        self.active_label = None if self.active_label == name else name
        return None

    # ------------------------------------------------------------------ edits
    def delete_selected(self) -> Edit | None:
        if self.session is None or self.selected is None:
            return None
        return self.session.delete(self.selected)

    def move_boundary(self, edge: str, step: int) -> Edit | None:
        if self.session is None or self.selected is None:
            return None
        return self.session.move_boundary(self.selected, edge, step)

    def accept_all_offered(self) -> Edit | None:
        if self.session is None:
            return None
        return self.session.accept_all_offered(self.offered())

    def finish(self, status: str) -> Edit | None:
        return None if self.session is None else self.session.set_status(status)

    def changed(self, change: ChangeSet) -> None:
        """Follow an applied change: select what it says to select; a selected entity
        it removed is replaced by the span it became (same offsets), or the selection
        goes and Tab goes on from its place."""
        if change.select is not None:
            self.select(change.select)
            return
        sel = self.selected
        if sel is None or sel not in change.removed:
            return
        same = [a for a in change.added if (a.start, a.end) == (sel.start, sel.end)]
        if same:
            self.select(same[0])
            return
        self.select(None)
        self.anchor = sel.start
        if not change.added:
            gone = len(change.removed)
            one = f"Deleted {sel.label} {quoted(self._text(sel), 30)}"
            self.note = (f"{one}. {change.note}" if change.note
                         else one if gone == 1 else f"Deleted {gone} entities")

    def _text(self, span: Span | Suggestion) -> str:
        return self.session.text[span.start:span.end] if self.session else ""

    # ------------------------------------------------------------------ texts
    def hint(self) -> str:
        """The one line under the article (elided to its width, never wrapped)."""
        if self.selected is not None:
            return (f"{self.selected.label} selected: a label key relabels · Delete removes · "
                    "Ctrl/Shift+←→ move its edges · right-click or the Menu key for more")
        if self.active_label:
            return f"Active label {self.active_label}: select text to label it (Esc to stop)"
        if self.note:
            return f"{self.note} · Tab: the next entity · Shift+Tab: the one before · Ctrl+Z undoes"
        return "Select text, then press a label key · Tab walks the entities · Enter accepts the article"

    def tooltip(self, pos: int) -> str | None:
        """The article's tooltip at a character: the entity there, if any."""
        s = self.session
        span = s.span_at(pos) if s is not None else None
        return None if span is None else self.span_tooltip(span)

    def span_tooltip(self, span: Span) -> str:
        origin = ORIGIN_TEXT.get(span.origin, span.origin)
        return (f"{span.label}: {quoted(self._text(span), 80)} ({origin}; {span.start}–{span.end})"
                + self.labels.out_of_set_note(span))

    def row_tooltip(self, item: Item, offered: bool) -> str:
        """The entity list's tooltip for a row."""
        tip = f"{item.label} at {item.start}–{item.end}"
        if offered:
            tip += " (offered by the model; a click or Shift+Enter accepts)"
        if not self.labels.contains(item.label):
            tip += self.labels.out_of_set_note(Span(item.start, item.end, item.label))
        return tip

    # ------------------------------------------------------------------- menu
    def item_at(self, pos: int) -> Item | None:
        """The entity (or offered suggestion) a right-click at ``pos`` is about."""
        s = self.session
        if s is None:
            return None
        return (s.span_at(pos) or (s.span_at(pos - 1) if pos > 0 else None)
                or s.offered_at(pos, self.offered()))

    def menu(self, item: Item) -> list[MenuEntry]:
        """The context menu of an entity, or of an offered suggestion: every entry one
        edit (one undo step)."""
        s = self.session
        if s is None:
            return []
        offered = self.offered()
        if not isinstance(item, Span):
            out = [MenuEntry(f"Accept the suggestion {item.label} {quoted(self._text(item))}",
                             s.accept_offered(item))]
            return out + self._offered_entries(offered)
        text = self._text(item)
        others = [lab for lab in self.labels.names if lab != item.label]
        relabels = {name: s.relabel(item, name) for name in others}
        delete = s.delete(item)
        out = [
            MenuEntry("Relabel to", submenu=tuple(
                MenuEntry(name + _carried_too(relabels[name]), relabels[name],
                          shortcut=self.labels.key_of(name),
                          color=self.labels.colors.get(name)) for name in others),
                enabled=bool(others)),
            MenuEntry(f"Delete {item.label} {quoted(text)}{_carried_too(delete)}", delete,
                      shortcut="Delete"),
        ]
        same_label = [x for x in s.spans if x.label == item.label]
        same_text = [x for x in s.spans if s.text[x.start:x.end] == text]
        many: list[MenuEntry] = []
        if len(same_label) > 1:
            many.append(MenuEntry(
                f"Delete all {len(same_label)} {item.label} entities here",
                s.replace(same_label, (), f"Delete all {item.label}")))
        if len(same_text) > 1:
            many.append(MenuEntry(
                f"Delete all {len(same_text)} {quoted(text)} here",
                s.replace(same_text, (), f"Delete all {quoted(text)}")))
            many.append(MenuEntry(f"Relabel all {len(same_text)} {quoted(text)} here to", submenu=tuple(
                MenuEntry(name, self._relabel_all(same_text, name, text),
                          color=self.labels.colors.get(name))
                for name in self.labels.names
                if any(x.label != name for x in same_text))))
        if many:
            out += [SEPARATOR, *many]
        better = [o for o in offered if o.start < item.end and item.start < o.end
                  and (o.start, o.end, o.label) != item.key()]
        for sug in better[:3]:
            out += [SEPARATOR] if sug is better[0] else []
            out.append(MenuEntry(f"Take the suggestion {sug.label} {quoted(self._text(sug))}",
                                 s.accept_offered(sug)))
        return out + self._offered_entries(offered)

    def _relabel_all(self, spans: list[Span], name: str, text: str) -> Edit | None:
        s = self.session
        assert s is not None
        todo = [x for x in spans if x.label != name]
        return s.replace(todo, [x._replace(label=name, origin="manual") for x in todo],
                         f"Relabel all {quoted(text)} → {name}", select=False)

    def _offered_entries(self, offered: list[Suggestion]) -> list[MenuEntry]:
        if not offered or self.session is None:
            return []
        n = len(self.session.acceptable(offered))
        return [SEPARATOR, MenuEntry(f"Accept all {n} offered that overlap nothing",
                                     self.session.accept_all_offered(offered),
                                     shortcut="Shift+Return", enabled=n > 0)]
