"""The format registry (issue 12, part 4): every format is one record that the command
line, the dialogs, ``--format auto`` and the exporter read, so a new format is one
module and one registry line; and every writer follows the one rule for spans off the
tokens its file holds, and the one rule for statuses it cannot hold."""

from __future__ import annotations

import json
from pathlib import Path
from typing import IO, Iterator

import pytest
from test_formats_support import run

from goldspan.core.exporter import export
from goldspan.core.formats import registry
from goldspan.core.formats.base import Problem, WriteOptions, iter_lines
from goldspan.core.formats.detect import detect, expand
from goldspan.core.formats.registry import Format, Output, Tokens
from goldspan.core.importer import import_paths
from goldspan.core.status import Status
from goldspan.core.storage import Store
from goldspan.core.types import Record, Span


# ------------------------------------------------------------- a toy format
def read_toy(path: Path) -> Iterator[Record]:
    """One document per line: ``LABEL<TAB>text``, the whole text one span."""
    for number, line in iter_lines(path):
        label, _, text = line.partition("\t")
        yield Record(text=text, spans=[Span(0, len(text), label, "import")],
                     status=Status.DONE, line=number)


class ToyWriter:
    def __init__(self, fh: IO[str], options: WriteOptions) -> None:
        self.fh = fh

    def write(self, record: Record, doc_id: int) -> list[Problem]:
        label = record.spans[0].label if record.spans else "NONE"
        self.fh.write(f"{label}\t{record.text}\n")
        return []

    def close(self) -> None:
        pass


TOY = Format("toy", "Toy lines (.toy)", (".toy",), read_toy, ToyWriter)


@pytest.fixture
def toy() -> Iterator[Format]:
    registry.register(TOY)
    try:
        yield TOY
    finally:
        registry.unregister("toy")


def test_a_new_format_is_one_registry_line(toy: Format, tmp_path: Path, qtbot) -> None:  # type: ignore[no-untyped-def]
    from goldspan.gui.export_dialog import ExportDialog
    from goldspan.gui.import_dialog import ImportDialog, file_filter

    src = tmp_path / "in" / "cities.toy"
    src.parent.mkdir()
    src.write_text("GPE\tParis\nGPE\tRabat\n", encoding="utf-8")
    # the command line's help, and --format auto (by extension, and in a folder)
    assert "toy" in run("import", "--help").output
    assert "toy" in run("export", "--help").output
    assert detect(src) == "toy"
    assert expand([src.parent]) == ([src], [], [])
    db = tmp_path / "g.db"
    res = run("import", src.parent, "--db", db)
    assert res.exit_code == 0 and "2 new documents" in res.output, res.output
    res = run("export", "--db", db, "--format", "toy", "--out", "-")
    assert res.exit_code == 0 and "GPE\tParis\nGPE\tRabat\n" in res.output, res.output
    # the dialogs' lists
    imp, exp = ImportDialog(db), ExportDialog(db)
    qtbot.addWidget(imp)
    qtbot.addWidget(exp)
    assert imp.format_combo.findData("toy") >= 0 and "*.toy" in file_filter()
    assert exp.format_combo.findData("toy") >= 0
    exp.set_format("toy")
    assert not exp.scheme_combo.isEnabled() and not exp.all_statuses_check.isEnabled()
    registry.unregister("toy")
    try:
        assert "toy" not in run("import", "--help").output
        assert "unknown format 'toy'" in run("import", src, "--format", "toy", "--db", db).output
        assert expand([src.parent]) == ([], [src], [])
    finally:
        registry.register(TOY)


def test_a_name_is_never_taken_twice(toy: Format) -> None:
    with pytest.raises(ValueError, match="'toy' is taken"):
        registry.register(toy)
    with pytest.raises(ValueError, match="'jsonl' is taken"):
        registry.register(Format("other", "Other", (".o",), aliases=("jsonl",)))


# ------------------------------------------------ one rule for off-token spans
TEXT = "Londoners like London."
OFF, ON = Span(0, 6, "GPE"), Span(15, 21, "GPE")  # "London" inside "Londoners"; "London"


def _out(fmt: Format, tmp_path: Path) -> Path:
    return tmp_path / ("out" if fmt.output is Output.FOLDER else f"out{fmt.extension}")


@pytest.mark.parametrize("fmt", [f for f in registry.writable() if f.labels],
                         ids=lambda f: f.name)
def test_every_writer_reports_spans_off_its_tokens_by_one_rule(fmt: Format,
                                                               tmp_path: Path) -> None:
    """Tokens.REQUIRED: left out and reported; CARRIED: written as it is and reported;
    NONE (character offsets): written exactly and not reported. What is read back is
    exactly what the report says."""
    with Store.open(tmp_path / "src.db") as store:
        doc_id, _ = store.add_document(TEXT)
        store.put_version(doc_id, "alice", Status.DONE, [OFF, ON])
        summary = export(store, _out(fmt, tmp_path), format=fmt.name)
    expected = {Tokens.REQUIRED: [(1, 0, 6, "GPE", True)], Tokens.CARRIED: [(1, 0, 6, "GPE", False)],
                Tokens.NONE: []}[fmt.tokens]
    assert [(p.document_id, p.start, p.end, p.label, p.dropped) for p in summary.problems] \
        == expected
    assert all(p.off_tokens for p in summary.problems)
    assert summary.misaligned == len(expected)
    with Store.open(tmp_path / "back.db") as back:
        import_paths(back, [_out(fmt, tmp_path)], format=fmt.name)
        (version,) = back.annotations(1)
        spans = [s.key() for s in back.spans(version.id)]
    assert spans == ([ON.key()] if fmt.tokens is Tokens.REQUIRED else [OFF.key(), ON.key()])


@pytest.mark.parametrize("fmt", [f for f in registry.writable() if f.labels],
                         ids=lambda f: f.name)
@pytest.mark.parametrize("status", [Status.SKIPPED, Status.REJECTED])
def test_a_status_the_format_cannot_hold_refuses_the_export(fmt: Format, status: Status,
                                                            tmp_path: Path) -> None:
    """--all-statuses into a format with no place for the status would read back as
    done: exact or refused, naming the document, as for labels."""
    db = tmp_path / "g.db"
    with Store.open(db) as store:
        store.add_document("Paris is big.")
        doc_id, _ = store.add_document("Rome is old.")
        store.put_version(1, "alice", Status.DONE, [Span(0, 5, "GPE")])
        store.put_version(doc_id, "alice", status, [Span(0, 4, "GPE")])
    out = _out(fmt, tmp_path)
    res = run("export", "--db", db, "--format", fmt.name, "--out", out, "--all-statuses")
    if status in fmt.statuses:
        assert res.exit_code == 0, res.output
        with Store.open(tmp_path / "back.db") as back:
            import_paths(back, [out], format=fmt.name)
            assert [a.status for a in back.annotations(2)] == [status]
    else:
        assert res.exit_code != 0 and not out.exists()
        assert f"document 2: {fmt.name} cannot hold the status '{status}'" in res.output
        assert "Traceback" not in res.output
    assert run("export", "--db", db, "--format", fmt.name, "--out",
               tmp_path / f"done{fmt.extension}").exit_code == 0  # without: done only


def test_the_registry_is_the_only_list_of_formats() -> None:
    """The names the code used to list in seven places come from the registry now:
    the readme's format table names every registered format."""
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    table = readme[readme.index("### Formats"):readme.index("### Outputs")]
    for fmt in registry.formats():
        assert f"`{fmt.name}`" in table, fmt.name
    assert json.dumps([f.name for f in registry.formats()])  # a plain, ordered list
