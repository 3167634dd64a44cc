"""Benchmark: the learning loop (issue 13). ``goldspan replay`` on re3d and wikigold
with their own labels, as whole processes, against the Done-when targets (ratio <= 0.7x
overall, <= 0.5x on the second half, no document after the fifth above 1.0x), and the
seconds one training takes at 5, 20, 45 and 145 accepted documents.

The replay's own policy is the window's: a training started when document k is
accepted suggests from document k + 2, whatever it took here; "articles meanwhile"
converts each training's seconds at an assumed 90 s per article (an analyst checking
a 30-entity news article), so <= 1.0 means ready before the analyst finishes the next
article. The replay's action counts do not depend on the machine's load; its wall
time and the training seconds do (the host is shared: see the load average).
"""

from __future__ import annotations

import json
import tempfile
import time
from pathlib import Path

from common import GOLDSPAN, ROOT, Figure, run_process

DATA = ROOT / "tests" / "data"
CORPORA = {
    "re3d": (DATA / "re3d", "re3d public domain, 45 docs, 10 labels"),
    "wikigold": (DATA / "wikigold" / "wikigold.conll.txt", "wikigold, 145 docs, PER/ORG/LOC/MISC"),
}
SECONDS_PER_ARTICLE = 90.0
TRAIN_SIZES = (5, 20, 45, 145)


def replay_figure(name: str) -> Figure:
    path, what = CORPORA[name]
    r = run_process([GOLDSPAN, "replay", str(path), "--json", "--quiet"], timeout=3600)
    j = json.loads(r.stdout)
    ok = j["ratio"] <= 0.7 and j["ratio_second_half"] <= 0.5 and j["worst_after_fifth"] <= 1.0
    trainings = ", ".join(f"{t['documents']} docs {t['seconds']:.0f} s" for t in j["trainings"])
    return Figure(
        f"loop_replay_{name}", f"goldspan replay on {what}: actions vs from scratch",
        j["ratio"], "x", "<= 0.7x; 2nd half <= 0.5x; no doc after the 5th > 1.0x", ok,
        note=(f"second half {j['ratio_second_half']:.2f}x, first half "
              f"{j['ratio_first_half']:.2f}x, worst document after the fifth "
              f"{j['worst_after_fifth']:.2f}x; {j['kept']} kept, {j['relabel']} relabelled, "
              f"{j['add']} added, {j['delete']} deleted of {j['gold']} gold; replay took "
              f"{r.wall:.0f} s with trainings at {trainings}"),
        extra={k: j[k] for k in ("ratio", "ratio_first_half", "ratio_second_half",
                                 "worst_after_fifth", "kept", "relabel", "add", "delete",
                                 "gold", "trainings", "generations")} | {"wall": r.wall})


def training_figure() -> Figure:
    """One training of the loop (its policy: full, from en_core_web_sm, epochs by the
    word budget) on the first N wikigold documents."""
    from goldspan.core.importer import import_paths
    from goldspan.core.learning.trainer import TrainRequest, run_training
    from goldspan.core.dataset import Options, select
    from goldspan.core.storage import Store

    with Store.memory() as store:
        import_paths(store, [CORPORA["wikigold"][0]])
        items = [(it.document.text, tuple((s.start, s.end, s.label) for s in it.spans))
                 for it in select(store, Options())]
    labels = tuple(sorted({s[2] for _, spans in items for s in spans}))
    rows = []
    with tempfile.TemporaryDirectory() as work:
        for n in TRAIN_SIZES:
            t0 = time.perf_counter()
            result = run_training(TrainRequest(examples=tuple(items[:n]), labels=labels,
                                               out=str(Path(work) / f"g{n}"), generation=1))
            seconds = time.perf_counter() - t0
            rows.append({"documents": n, "seconds": round(seconds, 1), "words": result.words,
                         "articles_meanwhile": round(seconds / SECONDS_PER_ARTICLE, 2)})
    worst = max(r["seconds"] for r in rows)
    return Figure(
        "loop_training_seconds", "loop training (full, from en_core_web_sm) at "
        + "/".join(str(n) for n in TRAIN_SIZES) + " documents (wikigold): slowest",
        worst, "s", f"<= {SECONDS_PER_ARTICLE:.0f} s (one article at 90 s each)",
        worst <= SECONDS_PER_ARTICLE,
        note="; ".join(f"{r['documents']} docs {r['seconds']:.0f} s = "
                       f"{r['articles_meanwhile']:.2f} articles" for r in rows),
        extra={"trainings": rows})


def run() -> list[Figure]:
    return [replay_figure("re3d"), replay_figure("wikigold"), training_figure()]
