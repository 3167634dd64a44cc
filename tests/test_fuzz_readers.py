"""Fuzzing the readers (issue 7): every format reader, ``detect`` and ``import_paths``
fed mutated real files (bytes flipped, inserted, deleted, truncated; JSON values
swapped for wrong types, huge or negative numbers, NaN, deep nesting) and generated
JSON. They may refuse, but only with :class:`InputError`, never hang, and a refused
file leaves the database exactly as it was.

Bounded: a few dozen examples per reader (the file runs in about half a minute).
``GOLDSPAN_SOAK=1`` (``make soak``) takes six times as many.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import sqlite3
import sys
from pathlib import Path
from typing import Any, Iterator

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from goldspan.core.errors import InputError
from goldspan.core.formats import reader
from goldspan.core.formats.brat import BratWriter
from goldspan.core.formats.detect import detect
from goldspan.core.formats.docbin import DocBinWriter
from goldspan.core.formats.labelstudio import LabelStudioWriter
from goldspan.core.importer import import_paths
from goldspan.core.types import Record, Span
from goldspan.core.storage import Store

DATA = Path(__file__).parent / "data"
SOAK = os.environ.get("GOLDSPAN_SOAK") == "1"
EXAMPLES = 600 if SOAK else 100
HANG_SECONDS = 10

FUZZ = settings(max_examples=EXAMPLES, deadline=None, derandomize=not SOAK,
                suppress_health_check=[HealthCheck.function_scoped_fixture,
                                       HealthCheck.too_slow, HealthCheck.data_too_large])


# ------------------------------------------------------------------------- seeds
def _head(path: Path, n_lines: int) -> bytes:
    with open(path, "rb") as fh:
        return b"".join(line for _, line in zip(range(n_lines), fh, strict=False))


def _labelstudio_seed(tmp: Path) -> bytes:
    out = tmp / "ls.json"
    with open(out, "w", encoding="utf-8") as fh:
        w = LabelStudioWriter(fh)
        w.write(Record("Peter Blackburn met 🇫🇷 EU people.", [Span(0, 15, "PER"), Span(25, 27, "ORG")],
                       annotator="a@b.c", status="done"), 1)
        w.write(Record("Second task.\r\nWith a line.", [], status="skipped"), 2)
        w.close()
    task = {"data": {"text": "Obama in Rabat"}, "id": 7,
            "predictions": [{"model_version": "m@1", "result": [
                {"type": "labels", "score": 0.5,
                 "value": {"start": 9, "end": 14, "text": "Rabat", "labels": ["GPE"]}}]}]}
    return out.read_bytes().replace(b"\n]\n", b",\n" + json.dumps(task).encode() + b"\n]\n")


def _docbin_seed(tmp: Path) -> bytes:
    out = tmp / "seed.spacy"
    w = DocBinWriter(out)
    w.write(Record("Angela Merkel visited Paris.", [Span(0, 13, "PERSON"), Span(22, 27, "GPE")]), 1)
    w.write(Record("Nothing here.", []), 2)
    w.close()
    return out.read_bytes()


def _brat_seed(tmp: Path) -> tuple[bytes, bytes]:
    folder = tmp / "brat"
    w = BratWriter(folder)
    w.write(Record("Mark Esper 🇺🇸 visited Rabat.\nA second line.", [Span(0, 10, "PER"),
                                                                     Span(21, 26, "GPE")]), 1)
    w.close()
    ann = (folder / "000001.ann").read_bytes() + b"R1\tRel Arg1:T1 Arg2:T2\n#1\tNote T1\tx\n"
    return (folder / "000001.txt").read_bytes(), ann


@pytest.fixture(scope="module")
def seeds(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[bytes]]:
    tmp = tmp_path_factory.mktemp("seeds")
    re3d = sorted((DATA / "re3d").rglob("*.conll"))[0]
    return {
        "prodigy": [_head(DATA / "prodigy" / "annotated_news_headlines-ORG-PERSON-LOCATION-ner.jsonl", 6)],
        "doccano": [(DATA / "doccano" / name).read_bytes() for name in (
            "doccano_export_sequence_labeling_example.jsonl",
            "doccano_export_relation_extraction_example.jsonl",  # pretty-printed records
            "doccano-transformer_labeling_text_label.jsonl",
            "doccano-transformer_labeling.jsonl")],  # refused: numeric label ids
        "conll": [_head(DATA / "wikigold" / "wikigold.conll.txt", 80), _head(re3d, 60)],
        "txt": ["Héllo wörld.\r\nمرحبا بالعالم 👩‍👩‍👧 e\u0301\tend\x00\n".encode()],
        "labelstudio": [_labelstudio_seed(tmp)],
        "spacy": [_docbin_seed(tmp)],
        "brat": list(_brat_seed(tmp)),
    }


EXT = {"prodigy": ".jsonl", "doccano": ".jsonl", "conll": ".conll", "txt": ".txt",
       "labelstudio": ".json", "spacy": ".spacy", "brat": ".ann"}


# --------------------------------------------------------------------- mutation
JUNK = [b"-1", b"-99999999999999999999", b"1" * 5000, b"1e999", b"NaN", b"-Infinity",
        b"null", b"true", b"[]", b"{}", b'"', b"{", b"[" * 3000, b"\\ud800", b"\\udfff",
        b"\r", b"\r\n", b"\x00", b"\t", b"\xff\xfe", b"\xe2\x82", b"\xef\xbb\xbf", b"\n\n",
        b"-DOCSTART-", b"B-", b"I-PER", b"T9\tX 5 2\tq", b"T1\tX \xc2\xb2 3\tq", b",", b"]"]


@st.composite
def byte_mutations(draw: st.DrawFn, data: bytes) -> bytes:
    out = bytearray(data)
    for _ in range(draw(st.integers(1, 6))):
        kind = draw(st.sampled_from(["flip", "insert", "delete", "truncate", "junk", "dup"]))
        pos = draw(st.integers(0, max(0, len(out) - 1)))
        if kind == "flip" and out:
            out[pos] ^= 1 << draw(st.integers(0, 7))
        elif kind == "insert":
            out[pos:pos] = draw(st.binary(min_size=1, max_size=8))
        elif kind == "delete":
            del out[pos:pos + draw(st.integers(1, 64))]
        elif kind == "truncate":
            del out[pos:]
        elif kind == "junk":
            out[pos:pos] = draw(st.sampled_from(JUNK))
        elif kind == "dup":
            n = draw(st.integers(1, 200))
            out[pos:pos] = out[pos:pos + n]
    return bytes(out)


# Raw JSON a Python value cannot be dumped as (json.dumps would refuse or recurse):
# a placeholder string in the value, replaced in the dumped text.
RAW = {"<<big-int>>": "1" * 5000, "<<deep>>": "[" * 5000 + "]" * 5000,
       "<<surrogate>>": '"\\ud800"', "<<big-score>>": "1" * 400}


def dumps(value: Any, ensure_ascii: bool = False) -> str:
    text = json.dumps(value, ensure_ascii=ensure_ascii)
    for key, raw in RAW.items():
        text = text.replace(json.dumps(key), raw)
    return text


JSON_JUNK = st.one_of(
    st.sampled_from(list(RAW)),
    st.sampled_from([None, True, False, 0, -1, -(10**20), 10**30, 2**63, 1.5, float("nan"),
                     float("inf"), "", " ", "\x00", "\r\n", "\ud83d\ude00", "é" * 300,
                     "x" * 10_000, [], {}, [[[[[]]]]], [0, 1, "X"], [[0, 1, "X"]],
                     {"start": 0, "end": 1, "label": "X"}, {"text": "t"},
                     "accept", "reject", "ignore", "labels"]),
    st.integers(), st.floats(allow_nan=True), st.text(max_size=20),
    st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=5),
                 lambda c: st.lists(c, max_size=3) | st.dictionaries(st.text(max_size=5), c,
                                                                      max_size=3),
                 max_leaves=8),
)


def _paths(obj: Any, prefix: tuple = ()) -> Iterator[tuple]:
    """Every place in a record a value can be swapped, three levels deep (deeper
    places are the insides of a span or result, reached through the shallower ones)."""
    yield prefix
    if len(prefix) >= 4:
        return
    if isinstance(obj, dict):
        for k, v in obj.items():
            yield from _paths(v, prefix + (k,))
    elif isinstance(obj, list):
        for i, v in enumerate(obj):
            yield from _paths(v, prefix + (i,))


def _replace(obj: Any, path: tuple, value: Any, delete: bool) -> Any:
    if not path:
        return value
    head, rest = path[0], path[1:]
    if not rest and delete:
        if isinstance(obj, dict):
            return {k: v for k, v in obj.items() if k != head}
        return [v for i, v in enumerate(obj) if i != head]
    if isinstance(obj, dict):
        return {k: (_replace(v, rest, value, delete) if k == head else v) for k, v in obj.items()}
    return [(_replace(v, rest, value, delete) if i == head else v) for i, v in enumerate(obj)]


@st.composite
def json_mutations(draw: st.DrawFn, obj: Any) -> Any:
    for _ in range(draw(st.integers(1, 3))):
        path = draw(st.sampled_from(list(_paths(obj))))
        obj = _replace(obj, path, draw(JSON_JUNK), delete=draw(st.booleans()) and bool(path))
    return obj


# ------------------------------------------------------------------ the checks
class Hang(BaseException):
    pass


@contextlib.contextmanager
def no_hang(seconds: float = HANG_SECONDS) -> Iterator[None]:
    """Fail (rather than wait forever) when a reader takes longer than ``seconds``."""
    if sys.platform == "win32":
        yield
        return

    def _alarm(signum: int, frame: object) -> None:
        raise Hang(f"reader still running after {seconds} s")

    old = signal.signal(signal.SIGALRM, _alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


def snapshot(db: Path) -> tuple[dict[str, int], int]:
    """Row counts per table and a hash of the full SQL dump (the content, whatever the
    WAL did to the file's bytes)."""
    conn = sqlite3.connect(db)
    try:
        tables = [r[0] for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
        counts = {t: conn.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}
        return counts, hash("\n".join(conn.iterdump()))
    finally:
        conn.close()


def write_input(folder: Path, fmt: str, data: bytes, seeds: dict[str, list[bytes]]) -> Path:
    """Write the fuzzed bytes as a file of ``fmt`` (a brat .ann gets its seed .txt)."""
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.iterdir():
        old.unlink()
    path = folder / f"input{EXT[fmt]}"
    path.write_bytes(data)
    if fmt == "brat":
        path.with_suffix(".txt").write_bytes(seeds["brat"][0])
    return path


def only_input_errors(path: Path, fmt: str, db: Path) -> None:
    """The reader, ``detect`` and ``import_paths`` raise nothing but InputError; a
    refused import changes nothing in the database."""
    with no_hang():
        try:
            for _ in reader(fmt)(path):
                pass
        except InputError:
            pass
        try:
            detect(path)
        except InputError:
            pass
    before = snapshot(db)
    store = Store.open(db)
    try:
        with no_hang():
            import_paths(store, [path], format=fmt)
    except InputError as err:
        assert "\n" not in str(err), str(err)
        store.close()
        assert snapshot(db) == before, "a refused import changed the database"
    else:
        store.close()


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "fuzz.db"
    with Store.open(path) as s:
        doc, _ = s.add_document("An article already there, with Rabat in it.")
        s.put_version(doc, "alice", "done", [Span(32, 37, "GPE", "import")])
    return path


# ----------------------------------------------------------------------- tests
@pytest.mark.parametrize("fmt", ["prodigy", "doccano", "conll", "txt", "labelstudio", "spacy",
                                 "brat"])
def test_mutated_bytes_only_input_errors(fmt: str, seeds: dict[str, list[bytes]], db: Path,
                                         tmp_path: Path) -> None:
    @FUZZ
    @given(data=st.data())
    def run(data: st.DataObject) -> None:
        seed = data.draw(st.sampled_from(seeds[fmt][-1:] if fmt == "brat" else seeds[fmt]))
        mutated = data.draw(byte_mutations(seed))
        only_input_errors(write_input(tmp_path / "in", fmt, mutated, seeds), fmt, db)

    run()


def test_mutated_brat_text_only_input_errors(seeds: dict[str, list[bytes]], db: Path,
                                             tmp_path: Path) -> None:
    @FUZZ
    @given(mutated=st.data())
    def run(mutated: st.DataObject) -> None:
        txt = mutated.draw(byte_mutations(seeds["brat"][0]))
        path = write_input(tmp_path / "in", "brat", seeds["brat"][1], seeds)
        path.with_suffix(".txt").write_bytes(txt)
        only_input_errors(path, "brat", db)

    run()


def _records(fmt: str, seeds: dict[str, list[bytes]]) -> list[Any]:
    if fmt == "labelstudio":
        return json.loads(seeds["labelstudio"][0])
    records = [json.loads(line) for blob in seeds[fmt] for line in blob.splitlines()
               if line.strip().startswith(b"{") and line.strip().endswith(b"}")]
    # Prodigy's tokens are not read (offsets are characters): leave them out so the
    # mutations land on what the reader does read.
    return [{k: v for k, v in r.items() if k != "tokens"} for r in records]


@pytest.mark.parametrize("fmt", ["prodigy", "doccano", "labelstudio"])
def test_wrong_json_types_only_input_errors(fmt: str, seeds: dict[str, list[bytes]], db: Path,
                                            tmp_path: Path) -> None:
    records = _records(fmt, seeds)
    assert records

    @FUZZ
    @given(data=st.data())
    def run(data: st.DataObject) -> None:
        rec = data.draw(json_mutations(data.draw(st.sampled_from(records))))
        line = dumps(rec, ensure_ascii=data.draw(st.booleans()))
        content = f"[\n{line}\n]\n" if fmt == "labelstudio" and data.draw(st.booleans()) \
            else line + "\n"
        only_input_errors(write_input(tmp_path / "in", fmt, content.encode("utf-8", "surrogatepass"),
                                      seeds), fmt, db)

    run()


OFFSET = st.one_of(st.integers(-5, 40), st.sampled_from([-(10**20), 10**20, 2**63, 1.0, None,
                                                         "3", True, float("nan"),
                                                         "<<big-int>>", "<<big-score>>"]))
LABEL = st.one_of(st.sampled_from(["PER", "ORG", "", " ", "x" * 101, "a\tb", "'; DROP TABLE spans; --"]),
                  st.text(max_size=8), st.integers(), st.none())
TEXT = st.one_of(st.text(max_size=40), st.sampled_from(["", " ", "a\r\nb\rc", "👩‍👩‍👧 \ud83d"]),
                 st.integers(), st.none(), st.lists(st.text(max_size=3), max_size=2))


@st.composite
def generated_records(draw: st.DrawFn, labelstudio: bool) -> dict[str, Any]:
    """Records shaped like the JSON formats' (keys they read), with values of any
    type and offsets anywhere."""
    rec: dict[str, Any] = {}
    if draw(st.integers(0, 9)):
        rec["text"] = draw(TEXT) if draw(st.integers(0, 4)) == 0 else draw(st.text(max_size=40))
    span = st.fixed_dictionaries({}, optional={"start": OFFSET, "end": OFFSET, "label": LABEL,
                                               "score": OFFSET, "token_start": OFFSET})
    triple = st.lists(st.one_of(OFFSET, LABEL), min_size=0, max_size=4)
    optional = {
        "spans": st.one_of(st.lists(span, max_size=4), JSON_JUNK),
        "answer": st.one_of(st.sampled_from(["accept", "reject", "ignore", "maybe"]), JSON_JUNK),
        "_annotator_id": st.one_of(st.text(max_size=5), st.sampled_from(["gold", "x" * 201]),
                                   JSON_JUNK),
        "meta": st.one_of(st.fixed_dictionaries({}, optional={"model": LABEL, "source": LABEL}),
                          JSON_JUNK),
        "label": st.one_of(st.lists(triple, max_size=3), JSON_JUNK),
        "entities": st.lists(st.fixed_dictionaries(
            {}, optional={"start_offset": OFFSET, "end_offset": OFFSET, "label": LABEL}), max_size=3),
        "annotations": st.one_of(st.lists(st.fixed_dictionaries({}, optional={
            "result": st.lists(st.fixed_dictionaries({}, optional={
                "type": st.sampled_from(["labels", "choices", None]),
                "value": st.fixed_dictionaries({}, optional={
                    "start": OFFSET, "end": OFFSET, "labels": st.lists(LABEL, max_size=2),
                    "text": LABEL})}), max_size=3),
            "completed_by": JSON_JUNK, "was_cancelled": JSON_JUNK}), max_size=2), JSON_JUNK),
    }
    rec.update(draw(st.fixed_dictionaries({}, optional=optional)))
    if labelstudio and "text" in rec and draw(st.integers(0, 4)):  # Label Studio's shape
        rec = {"data": {"text": rec.pop("text")}, **rec}
    return rec


@pytest.mark.parametrize("fmt", ["prodigy", "doccano", "labelstudio"])
def test_generated_json_only_input_errors(fmt: str, seeds: dict[str, list[bytes]], db: Path,
                                          tmp_path: Path) -> None:
    @FUZZ
    @given(records=st.lists(generated_records(fmt == "labelstudio"), min_size=1, max_size=4),
           array=st.booleans())
    def run(records: list[dict[str, Any]], array: bool) -> None:
        lines = [dumps(r) for r in records]
        content = "[" + ",\n".join(lines) + "]" if array and fmt == "labelstudio" \
            else "\n".join(lines) + "\n"
        only_input_errors(write_input(tmp_path / "in", fmt, content.encode("utf-8", "surrogatepass"),
                                      seeds), fmt, db)

    run()


# ---------------------------------------------- regressions found by the fuzzer
# Each raised something other than InputError before its fix (core/formats/*).
REGRESSIONS = {
    # prodigy: `answer not in dict` with an unhashable answer -> TypeError
    "answer_list": ("prodigy", '{"text": "a b", "answer": ["accept"]}\n', "unknown answer"),
    # json: an integer of 5,000 digits -> ValueError (Python's int digit limit)
    "huge_int": ("prodigy", '{"text": "a b", "x": ' + "1" * 5000 + "}\n", "too many digits"),
    # json: nesting thousands deep -> RecursionError
    "deep_nesting": ("prodigy", '{"text": "a", "x": ' + "[" * 100_000 + "}\n", "nested too deeply"),
    "deep_array": ("labelstudio", "[" + "[" * 100_000 + "]", "nested too deeply"),
    "huge_int_array": ("labelstudio", '[{"data": {"text": "ab"}, "id": ' + "9" * 5000 + "}]",
                       "too many digits"),
    # json: a lone surrogate escape -> UnicodeEncodeError in text_hash / SQLite
    "lone_surrogate_text": ("prodigy", '{"text": "a \\ud800 b", "answer": "accept"}\n', "surrogate"),
    "lone_surrogate_label": ("doccano", '{"text": "ab", "label": [[0, 1, "\\udc00"]]}\n', "surrogate"),
    "lone_surrogate_ls": ("labelstudio", '[{"data": {"text": "\\udbff!"}}]', "surrogate"),
    # brat: "²".isdigit() is True but int("²") raises ValueError
    "brat_superscript": ("brat", "T1\tX \u00b2 3\thel\n", "LABEL START END"),
}


@pytest.mark.parametrize("name", sorted(REGRESSIONS))
def test_regression(name: str, seeds: dict[str, list[bytes]], db: Path, tmp_path: Path) -> None:
    fmt, content, message = REGRESSIONS[name]
    path = write_input(tmp_path / "in", fmt, content.encode(), seeds)
    with pytest.raises(InputError, match=message):
        list(reader(fmt)(path))
    before = snapshot(db)
    with Store.open(db) as store, pytest.raises(InputError, match=message):
        import_paths(store, [path])  # format auto: detect must not raise either
    assert snapshot(db) == before


def test_regression_score_too_big_for_a_float(db: Path, tmp_path: Path) -> None:
    """A score of 400 digits raised OverflowError in float(); now it is no score."""
    path = tmp_path / "tasks.jsonl"
    path.write_text('{"text": "a b", "spans": [{"start": 0, "end": 1, "label": "X", "score": '
                    + "1" * 400 + "}]}\n")
    with Store.open(db) as store:
        import_paths(store, [path])
        doc = store.document_count()
        assert [(s.start, s.end, s.label, s.score) for s in store.suggestions(doc, "import")] \
            == [(0, 1, "X", None)]


def test_mutator_reaches_the_readers(seeds: dict[str, list[bytes]], tmp_path: Path) -> None:
    """The seeds are valid (so mutations start from real input, not from refusals)."""
    for fmt, blobs in seeds.items():
        path = write_input(tmp_path / fmt, fmt, blobs[-1] if fmt == "brat" else blobs[0], seeds)
        assert list(reader(fmt)(path)), fmt
