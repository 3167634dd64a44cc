"""``make bench``: every benchmark of issue 6, each figure against a bare baseline
measured in the same run, PASS/MISS against the issue's target.

Writes bench/results.json (all figures, machine details) and bench/RESULTS.md (the table
the README includes). Environment:

- GOLDSPAN_BENCH_ONLY=article,queue,io,suggest,startup,agreement,train,loop,scaling,search — run some of them
  (figures of the others are kept from the last results.json);
- GOLDSPAN_BENCH_QUICK=1 — smaller inputs and fewer repeats (a smoke run; its figures
  go to bench/work/results-quick.json and RESULTS-quick.md, never over a full run's);
- GOLDSPAN_BENCH_PARAGRAPHS=N — corpus size of the suggest benchmark (default 3,000).

Fixtures are built once into bench/work/ (git-ignored). Timings are whole processes
or in-process as each module says; never part of the test suite.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import sys
import time
import traceback
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import BENCH, CACHE, QUICK, Figure, write_json

SUITES = ("article", "queue", "io", "suggest", "startup", "agreement", "train", "loop",
          "scaling", "search")
ISSUE_TARGETS = {
    "article": "1 MB article with ~25,000 spans",
    "queue": "queue of 100,000 articles",
    "io": "import / export",
    "suggest": "bulk suggestions",
    "startup": "start-up",
    "agreement": "agreement",
    "train": "training on the shared corpora (issue 5)",
    "loop": "the learning loop: goldspan replay and training time (issue 13)",
    "scaling": "bulk suggestions on Ray (local runtime) vs --n-process 2",
    "search": "search on 100,000 news-sized articles (issue 15)",
}


def machine() -> dict:
    import PySide6
    import spacy

    try:
        load = os.getloadavg()
    except OSError:
        load = (float("nan"),) * 3
    return {
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "pyside6": PySide6.__version__,
        "spacy": spacy.__version__,
        "platform": platform.platform(),
        "load_average_at_start": [round(x, 2) for x in load],
    }


def main() -> int:
    if "--table" in sys.argv:  # re-render RESULTS.md from results.json, measure nothing
        data = json.loads((BENCH / "results.json").read_text())
        (BENCH / "RESULTS.md").write_text(table(data["figures"], data["machine"]))
        update_readme(table(data["figures"], data["machine"]))
        print(table(data["figures"], data["machine"]))
        return 0
    only = [s.strip() for s in os.environ.get("GOLDSPAN_BENCH_ONLY", "").split(",") if s.strip()]
    suites = [s for s in SUITES if not only or s in only]
    # A quick (smoke) run never overwrites the figures of a full one.
    results_path = BENCH / "results.json" if not QUICK else CACHE / "results-quick.json"
    table_path = BENCH / "RESULTS.md" if not QUICK else CACHE / "RESULTS-quick.md"
    CACHE.mkdir(parents=True, exist_ok=True)
    previous = json.loads(results_path.read_text()) if results_path.exists() else {}
    figures: dict[str, dict] = dict(previous.get("figures", {}))
    info = machine()
    print(f"goldspan benchmarks ({'quick' if QUICK else 'full'}): {', '.join(suites)}  "
          f"[{info['cpus']} CPUs, load {info['load_average_at_start']}]", flush=True)
    t_all = time.perf_counter()
    failed = []
    for name in suites:
        print(f"\n== {name}: {ISSUE_TARGETS[name]}", flush=True)
        t0 = time.perf_counter()
        try:
            module = __import__(f"bench_{name}")
            figs: list[Figure] = module.run()
        except Exception:  # noqa: BLE001 - one broken benchmark must not hide the others
            traceback.print_exc()
            failed.append(name)
            continue
        stamp = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        # A suite that ran replaces all its figures: one it no longer measures goes.
        figures = {k: v for k, v in figures.items() if v.get("suite") != name}
        for f in figs:
            print(f.line(), flush=True)
            d = f.to_dict()
            d.update(suite=name, measured_at=stamp, quick=QUICK)
            figures[f.key] = d
        print(f"   ({time.perf_counter() - t0:.0f} s)", flush=True)
    order = {s: i for i, s in enumerate(SUITES)}
    figures = dict(sorted(figures.items(), key=lambda kv: order.get(kv[1].get("suite"), 99)))
    write_json(results_path, {"machine": info, "figures": figures})
    table_path.write_text(table(figures, info))
    if not QUICK:
        update_readme(table(figures, info))
    n_miss = sum(1 for f in figures.values() if not f["passed"])
    print(f"\n{len(figures)} figures, {n_miss} MISS; {time.perf_counter() - t_all:.0f} s. "
          f"Wrote {results_path} and {table_path}")
    print()
    print(table(figures, info))
    return 1 if failed else 0


README_START = "<!-- bench:start (bench/run.py writes this table) -->"
README_END = "<!-- bench:end -->"


def update_readme(text: str) -> None:
    """The README shows the latest table (the notes and the analysis of misses stay
    in bench/RESULTS.md): replace what stands between its markers."""
    lines = text.strip().splitlines()
    table_end = max(i for i, line in enumerate(lines) if line.startswith("|"))
    text = "\n".join(lines[: table_end + 1]) + "\n\nNotes, and why a target is missed: `bench/RESULTS.md`."
    readme = BENCH.parent / "README.md"
    if not readme.exists():
        return
    content = readme.read_text(encoding="utf-8")
    if README_START not in content or README_END not in content:
        return
    head, rest = content.split(README_START, 1)
    _, tail = rest.split(README_END, 1)
    readme.write_text(f"{head}{README_START}\n{text.strip()}\n{README_END}{tail}", encoding="utf-8")


def _num(x: float | None) -> str:
    if x is None:
        return "—"
    if abs(x) >= 1000:
        return f"{x:,.0f}"
    if abs(x) >= 10:
        return f"{x:.1f}"
    return f"{x:.3g}"


def table(figures: dict[str, dict], info: dict) -> str:
    lines = [
        "| Benchmark | Measured | Bare baseline | Ratio | Target | Result |",
        "|---|---|---|---|---|---|",
    ]
    for f in figures.values():
        ratio = f"{f['ratio']:.2f}×" if f.get("ratio") is not None else "—"
        base = f"{_num(f.get('baseline'))} {f['unit']}" if f.get("baseline") is not None else "—"
        lines.append(
            f"| {f['title']} | {_num(f['value'])} {f['unit']} | {base} | {ratio} | {f['target']} | "
            f"{'PASS' if f['passed'] else '**MISS**'}{' (quick)' if f.get('quick') else ''} |"
        )
    notes = [f"- **{f['key']}**: {f['note']}" for f in figures.values() if f.get("note")]
    head = (f"Measured on {info['cpus']} CPUs, Python {info['python']}, PySide6 {info['pyside6']}, "
            f"spaCy {info['spacy']} (load average at start {info['load_average_at_start']}). "
            "`make bench` regenerates this table; bench/results.json holds every figure.\n\n")
    misses = BENCH / "MISSES.md"  # the analysis of the misses, kept by hand
    tail = "\n" + misses.read_text() if misses.exists() else ""
    return head + "\n".join(lines) + "\n\n" + "\n".join(notes) + "\n" + tail


if __name__ == "__main__":
    raise SystemExit(main())
