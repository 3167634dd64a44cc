"""SQL is written in one package, ``core/storage/``: anywhere else in core/, gui/ and
cli/, a ``.conn`` (the store's connection), an ``execute(`` / ``executemany(`` /
``executescript(`` or a ``sqlite3.connect(`` fails this test, naming file and line.
Code elsewhere calls Store methods; a new query is a new Store method."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STORAGE = ROOT / "core" / "storage"
FOLDERS = ("core", "gui", "cli")
FORBIDDEN = re.compile(r"\.conn\b|\bexecute(?:many|script)?\(|\bsqlite3\.connect\(")

# Files outside core/storage/ that may still hold one of the above, each with why.
# Empty: nothing has to.
ALLOWED: dict[str, str] = {}


def sql_outside_storage(root: Path = ROOT) -> list[str]:
    """``path:line: text`` of every forbidden use outside the storage package."""
    found = []
    for folder in FOLDERS:
        for path in sorted((root / folder).rglob("*.py")):
            if path.is_relative_to(root / "core" / "storage"):
                continue
            rel = path.relative_to(root).as_posix()
            if rel in ALLOWED:
                continue
            for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                if FORBIDDEN.search(line):
                    found.append(f"{rel}:{n}: {line.strip()}")
    return found


def test_sql_is_written_only_in_core_storage() -> None:
    found = sql_outside_storage()
    assert not found, ("SQL outside core/storage/ (add a Store method instead):\n"
                       + "\n".join(found))


def test_the_check_finds_what_it_forbids(tmp_path: Path) -> None:
    """The scan itself works: each forbidden form in a module outside storage is found,
    the same lines inside storage are not, and names that merely contain the words
    (``connection``, ``execute_plan(``...) are left alone."""
    for folder in ("core/storage", "gui", "cli"):
        (tmp_path / folder).mkdir(parents=True)
    bad = ["rows = store.conn.execute('SELECT 1')", "c.executemany(sql, rows)",
           "db.executescript(script)", "conn = sqlite3.connect(path)",
           "cur = conn.execute(sql)"]
    fine = ["self.connection = None", "store.execute_plan()", "x.conn_count += 1",
            "runner.failed.connect(self._failed)"]
    (tmp_path / "core" / "logic.py").write_text("\n".join(bad + fine) + "\n")
    (tmp_path / "core" / "storage" / "part.py").write_text("\n".join(bad) + "\n")
    found = sql_outside_storage(tmp_path)
    assert found == [f"core/logic.py:{n}: {line}" for n, line in enumerate(bad, 1)]


def test_every_allowed_file_exists_and_says_why() -> None:
    for rel, why in ALLOWED.items():
        assert (ROOT / rel).exists(), rel
        assert why.strip(), rel


def test_the_old_module_is_gone() -> None:
    """``goldspan.core.store`` and ``goldspan.core.schema`` moved into the package: no
    second path to the same code."""
    assert not (ROOT / "core" / "store.py").exists()
    assert not (ROOT / "core" / "schema.py").exists()
    assert STORAGE.is_dir()
