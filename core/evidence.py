"""How much a figure needs to mean something: below these the figures (F1 after a
training, a generation's F1 in the status bar) mostly measure which documents were
drawn (one article of re3d moves F by 0.1 or more), so they are shown with a warning,
never silently. ``goldspan train``, Project → Train and the learning loop's status
share them."""

from __future__ import annotations

FEW_DOCUMENTS = 10
FEW_ENTITIES = 100


def too_few(documents: int, entities: int) -> bool:
    """Whether figures measured on ``documents`` articles holding ``entities`` gold
    entities are too few to mean much."""
    return documents < FEW_DOCUMENTS or entities < FEW_ENTITIES
