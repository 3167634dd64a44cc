"""Shared pieces of the benchmarks: figures, timing, whole-process runs with peak RSS,
and the fixture cache. Nothing here is imported by goldspan itself."""

from __future__ import annotations

import json
import os
import re
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
CACHE = Path(os.environ.get("GOLDSPAN_BENCH_CACHE", BENCH / "work"))
PY = sys.executable
GOLDSPAN = str(Path(PY).with_name("goldspan"))
QUICK = os.environ.get("GOLDSPAN_BENCH_QUICK", "") not in ("", "0")


@dataclass
class Figure:
    """One benchmark figure: a measured value against a bare baseline (same run)."""

    key: str
    title: str
    value: float
    unit: str
    target: str
    passed: bool
    baseline: float | None = None
    ratio: float | None = None
    note: str = ""
    extra: dict = field(default_factory=dict)

    def line(self) -> str:
        verdict = "PASS" if self.passed else "MISS"
        base = ""
        if self.baseline is not None:
            base = f" vs baseline {fmt(self.baseline)} {self.unit}"
        ratio = f" = {self.ratio:.2f}x" if self.ratio is not None else ""
        return (f"[{verdict}] {self.title}: {fmt(self.value)} {self.unit}{base}{ratio}"
                f"  (target {self.target})" + (f"\n        {self.note}" if self.note else ""))

    def to_dict(self) -> dict:
        return asdict(self)


def fmt(x: float) -> str:
    if abs(x) >= 1000:
        return f"{x:,.0f}"
    if abs(x) >= 10:
        return f"{x:.1f}"
    return f"{x:.3g}"


def env(**extra: str) -> dict[str, str]:
    e = dict(os.environ)
    e.setdefault("QT_QPA_PLATFORM", "offscreen")
    e["PYTHONUNBUFFERED"] = "1"
    # A warm machine has compiled bytecode: let Python cache it (outside the tree),
    # whatever the calling shell says, so no run pays for recompiling goldspan.
    e.pop("PYTHONDONTWRITEBYTECODE", None)
    e.setdefault("PYTHONPYCACHEPREFIX", str(CACHE / "pycache"))
    e.update(extra)
    return e


@dataclass
class Run:
    wall: float  # seconds, whole process
    rss_mb: float  # peak resident set of the process (ru_maxrss)
    stdout: str
    stderr: str


def run_process(cmd: list[str], *, timeout: float = 900, extra_env: dict[str, str] | None = None,
                check: bool = True) -> Run:
    """Run a whole process under /usr/bin/time -v: wall time and peak RSS."""
    timed = ["/usr/bin/time", "-v", *cmd] if Path("/usr/bin/time").exists() else cmd
    t0 = time.perf_counter()
    p = subprocess.run(timed, capture_output=True, text=True, timeout=timeout, check=False,
                       env=env(**(extra_env or {})), cwd=ROOT)
    wall = time.perf_counter() - t0
    m = re.search(r"Maximum resident set size \(kbytes\): (\d+)", p.stderr)
    rss = int(m.group(1)) / 1024 if m else float("nan")
    if check and p.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed ({p.returncode}):\n{p.stdout}\n{p.stderr[-3000:]}")
    return Run(wall, rss, p.stdout, p.stderr)


def best_of(n: int, fn: Callable[[], float]) -> float:
    """Minimum of n timings (the least disturbed one) — warm figures."""
    return min(fn() for _ in range(n))


def median(xs: list[float]) -> float:
    return statistics.median(xs)


def timed(fn: Callable[[], object]) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def cached(name: str, build: Callable[[Path], None]) -> Path:
    """A fixture file under bench/work, built once (atomically) and reused."""
    CACHE.mkdir(parents=True, exist_ok=True)
    path = CACHE / name
    if not path.exists():
        tmp = path.with_name(path.name + ".building")
        if tmp.exists():
            tmp.unlink()
        for suffix in ("-wal", "-shm"):
            Path(str(tmp) + suffix).unlink(missing_ok=True)
        t0 = time.perf_counter()
        build(tmp)
        tmp.replace(path)
        print(f"  (built fixture {name} in {time.perf_counter() - t0:.1f} s)", flush=True)
    return path


def write_json(path: Path, data: object) -> None:
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
