"""Benchmark: ``goldspan train`` on the shared corpora in tests/data (issue 5: "a few
hundred news paragraphs train in minutes" on these CPUs).

Each corpus is imported once (bench/work), then trained as a whole process with
``goldspan train --json`` (default steps: at most 1,000, early stop after 400 without a
better held-out F). The bare baseline is ``python -m spacy train`` on the same
generated config and the same train/dev split (``goldspan export --format spacy
--split 0.8`` draws the same held-out documents with the same seed), so the ratio is
what goldspan adds: selection, corpus writing, loading the base, and the before/after
evaluation. With GOLDSPAN_BENCH_QUICK=1 both run 100 steps.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path

from common import CACHE, GOLDSPAN, PY, QUICK, ROOT, Figure, cached, run_process

DATA = ROOT / "tests" / "data"
CORPORA = {
    # name: (paths, import format, what it is)
    "headlines": ([DATA / "prodigy" / "annotated_news_headlines-ORG-PERSON-LOCATION-ner.jsonl"],
                  "auto", "373 NYT headlines (Prodigy)"),
    "wikigold": ([DATA / "wikigold" / "wikigold.conll.txt"], "conll",
                 "145 Wikipedia articles, 39k tokens (CoNLL)"),
}
TARGET_SECONDS = 300.0  # "in minutes": five at most


def corpus_db(name: str) -> Path:
    paths, fmt, _ = CORPORA[name]

    def build(tmp: Path) -> None:
        from goldspan.core.importer import import_paths
        from goldspan.core.storage import Store

        with Store.open(tmp) as store:
            import_paths(store, paths, format=fmt)

    return cached(f"train_{name}.db", build)


def bare_spacy_train(db: Path, mode: str, steps: int | None, work: Path) -> float:
    """``python -m spacy train`` on goldspan's config and the exported split."""
    corpus = work / "corpus"
    run_process([GOLDSPAN, "export", "--db", str(db), "--format", "spacy", "--out",
                 str(corpus), "--split", "0.8", "--seed", "0"])
    cfg = work / "config.cfg"
    run_process([PY, "-c", (
        "import sys; from pathlib import Path; from goldspan.core.train import _config, "
        "_resolve_base, DEFAULT_MAX_STEPS\n"
        "mode, steps, train, dev, out = sys.argv[1:6]\n"
        "base, lang = _resolve_base(None if mode == 'blank' else 'en_core_web_sm', "
        "'en' if mode == 'blank' else None)\n"
        "c = _config(lang, base, Path(train), Path(dev), int(steps) if steps != 'None' "
        "else DEFAULT_MAX_STEPS, 0, False)\n"
        "c.to_disk(out)"),
        mode, str(steps), str(corpus / "train.spacy"), str(corpus / "dev.spacy"), str(cfg)])
    r = run_process([PY, "-m", "spacy", "train", str(cfg), "--output", str(work / "bare")])
    return r.wall


def run() -> list[Figure]:
    steps = 100 if QUICK else None
    figures: list[Figure] = []
    for name, mode in (("headlines", "base"), ("headlines", "blank"), ("wikigold", "base")):
        db = corpus_db(name)
        work = Path(tempfile.mkdtemp(prefix="goldspan-bench-train-", dir=CACHE))
        try:
            cmd = [GOLDSPAN, "train", "--db", str(db), "--out", str(work / "model"), "--json"]
            cmd += ["--blank", "en"] if mode == "blank" else ["--base", "en_core_web_sm"]
            if steps is not None:
                cmd += ["--max-steps", str(steps)]
            ours = run_process(cmd)
            result = json.loads(ours.stdout)
            bare = bare_spacy_train(db, mode, steps, work)
        finally:
            shutil.rmtree(work, ignore_errors=True)
        b, a = result["before"], result["after"]
        figures.append(Figure(
            f"train_{name}_{mode}",
            f"goldspan train --{mode}{' en_core_web_sm' if mode == 'base' else ' en'} on "
            f"{CORPORA[name][2]}",
            ours.wall, "s", f"<= {TARGET_SECONDS:.0f} s", ours.wall <= TARGET_SECONDS,
            bare, ours.wall / bare,
            note=(f"{result['train_docs']} train / {result['eval_docs']} held-out documents; "
                  f"held-out F {b['f1'] * 100:.1f} before, {a['f1'] * 100:.1f} after; "
                  f"peak RSS {ours.rss_mb:.0f} MB; baseline: python -m spacy train on the "
                  "same config and split"),
            extra={"before": b, "after": a, "rss_mb": ours.rss_mb}))
    return figures
