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
from .storage import MAX_ID, Store
from .labels import check_annotator

RANGE = re.compile(r"^\s*(\d+)\s*(?:-\s*(\d+))?\s*$")


def parse_ranges(spec: str) -> list[tuple[int, int]]:
    """``"1-5,8,4-6"`` → ``[(1, 6), (8, 8)]``: sorted, overlaps merged, never expanded
    (``1-99999999999999999999`` is two numbers, not a list of them)."""
    ranges: list[tuple[int, int]] = []
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
        ranges.append((a, b))
    merged: list[tuple[int, int]] = []
    for a, b in sorted(ranges):
        if merged and a <= merged[-1][1] + 1:
            merged[-1] = (merged[-1][0], max(merged[-1][1], b))
        else:
            merged.append((a, b))
    return merged


def document_ids(store: Store, spec: str) -> list[int]:
    """The ids ``spec`` names, read from the database range by range, so memory is
    bounded by the documents that exist, never by the numbers typed. Ids that name no
    document are refused in one line (as ranges), before anything is written."""
    ids: list[int] = []
    missing: list[tuple[int, int]] = []
    for a, b in parse_ranges(spec):
        found = store.document_ids_between(a, min(b, MAX_ID)) if a <= MAX_ID else []
        expected = a
        for doc_id in found:
            if doc_id > expected:
                missing.append((expected, doc_id - 1))
            expected = doc_id + 1
        if expected <= b:
            missing.append((expected, b))
        ids.extend(found)
    if missing:
        shown = ", ".join(str(a) if a == b else f"{a}-{b}" for a, b in missing[:3])
        more = f" and {len(missing) - 3} more ranges" if len(missing) > 3 else ""
        single = len(missing) == 1 and missing[0][0] == missing[0][1]
        n, first, last = store.document_id_bounds()
        have = (f"the database has {n} documents (ids {first}-{last})" if n
                else "the database has no documents")
        raise InputError(f"--docs: no {'document with id' if single else 'documents with ids'} "
                         f"{shown}{more}; "
                         f"{have}")
    return ids


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
