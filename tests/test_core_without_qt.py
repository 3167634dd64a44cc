"""goldspan.core works on a headless server without Qt: in a fresh interpreter where
importing PySide6 or shiboken6 fails, every module of goldspan.core and goldspan.cli
imports and the whole command line registers and answers --help (the cli imports the
GUI only inside the commands that open a window)."""

from __future__ import annotations

import subprocess
import sys
import textwrap

SCRIPT = textwrap.dedent("""
    import importlib, importlib.abc, pkgutil, sys

    class NoQt(importlib.abc.MetaPathFinder):
        def find_spec(self, name, path=None, target=None):
            if name.split(".")[0] in ("PySide6", "shiboken6"):
                raise ImportError(f"{name} is not installed (test)")
            return None

    sys.meta_path.insert(0, NoQt())
    try:
        import PySide6  # noqa: F401
    except ImportError:
        pass
    else:
        raise SystemExit("the blocker did not block PySide6")

    import goldspan.core
    names = [m.name for m in pkgutil.walk_packages(goldspan.core.__path__, "goldspan.core.")]
    for name in names:
        importlib.import_module(name)
    assert "goldspan.core.storage" in names, names
    import goldspan.cli
    cli_names = [m.name for m in pkgutil.walk_packages(goldspan.cli.__path__, "goldspan.cli.")]
    for name in cli_names:
        importlib.import_module(name)
    assert "goldspan.cli.main" in cli_names, cli_names

    from typer.testing import CliRunner
    from goldspan.cli import main
    main._register()
    result = CliRunner().invoke(main.app, ["--help"])
    assert result.exit_code == 0, result.output
    for cmd in ("import", "suggest", "export", "stats", "check", "backup"):
        assert cmd in result.output, (cmd, result.output)
    for cmd in ("stats", "check", "backup", "import", "export"):
        r = CliRunner().invoke(main.app, [cmd, "--help"])
        assert r.exit_code == 0, (cmd, r.output)
    leaked = sorted(m for m in sys.modules if m.split(".")[0] in ("PySide6", "shiboken6")
                    or m.startswith("goldspan.gui"))
    assert not leaked, leaked
    print("imported", len(names))
""")


def test_core_imports_without_qt() -> None:
    p = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, timeout=120)
    assert p.returncode == 0, p.stdout + p.stderr
    assert p.stdout.startswith("imported ")
    assert int(p.stdout.split()[1]) >= 20


def test_blocker_really_blocks() -> None:
    """The same finder makes a GUI import fail, so the test above can fail."""
    script = SCRIPT.split("import goldspan.core\n")[0] + "import goldspan.gui.main_window\n"
    p = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert p.returncode != 0
    assert "PySide6 is not installed (test)" in p.stderr
