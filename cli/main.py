"""The ``goldspan`` command (typer). Each sub-command lives in its own module with a
``register(app)`` function; the commands are thin wrappers over core functions."""

from __future__ import annotations

import gc
import importlib
import sys

import typer

app = typer.Typer(
    name="goldspan",
    help="Named-entity annotation of news articles: spaCy suggests, you correct, SQLite keeps the gold.",
    no_args_is_help=False,
    add_completion=False,
    pretty_exceptions_enable=False,
)

# Sub-command modules, in the order `goldspan --help` lists them.
COMMAND_MODULES = [
    "gui",
    "import_cmd",
    "suggest",
    "export_cmd",
    "agreement",
    "review",
    "merge",
    "assign",
    "delete",
    "labels",
    "train",
    "replay",
    "stats",
    "search",
    "check",
    "backup",
    "restore",
    "screenshot",
]


@app.callback(invoke_without_command=True)
def _root(ctx: typer.Context) -> None:
    """With no sub-command, open the annotation window on the default database."""
    if ctx.invoked_subcommand is None:
        from .gui import gui

        gui(db=None, annotator=None, doc=None, model=None)


_registered: set[str] = set()


def _register(only: str | None = None) -> None:
    """Register the sub-commands (all of them, or just ``only``: a command run by
    name does not pay for importing the other modules, about 0.1 s)."""
    for name in COMMAND_MODULES:
        if name in _registered or (only is not None and _command_name(name) != only):
            continue
        module = importlib.import_module(f"{__package__}.{name}")
        module.register(app)
        _registered.add(name)


def _command_name(module: str) -> str:
    return module.removesuffix("_cmd")


def main() -> None:
    argv = sys.argv[1:]
    wanted = argv[0] if argv and not argv[0].startswith("-") else None
    names = {_command_name(m) for m in COMMAND_MODULES}
    _register(wanted if wanted in names else None)
    try:
        app(prog_name="goldspan")
    finally:
        # The command is over and closed what it opened (every store and output is a
        # context manager; nothing in goldspan waits for a finaliser). The interpreter's
        # teardown would still walk every object the cyclic collector tracks, several
        # times: with a 1 MB article open that was 40-50 ms of the process (bench
        # article_open, bench/MISSES.md). Frozen objects are not walked again.
        gc.freeze()


if __name__ == "__main__":  # pragma: no cover
    main()
