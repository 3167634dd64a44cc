"""The learning loop's ablation table (issue 13): ``goldspan replay`` ratios per
configuration (core/learning/loop.py PRESETS) per corpus, overall and second half.

    .venv/bin/python bench/ablation.py [--configs today,model,...] [--corpora re3d,...]

Writes bench/work/ablation.jsonl (one line per run, appended) and prints the markdown
table the README shows. GUM news is the corpus nothing was tuned on. Long: every
configuration with training retrains the NER about ten times per corpus (an hour or
more for all of them on two cores); not part of ``make bench``, which replays the
chosen configuration only.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPORA = {
    "re3d": ROOT / "tests" / "data" / "re3d",
    "wikigold": ROOT / "tests" / "data" / "wikigold" / "wikigold.conll.txt",
    "gum": ROOT / "tests" / "data" / "gum_news",
}
# The first table (each piece, before corrections were carried through the article:
# ":no-carry", as ``goldspan replay --no-carry``), then the loop with them.
CONFIGS = ["today", "model", "map:no-carry", "map+gate:no-carry", "map+gate+phrases:no-carry",
           "train-full:no-carry", "loop-full-no-arbitration:no-carry", "loop-full:no-carry",
           "loop-full-blank:no-carry", "loop-no-phrases:no-carry", "loop-incremental:no-carry",
           "loop-incremental", "loop"]


def preset(name: str):  # type: ignore[no-untyped-def]
    """A PRESETS entry; ``NAME:no-carry`` without the article rule (--no-carry)."""
    from dataclasses import replace

    from goldspan.core.learning.loop import PRESETS

    base, _, flag = name.partition(":")
    if flag not in ("", "no-carry"):
        raise SystemExit(f"{name}: the only suffix is ':no-carry'")
    cfg = PRESETS[base]
    return replace(cfg, carry=False, one_label=False) if flag else cfg


def main() -> int:
    from goldspan.core.learning.replay import replay

    ap = argparse.ArgumentParser()
    ap.add_argument("--configs", default=",".join(CONFIGS))
    ap.add_argument("--corpora", default=",".join(CORPORA))
    ap.add_argument("--out", default=str(ROOT / "bench" / "work" / "ablation.jsonl"))
    args = ap.parse_args()
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    rows: dict[tuple[str, str], dict] = {}
    for config in args.configs.split(","):
        for corpus in args.corpora.split(","):
            t0 = time.perf_counter()
            j = replay([CORPORA[corpus]], config=preset(config)).to_json()
            rec = {"corpus": corpus, "config": config, "wall": round(time.perf_counter() - t0),
                   **{k: j[k] for k in ("ratio", "ratio_first_half", "ratio_second_half",
                                        "worst_after_fifth", "kept", "relabel", "add",
                                        "delete", "trainings")}}
            rows[(config, corpus)] = rec
            with out.open("a") as f:
                f.write(json.dumps(rec) + "\n")
            print(f"{config:22} {corpus:9} {j['ratio']:.3f} / {j['ratio_second_half']:.3f} "
                  f"worst {j['worst_after_fifth']:.2f} ({rec['wall']} s)", file=sys.stderr,
                  flush=True)
    print(table(rows))
    return 0


def table(rows: dict[tuple[str, str], dict]) -> str:
    corpora = list(dict.fromkeys(c for _, c in rows))
    configs = list(dict.fromkeys(c for c, _ in rows))
    head = "| Configuration | " + " | ".join(f"{c}: all / 2nd half / worst>5th" for c in corpora) + " |"
    lines = [head, "|---" * (len(corpora) + 1) + "|"]
    for config in configs:
        cells = []
        for corpus in corpora:
            r = rows.get((config, corpus))
            cells.append("—" if r is None else f"{r['ratio']:.2f}× / "
                         f"{r['ratio_second_half']:.2f}× / {r['worst_after_fifth']:.2f}×")
        lines.append(f"| `{config}` | " + " | ".join(cells) + " |")
    return "\n".join(lines)


if __name__ == "__main__":
    raise SystemExit(main())
