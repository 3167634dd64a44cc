"""The layers of ARCHITECTURE.md, checked by import-linter's contracts in
pyproject.toml: cli may import gui and core, gui may import core, core neither and no
Qt, and core's low modules (types, errors, status, paths, textio) nothing else of
goldspan. Every import counts, at module level or inside a function."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def lint_imports(cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    exe = shutil.which("lint-imports", path=str(Path(sys.executable).parent))
    if exe is None:
        pytest.fail("import-linter is not installed: it is in the [test] extra (make install)")
    return subprocess.run([exe, "--no-cache"] if env else [exe], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=300)


def test_the_import_contracts_are_kept() -> None:
    r = lint_imports(ROOT)
    assert r.returncode == 0, r.stdout[-4000:] + r.stderr[-2000:]
    assert "0 broken" in r.stdout


@pytest.mark.parametrize(("module", "line", "contract"), [
    ("core/formats/csv_lines.py", "from ...gui import theme", "core neither"),
    ("core/paths.py", "from .storage import Store", "the low modules"),
    ("core/storage/ids.py", "from ..dataset import select", "core.storage, the one home of SQL"),
    ("core/qt_helper.py", "from PySide6 import QtCore", "core imports no Qt"),
    ("gui/extra.py", "from ..cli import main", "gui may import core"),
    ("core/suggesters/base.py", "from .process import ProcessSuggester",
     "the suggesters are layered"),
    ("core/learning/gate.py", "from ..suggesters.process import ProcessSuggester",
     "never the child process"),
])
def test_a_forbidden_import_inside_a_function_breaks_a_contract(
        tmp_path: Path, module: str, line: str, contract: str) -> None:
    """The contracts are no decoration: the same check on a copy of the code with one
    import added inside a function body fails, naming the contract."""
    tree = tmp_path / "goldspan"
    for part in ("core", "gui", "cli"):
        shutil.copytree(ROOT / part, tree / part,
                        ignore=shutil.ignore_patterns("__pycache__"))
    target = tree / module
    old = target.read_text(encoding="utf-8") if target.exists() else ""
    target.write_text(old + f"\n\ndef _late() -> None:\n    {line}  # noqa\n", encoding="utf-8")
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    # the copy, found before the editable install; wide lines: contract names unwrapped
    env = {**os.environ, "PYTHONPATH": str(tmp_path), "COLUMNS": "300"}
    r = lint_imports(tmp_path, env)
    assert r.returncode != 0, r.stdout[-3000:]
    broken = r.stdout[r.stdout.index("Broken contracts"):]
    assert contract in broken, r.stdout[-3000:]


def test_the_documents_the_code_cites_are_in_the_repository() -> None:
    """docs/DESIGN.md was cited for months and absent: every document named in the
    code, the project file and the Makefile exists."""
    cited: set[str] = set()
    pattern = re.compile(r"\b(?:docs|bench)/[\w-]+\.md\b|\bARCHITECTURE\.md\b|\bREADME\.md\b")
    for path in [*(p for d in ("core", "gui", "cli") for p in (ROOT / d).rglob("*.py")),
                 ROOT / "pyproject.toml", ROOT / "Makefile", ROOT / "README.md"]:
        cited.update(pattern.findall(path.read_text(encoding="utf-8")))
    assert "docs/DESIGN.md" in cited and "ARCHITECTURE.md" in cited
    assert [c for c in sorted(cited) if not (ROOT / c).is_file()] == []


LOW = {"types", "errors", "status", "paths", "textio"}
USED_BY_STORAGE = {"labels", "lock_holder", "outputs"}


def test_every_module_of_core_has_its_place_in_the_storage_contract() -> None:
    """A new module of core must be placed: a low module, a helper storage may use, or
    one of the modules storage may not import (the list in pyproject.toml)."""
    import tomllib

    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    contract = next(c for c in config["tool"]["importlinter"]["contracts"]
                    if c.get("source_modules") == ["goldspan.core.storage"])
    forbidden = {m.removeprefix("goldspan.core.") for m in contract["forbidden_modules"]}
    modules = {p.stem if p.is_file() else p.name for p in (ROOT / "core").iterdir()
               if (p.suffix == ".py" and p.stem != "__init__")
               or (p.is_dir() and (p / "__init__.py").exists())}
    unplaced = modules - LOW - USED_BY_STORAGE - forbidden - {"storage"}
    assert not unplaced, f"place these in pyproject.toml's storage contract: {sorted(unplaced)}"
