"""A 50 MB import streams (issue 7, hostile text): the Prodigy reader goes line by
line and the importer writes record by record, so the peak memory of an import stays
far below the size of the file.

Measured in a subprocess (a fresh interpreter, nothing cached from other tests): its
peak RSS (``VmHWM`` on Linux, else ``resource.getrusage``) after importing a tiny file is the baseline; the
peak after importing the 50 MB file may exceed it by a fifth of the file at most. A
reader that read the file whole (``read_text``, ``json.load`` of a list, a list of
records) would add at least the file's size, the text decoded to str even twice.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(sys.platform == "win32", reason="resource module")]

TARGET_BYTES = 50 * 1024 * 1024

PROBE = textwrap.dedent("""
    import json, resource, sys, time
    from pathlib import Path
    from goldspan.core.importer import import_paths
    from goldspan.core.storage import Store

    def peak_rss():
        # Linux: VmHWM is this program's own peak. ru_maxrss would carry over the peak
        # of the process this one was forked from (pytest, hundreds of MB) across exec.
        try:
            with open("/proc/self/status") as fh:
                for line in fh:
                    if line.startswith("VmHWM:"):
                        return int(line.split()[1]) * 1024
        except OSError:
            pass
        scale = 1 if sys.platform == "darwin" else 1024  # bytes on macOS, KiB elsewhere
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * scale

    db, tiny, big = sys.argv[1:4]
    store = Store.open(db)
    import_paths(store, [tiny])
    base = peak_rss()
    t = time.monotonic()
    summary = import_paths(store, [big])
    seconds = time.monotonic() - t
    peak = peak_rss()
    store.close()
    print(json.dumps({"base": base, "peak": peak, "seconds": seconds,
                      "documents": summary.total("documents_created"),
                      "versions": summary.total("versions_written")}))
""")


def write_big_jsonl(path: Path, target: int) -> int:
    """Prodigy records of about 2 KB (emoji, RTL, an entity per sentence) until the file
    is ``target`` bytes; returns how many."""
    body = ("Mark Esper 🇺🇸 met officials in Rabat on Monday; مرحبا and שלום were said. "
            * 26)
    spans = []
    pos = 0
    sentence = "Mark Esper 🇺🇸 met officials in Rabat on Monday; مرحبا and שלום were said. "
    for _ in range(26):
        spans.append({"start": pos, "end": pos + 10, "label": "PERSON"})
        spans.append({"start": pos + 32, "end": pos + 37, "label": "GPE"})
        pos += len(sentence)
    n = 0
    written = 0
    with open(path, "w", encoding="utf-8") as fh:
        while written < target:
            line = json.dumps({"text": f"Article {n}. {body}",
                               "spans": [{**s, "start": s["start"] + len(f"Article {n}. "),
                                          "end": s["end"] + len(f"Article {n}. ")} for s in spans],
                               "answer": "accept", "_annotator_id": "alice"},
                              ensure_ascii=False) + "\n"
            fh.write(line)
            written += len(line.encode("utf-8"))
            n += 1
    return n


def test_50mb_import_streams(tmp_path: Path) -> None:
    big = tmp_path / "big.jsonl"
    n = write_big_jsonl(big, TARGET_BYTES)
    size = big.stat().st_size
    assert size >= TARGET_BYTES
    tiny = tmp_path / "tiny.jsonl"
    tiny.write_text('{"text": "Warm-up article.", "answer": "accept"}\n', encoding="utf-8")
    t = time.monotonic()
    res = subprocess.run([sys.executable, "-c", PROBE, str(tmp_path / "big.db"), str(tiny),
                          str(big)], capture_output=True, text=True, timeout=120)
    assert res.returncode == 0, res.stderr
    out = json.loads(res.stdout.strip().splitlines()[-1])
    assert out["documents"] == out["versions"] == n  # everything was imported
    growth = out["peak"] - out["base"]
    assert growth < size / 5, (
        f"importing {size / 1e6:.0f} MB raised the peak RSS by {growth / 1e6:.1f} MB")
    assert time.monotonic() - t < 60


def test_the_memory_check_would_catch_a_whole_file_read(tmp_path: Path) -> None:
    """The same measure, on a probe that reads the file whole first, exceeds the limit:
    the bound above is one a non-streaming reader cannot meet."""
    big = tmp_path / "big.jsonl"
    write_big_jsonl(big, TARGET_BYTES // 5)
    size = big.stat().st_size
    tiny = tmp_path / "tiny.jsonl"
    tiny.write_text('{"text": "Warm-up article.", "answer": "accept"}\n', encoding="utf-8")
    whole = PROBE.replace("summary = import_paths(store, [big])",
                          "records = [json.loads(x) for x in Path(big).read_text().splitlines()]\n"
                          "summary = import_paths(store, [big])")
    res = subprocess.run([sys.executable, "-c", whole, str(tmp_path / "big.db"), str(tiny),
                          str(big)], capture_output=True, text=True, timeout=120)
    assert res.returncode == 0, res.stderr
    out = json.loads(res.stdout.strip().splitlines()[-1])
    assert out["peak"] - out["base"] > size / 5
