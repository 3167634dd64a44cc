"""The status of a version (one annotator's annotation of one document), in one place.

``Status`` is a ``StrEnum``: its members are the very strings the database stores
(``annotations.status``, a CHECK constraint of the schema), so they go into SQL
parameters and compare with rows as they are. What a status means to each part of
goldspan is named here once:

- :data:`FINISHED`: the queue is done with the document (Enter moves past it, the
  progress bar counts it): ``done``, ``skipped`` and ``rejected``;
- :data:`EXPORTED`: what an export reads by default (``done``), and
  :data:`ANSWERED`, what ``--all-statuses`` adds (Prodigy's accept, ignore, reject);
- :data:`DISPLAY`: the text and the colour every window shows for it.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Status(StrEnum):
    TODO = "todo"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    SKIPPED = "skipped"
    REJECTED = "rejected"


STATUSES: tuple[str, ...] = tuple(s.value for s in Status)
FINISHED: tuple[Status, ...] = (Status.DONE, Status.SKIPPED, Status.REJECTED)
EXPORTED: tuple[Status, ...] = (Status.DONE,)
ANSWERED: tuple[Status, ...] = (Status.DONE, Status.SKIPPED, Status.REJECTED)


@dataclass(frozen=True)
class Display:
    text: str
    color: str  # #rrggbb, readable behind white text in both themes


# One table for every window: the queue, the status badge, the review list.
DISPLAY: dict[Status, Display] = {
    Status.TODO: Display("to do", "#5f6b7a"),
    Status.IN_PROGRESS: Display("in progress", "#c08a00"),
    Status.DONE: Display("done", "#3c8d3c"),
    Status.SKIPPED: Display("skipped", "#8c8c8c"),
    Status.REJECTED: Display("rejected", "#c23b3b"),
}


def display(status: str | None) -> Display:
    """How a status is shown; an unknown value (an old or hand-edited file) is shown as
    it is, in grey, never a crash."""
    if status is not None:
        try:
            return DISPLAY[Status(status)]
        except ValueError:
            pass
    return Display(str(status), "#8c8c8c")
