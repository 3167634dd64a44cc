"""Handing out documents: which annotator works on which article.

``plan`` deals documents round-robin so that each gets ``per_doc`` different
annotators and everyone gets about the same number (the overlap a lead needs for
agreement figures). Assignments only limit a queue (``--assigned``); they never touch
anyone's versions.
"""

from __future__ import annotations

import re
from typing import Iterable, Sequence

from .errors import InputError
from .store import Store, check_annotator

RANGE = re.compile(r"^\s*(\d+)\s*(?:-\s*(\d+))?\s*$")


def parse_ranges(spec: str) -> list[int]:
    """``"1-5,8,10-12"`` → ``[1, 2, 3, 4, 5, 8, 10, 11, 12]`` (sorted, unique)."""
    ids: set[int] = set()
    for part in spec.split(","):
        if not part.strip():
            continue
        m = RANGE.match(part)
        if not m:
            raise InputError(f"--docs: {part.strip()!r} is not a document id or a range like 1-50")
        a = int(m.group(1))
        b = int(m.group(2) or a)
        if b < a:
            raise InputError(f"--docs: range {a}-{b} runs backwards")
        ids.update(range(a, b + 1))
    return sorted(ids)


def plan(doc_ids: Sequence[int], annotators: Sequence[str], per_doc: int = 1) -> dict[str, list[int]]:
    """Round-robin: document i goes to ``per_doc`` consecutive annotators starting at
    ``i * per_doc`` (mod n), so loads differ by at most one."""
    if not annotators:
        raise InputError("name at least one annotator to assign to")
    if len(set(annotators)) != len(annotators):
        raise InputError("an annotator is named twice")
    if not 1 <= per_doc <= len(annotators):
        raise InputError(f"--per-doc must be between 1 and the number of annotators ({len(annotators)})")
    for a in annotators:
        check_annotator(a)
    out: dict[str, list[int]] = {a: [] for a in annotators}
    n = len(annotators)
    for i, doc in enumerate(doc_ids):
        for k in range(per_doc):
            out[annotators[(i * per_doc + k) % n]].append(doc)
    return out


def assign(store: Store, annotators: Sequence[str], doc_ids: Iterable[int] | None = None,
           per_doc: int = 1) -> dict[str, int]:
    """Assign documents (all by default) in one transaction; returns new assignments
    per annotator. Unknown document ids are refused before anything is written."""
    ids = list(doc_ids) if doc_ids is not None else store.document_ids()
    known = set(store.document_ids()) if doc_ids is not None else set(ids)
    missing = [d for d in ids if d not in known]
    if missing:
        raise InputError(f"no document with id {missing[0]}"
                         + (f" (and {len(missing) - 1} more)" if len(missing) > 1 else ""))
    dealt = plan(ids, annotators, per_doc)
    with store.transaction():
        return {a: store.assign(a, docs) for a, docs in dealt.items()}
