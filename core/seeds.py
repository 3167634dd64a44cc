"""The articles in ``seeds/`` (installed as ``goldspan.seeds``), put into a new
database on first start so that ``goldspan`` opens on something to annotate."""

from __future__ import annotations

from importlib import resources

from .storage import Store
from .textio import decode


def seed_texts() -> list[tuple[str, str]]:
    """(file name, text) of every seed article, in sorted name order."""
    root = resources.files("goldspan.seeds")
    files = sorted((p for p in root.iterdir() if p.name.endswith(".txt")), key=lambda p: p.name)
    return [(p.name, decode(p.read_bytes(), p.name)) for p in files]


def seed_if_empty(store: Store) -> int:
    """Import the seed articles into an empty database. Returns how many were added."""
    if store.document_count():
        return 0
    added = 0
    with store.transaction():
        for name, text in seed_texts():
            _, created = store.add_document(text, source=f"seeds/{name}")
            added += created
    return added
