"""Label Studio parsing is linear in a task's size (issue 11, item 7: a 32 MB task took
12 s where the same text as Prodigy took 0.8 s). Checked by counting work, never by a
clock: the characters handed to the JSON decoder (every failed attempt on an
incomplete task included) and the characters copied into the reader's buffer must grow
like the input, for one huge task and for many small ones."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from goldspan.core.formats import labelstudio
from goldspan.core.formats.base import Meter, iter_json_array

SENTENCE = "Alice met Bob in Paris. "


def _one_task(path: Path, chars: int) -> Path:
    text = SENTENCE * (chars // len(SENTENCE))
    task = {"data": {"text": text}, "annotations": [{"result": [
        {"type": "labels", "value": {"start": 0, "end": 5, "labels": ["PERSON"]}}]}]}
    path.write_text(json.dumps([task]), encoding="utf-8")
    return path


def _many_tasks(path: Path, n: int) -> Path:
    tasks = [{"data": {"text": f"{SENTENCE}{i}"}} for i in range(n)]
    path.write_text(json.dumps(tasks), encoding="utf-8")
    return path


def _scanned(monkeypatch: pytest.MonkeyPatch, path: Path) -> int:
    """Characters the JSON decoder was asked to read while the file was parsed
    (patched on the class, so any decoder instance the reader makes is counted)."""
    total = {"n": 0}
    real = json.JSONDecoder.raw_decode

    def counting(self: json.JSONDecoder, s: str, idx: int = 0) -> Any:
        total["n"] += len(s) - idx
        return real(self, s, idx)

    monkeypatch.setattr(json.JSONDecoder, "raw_decode", counting)
    records = list(labelstudio.read(path))
    monkeypatch.undo()
    assert records
    return total["n"]


def test_one_huge_task_is_decoded_in_linear_work(tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    small = _one_task(tmp_path / "small.json", 1 << 21)  # 2 MB
    large = _one_task(tmp_path / "large.json", 1 << 23)  # 8 MB: four times as much
    a, b = _scanned(monkeypatch, small), _scanned(monkeypatch, large)
    # Linear work scans at most a few times the file; re-parsing the growing task at
    # every 64 KB chunk scanned it about size / 128 KB times (16x for 4x the input).
    assert b <= 3 * large.stat().st_size, (a, b)
    assert b / a < 5, (a, b)


def test_buffer_copies_are_linear_for_one_task_and_for_many(tmp_path: Path) -> None:
    for make, small_n, large_n in ((_one_task, 1 << 20, 1 << 22), (_many_tasks, 5_000, 20_000)):
        work = []
        for name, n in (("s", small_n), ("l", large_n)):
            path = make(tmp_path / f"{make.__name__}{name}.json", n)
            meter = Meter()
            assert sum(1 for _ in iter_json_array(path, meter=meter))
            assert meter.copied <= 3 * path.stat().st_size, (make.__name__, meter)
            work.append(meter.work)
        assert work[1] / work[0] < 5, (make.__name__, work)


def test_small_chunks_still_read_every_task(tmp_path: Path) -> None:
    """The growing reads also work with a tiny first chunk (each task spans many)."""
    path = _many_tasks(tmp_path / "t.json", 50)
    got = [task["data"]["text"] for _, task in iter_json_array(path, chunk_size=7)]
    assert got == [f"{SENTENCE}{i}" for i in range(50)]


def test_a_bad_task_early_in_a_large_file_is_refused_without_reading_it_all(
        tmp_path: Path) -> None:
    from goldspan.core.errors import InputError

    path = tmp_path / "bad.json"
    good = json.dumps([{"data": {"text": SENTENCE * 100}}] * 4000)  # about 10 MB
    path.write_text('[{"data": {"text": "x"}, oops},' + good[1:], encoding="utf-8")
    meter = Meter()
    with pytest.raises(InputError, match="line 1: invalid JSON"):
        list(iter_json_array(path, meter=meter))
    assert meter.copied < 1 << 20  # one read, not the whole file
