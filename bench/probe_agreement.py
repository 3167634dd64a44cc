"""Probe of benchmark 6: agreement over a database, in-process.

    python bench/probe_agreement.py DB  ->  JSON on stdout (seconds, documents)
"""

from __future__ import annotations

import json
import sys
import time

from goldspan.core.agreement import compute_agreement, load_done_versions, spacy_tokens
from goldspan.core.storage import Store


def main() -> None:
    store = Store.open(sys.argv[1])
    spacy_tokens("warm up the tokenizer")  # loading spaCy is not the agreement's cost
    t0 = time.perf_counter()
    result = compute_agreement(load_done_versions(store))
    elapsed = time.perf_counter() - t0
    d = result.to_dict() if hasattr(result, "to_dict") else {}
    pairs = d.get("pairs") or []
    docs = pairs[0].get("documents") if pairs and isinstance(pairs[0], dict) else None
    print(json.dumps({"seconds": elapsed, "documents": docs}))


if __name__ == "__main__":
    main()
