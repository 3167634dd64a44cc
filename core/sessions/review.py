"""One document under review (:class:`ReviewSession`) and what the review window does
with it (:class:`ReviewController`), without a widget.

The gold starts as the pre-merge of the annotators' done versions
(:func:`~goldspan.core.adjudication.premerge`); opening a document writes nothing. The
first change of a document creates the gold as its first step
(:func:`~goldspan.core.adjudication.start_gold`, a
:class:`~goldspan.core.edits.CreateVersion`), so undoing it leaves no gold: the same
pair the annotation window uses for its versions.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Callable, Sequence

from ..adjudication import (
    ACCEPTED, KIND_HELP, KIND_TEXT, KINDS, OPEN_KINDS, REVIEW, Classified, classify,
    document_f1, done_versions, premerge, start_gold,
)
from ..edits import ChangeSet, Edit, ReplaceSpans, SetStatus, overlapping
from ..spans import SpanIndex
from ..status import Status, display
from ..storage import Store
from ..types import GOLD, Span
from .common import DocumentSession, LabelSet, count, quoted


@dataclass(frozen=True)
class GoldState:
    """The saved gold version as the session knows it (kept from the ChangeSets)."""

    id: int
    status: str


class ReviewSession(DocumentSession):
    """One document under review: the annotators' versions, the gold (saved, or the
    pre-merge until the first change; one :class:`SpanIndex` the gold view reads) and
    the edits the lead can make. Builders read, never write: each returns one edit
    (one undo step) or None when it would change nothing."""

    def __init__(self, store: Store, doc_id: int, annotators: Sequence[str] | None = None) -> None:
        super().__init__(store, doc_id)
        self.annotators = list(annotators) if annotators is not None else None
        self.gold = SpanIndex()
        self.reload()

    # ----------------------------------------------------------------- state
    def reload(self) -> None:
        self.versions = done_versions(self.store, self.doc_id, self.annotators)
        self.names = sorted(self.versions)
        found = self.store.annotation(self.doc_id, GOLD)
        self.gold_state: GoldState | None = None if found is None else GoldState(found.id, found.status)
        self.gold.reset(premerge(self.versions) if found is None else self.store.spans(found.id))
        self.agreement = document_f1(self.versions, self.doc_id)
        self._classes: dict[str, list[Classified]] | None = None

    @property
    def status(self) -> str | None:
        """The gold's status, ``None`` while it is only the (unsaved) pre-merge."""
        return self.gold_state.status if self.gold_state else None

    def classes(self) -> dict[str, list[Classified]]:
        if self._classes is None:
            self._classes = classify(self.versions, list(self.gold))
        return self._classes

    def open_items(self) -> list[Classified]:
        """The spans still to decide, in text order: the annotators differ on them
        (disagree, only some) and the gold has nothing there yet. A span several
        annotators share is listed once, under the first of them by name."""
        items: dict[tuple[int, int, str], Classified] = {}
        for name in self.names:
            for c in self.classes()[name]:
                if (c.kind in OPEN_KINDS and c.span.key() not in items
                        and not self.gold.overlapping(c.span.start, c.span.end)):
                    items[c.span.key()] = c
        return sorted(items.values(), key=lambda c: (c.span.start, c.span.end, c.annotator))

    def counts(self) -> dict[str, int]:
        """How many distinct spans (by start, end, label) are in each class."""
        seen: dict[tuple[int, int, str], str] = {}
        for row in self.classes().values():
            for c in row:
                seen[c.span.key()] = c.kind
        out = {k: 0 for k in KINDS}
        for kind in seen.values():
            out[kind] += 1
        return out

    def item_at(self, annotator: str, pos: int) -> Classified | None:
        for c in self.classes().get(annotator, []):
            if c.span.start <= pos < c.span.end:
                return c
        return None

    def gold_at(self, pos: int) -> Span | None:
        return self.gold.at(pos)

    def sources(self, span: Span) -> list[str]:
        """Annotators whose version has exactly this span."""
        return [n for n in self.names if any(s.key() == span.key() for s in self.versions[n])]

    # --------------------------------------------------------------- builders
    def _on_gold(self, make: Callable[[int], Edit | None]) -> Edit | None:
        """``make(gold id)``; the first change also creates the gold (the pre-merge)."""
        return self.on_version(None if self.gold_state is None else self.gold_state.id,
                               lambda: start_gold(self.store, self.doc_id, list(self.gold)), make)

    def replace(self, removed: Sequence[Span], added: Sequence[Span], text: str, *,
                select: bool = True) -> Edit | None:
        """Remove and add gold spans in one edit; None when it changes nothing."""
        if {s.key() for s in removed} == {s.key() for s in added}:
            return None
        return self._on_gold(lambda ann: ReplaceSpans(ann, self.doc_id, tuple(removed),
                                                      tuple(added), text, select))

    def take(self, span: Span, annotator: str | None = None) -> Edit | None:
        """Take a span (from an annotator's version) into the gold, replacing the gold
        spans it overlaps. None if the gold already has exactly it. The annotator's
        entity stays selected (``select=False``)."""
        new = Span(span.start, span.end, span.label, REVIEW)
        hit = self.gold.overlapping(new.start, new.end)
        who = f" from {annotator}" if annotator else ""
        return self.replace(hit, [new], f"Take {span.label}{who}", select=annotator is None)

    def take_all(self, annotator: str) -> Edit | None:
        """Take every span of one version that the gold does not have yet and that
        overlaps nothing in the gold (one undo step)."""
        added = [Span(s.start, s.end, s.label, REVIEW) for s in self.versions.get(annotator, [])
                 if not self.gold.overlapping(s.start, s.end)]
        return self.replace([], added, f"Take all of {annotator}", select=False) if added else None

    def add(self, start: int, end: int, label: str, *, snap: bool = True) -> Edit | None:
        """A span the lead marks in the gold (snapped to whole tokens unless ``snap`` is
        False); it replaces the gold spans it overlaps."""
        marked = self.marked(start, end, snap)
        if marked is None:
            return None
        start, end = marked
        hit = self.gold.overlapping(start, end)
        return self.replace(hit, [Span(start, end, label, REVIEW)], f"Add {label} to gold")

    def delete(self, span: Span) -> Edit | None:
        return self.replace([span], [], f"Delete {span.label} from gold")

    def relabel(self, span: Span, label: str) -> Edit | None:
        if span.label == label:
            return None
        return self.replace([span], [Span(span.start, span.end, label, REVIEW)],
                            f"Relabel {span.label} → {label} in gold")

    def move_boundary(self, span: Span, edge: str, step: int) -> Edit | None:
        """Move a gold span's ``start`` or ``end`` by ``step`` whole tokens; the spans
        it grows into are replaced, as in the annotation view."""
        moved = self.moved(span, edge, step)
        if moved is None:
            return None
        start, end = moved
        hit = [s for s in overlapping(self.gold, start, end) if s.key() != span.key()]
        return self.replace([span, *hit], [Span(start, end, span.label, REVIEW)],
                            f"Resize {span.label} in gold")

    def accept(self) -> Edit | None:
        """Accept the gold as it stands (status ``done``); creates it if need be."""
        before = Status.IN_PROGRESS if self.gold_state is None else self.gold_state.status
        if before == Status.DONE:
            return None
        return self._on_gold(lambda ann: SetStatus(ann, self.doc_id, before, Status.DONE,
                                                   "Accept gold"))

    # ------------------------------------------------------------------ apply
    def follow(self, change: ChangeSet) -> None:
        """Update the gold from a ChangeSet (nothing is re-read)."""
        if change.created is not None:
            self.gold_state = GoldState(change.created.annotation_id, change.created.status)
        if change.dropped:
            self.gold_state = None
        elif self.gold_state is not None and change.status is not None:
            self.gold_state = replace(self.gold_state, status=change.status)
        self.gold.apply(change)
        self._classes = None


# ------------------------------------------------------------------ controller
Selected = tuple[str, Span]  # (GOLD or an annotator's name, the span)


class ReviewController:
    """What the review window does, without a widget: the open session, the selected
    entity (in the gold or in a version), next difference, what to select after an
    edit, the hint and the tooltips. Methods that change the gold return the edit to
    apply; after it applied, :meth:`changed` follows it."""

    def __init__(self, store: Store, annotators: Sequence[str] | None = None) -> None:
        self.store = store
        self.annotators = annotators
        self.session: ReviewSession | None = None
        self.selected: Selected | None = None
        self.labels = LabelSet()

    def select(self, selected: Selected | None) -> None:
        self.selected = selected

    def open(self, doc_id: int) -> ReviewSession:
        self.session = ReviewSession(self.store, doc_id, self.annotators)
        self.selected = None
        return self.session

    # ------------------------------------------------------------ selection
    def click(self, version: str, pos: int) -> Edit | None:
        """A click in a version: in the gold it selects the entity there; in an
        annotator's version it selects the entity and takes it into the gold."""
        s = self.session
        if s is None:
            return None
        if version == GOLD:
            span = s.gold_at(pos)
            self.selected = (GOLD, span) if span is not None else None
            return None
        item = s.item_at(version, pos)
        if item is None:
            self.selected = None
            return None
        self.selected = (version, item.span)
        return s.take(item.span, version)

    def label_key(self, name: str, selection: tuple[int, int] | None) -> Edit | None:
        """A label key: label the text selected (in any version) into the gold,
        relabel the selected gold entity, or take the selected annotator entity with
        that label."""
        s = self.session
        if s is None:
            return None
        if selection is not None and selection[0] < selection[1]:
            return s.add(selection[0], selection[1], name)
        if self.selected is None:
            return None
        version, span = self.selected
        if version == GOLD:
            return s.relabel(span, name)
        return s.take(Span(span.start, span.end, name), version)

    def take_selected(self) -> Edit | None:
        if self.session is None or self.selected is None or self.selected[0] == GOLD:
            return None
        version, span = self.selected
        return self.session.take(span, version)

    def selected_gold(self) -> Span | None:
        return self.selected[1] if self.selected is not None and self.selected[0] == GOLD else None

    def delete_selected(self) -> Edit | None:
        span = self.selected_gold()
        if self.session is None or span is None:
            return None
        return self.session.delete(span)

    def move_boundary(self, edge: str, step: int) -> Edit | None:
        span = self.selected_gold()
        if self.session is None or span is None:
            return None
        return self.session.move_boundary(span, edge, step)

    def changed(self, change: ChangeSet) -> None:
        """Follow an applied change: the span it says to select (an added, relabelled
        or resized gold entity) is selected; a selected gold entity it removed is
        no longer selected."""
        s = self.session
        if change.select is not None:
            self.selected = (GOLD, change.select)
            return
        sel = self.selected
        if (s is not None and sel is not None and sel[0] == GOLD
                and s.gold.row_of(sel[1]) is None):
            self.selected = None

    def step(self, step: int) -> Classified | None:
        """Tab / Shift+Tab: the next (previous) difference in text order, from the
        selected entity (wrapping); None when none is left."""
        s = self.session
        if s is None:
            return None
        items = s.open_items()
        if not items:
            return None
        keys = [(c.span.start, c.span.end, c.annotator) for c in items]
        if self.selected is None or self.selected[0] == GOLD:
            anchor = self.selected[1].start if self.selected else None
            if anchor is None:
                target = items[0] if step > 0 else items[-1]
            else:
                after = [c for c in items if c.span.start > anchor]
                before = [c for c in items if c.span.start < anchor]
                target = ((after[0] if after else items[0]) if step > 0
                          else (before[-1] if before else items[-1]))
        else:
            version, span = self.selected
            here = (span.start, span.end, version)
            if here in keys:
                target = items[(keys.index(here) + step) % len(items)]
            else:
                later = [c for c in items if (c.span.start, c.span.end, c.annotator) > here]
                target = later[0] if later and step > 0 else items[0 if step > 0 else -1]
        self.selected = (target.annotator, target.span)
        return target

    # ------------------------------------------------------------------ texts
    def hint(self) -> str:
        sel = self.selected
        if sel is None:
            return "Click an entity in a version to take it · Tab: next difference · Enter: accept the gold"
        if sel[0] == GOLD:
            return (f"Gold {sel[1].label} selected: a label key relabels it, Delete removes it, "
                    "Ctrl/Shift+←→ move its edges")
        return (f"{sel[0]}'s {sel[1].label} selected: Space takes it into the gold "
                "(a label key takes it with that label)")

    def pane_header(self, name: str, lead: str) -> str:
        """The line over a version's pane (the gold's, or an annotator's)."""
        s = self.session
        if s is None:
            return ""
        if name == GOLD:
            n = len(s.gold)
            saved = "pre-merged, not saved yet" if s.status is None else display(s.status).text
            return (f"GOLD ({lead}) · {count(n, 'entity', 'entities')} · {saved} — select text "
                    "and press a label key; click an entity, then Delete or a label key")
        others = [f"{b if a == name else a} {_f1(v)}" for (a, b), v in s.agreement.pairs.items()
                  if name in (a, b)]
        k = len(s.versions[name])
        return (f"{name} · {count(k, 'entity', 'entities')} · F1 vs {', '.join(others)} — "
                "click an entity to take it")

    def badge_text(self) -> str:
        """The status badge's words (the colour is core.status's for the status)."""
        s = self.session
        status = s.status if s is not None else None
        if status is None:
            return "gold not started"
        return "gold accepted" if status == Status.DONE else f"gold {display(status).text}"

    def tooltip(self, version: str, pos: int) -> str | None:
        """The tooltip of the entity at ``pos`` in a version (or the gold)."""
        s = self.session
        if s is None:
            return None
        if version == GOLD:
            span = s.gold_at(pos)
            if span is None:
                return None
            src = s.sources(span)
            who = f"as {', '.join(src)} marked it" if src else "by the lead (no annotator has it)"
            tip = f"{span.label}: {quoted(s.text[span.start:span.end], 200)} — in the gold, {who}"
            return tip + self.labels.out_of_set_note(span)
        item = s.item_at(version, pos)
        if item is None:
            return None
        sp = item.span
        others = []
        for name in s.names:
            if name == version:
                continue
            here = [o for o in s.versions[name] if o.start < sp.end and sp.start < o.end]
            others.append(f"{name}: nothing" if not here else f"{name}: " + ", ".join(
                f"{o.label} {quoted(s.text[o.start:o.end], 200)}" for o in here))
        tip = (f"{sp.label}: {quoted(s.text[sp.start:sp.end], 200)} — {KIND_TEXT[item.kind]}: "
               f"{KIND_HELP[item.kind]}\n" + "\n".join(others)
               + ("" if item.kind == ACCEPTED else "\nClick to take it into the gold"))
        return tip + self.labels.out_of_set_note(sp)


def _f1(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.2f}"
