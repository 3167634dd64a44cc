"""Pieces every sub-command shares: the ``--db`` option, opening the store, and turning
a :class:`GoldspanError` into one line on stderr and a non-zero exit."""

from __future__ import annotations

import functools
import sqlite3
import sys
from pathlib import Path
from typing import Any, Callable, Optional, TypeVar, cast

import click
import typer
from typer.core import TyperCommand

from ..core.errors import GoldspanError, InputError
from ..core.paths import default_db
from ..core.storage import Store, explain

F = TypeVar("F", bound=Callable[..., Any])

DbOption = typer.Option(
    None, "--db", help="Database file (default: goldspan.db in the user data folder).",
    dir_okay=False,
)

# Every document id the command line reads runs from 1 to SQLite's largest integer,
# core.storage.MAX_ID (a larger one raised OverflowError with a traceback in delete, screenshot and
# gui): ``typer.Option(..., min=1, max=MAX_ID)``.
# A split's seed, the same range for export and train (the same seed holds out the same
# documents in both): numpy's seeds, which spaCy's training takes (from 2**64 on it
# failed after loading, "<method '__getitem__' of 'dict' objects> returned a result
# with an exception set"): ``min=0, max=MAX_SEED``.
MAX_SEED = 2**32 - 1


def db_path(db: Optional[Path]) -> Path:
    """The database's path; ``-`` is refused: it means standard input or output
    everywhere else on the command line, and ``import --db -`` created a database
    file named ``-`` in the current folder."""
    if db is not None and str(db) == "-":
        raise InputError("--db -: a database is a file, not standard input or output; give "
                         "the path of a .db file")
    return Path(db) if db is not None else default_db()


def open_store(db: Optional[Path], *, create: bool = True, readonly: bool = False) -> Store:
    """Open the command's database; a wait for another writer is said on stderr.

    ``readonly=True`` for commands that only read: they work on a read-only file or
    folder and can never write (see :meth:`Store.open`)."""
    store = Store.open(db_path(db), create=create, readonly=readonly)
    store.on_wait = say_waiting
    return store


def say_waiting(message: str) -> None:
    typer.echo(f"goldspan: {message}", err=True)


def fail(message: str, code: int = 2) -> None:
    typer.echo(f"goldspan: {message}", err=True)
    raise typer.Exit(code)


def clean_errors(fn: F) -> F:
    """Run a command so that the user sees one clear line, never a traceback."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except GoldspanError as err:
            fail(str(err))
        except KeyboardInterrupt:
            typer.echo("goldspan: interrupted; nothing half-written was kept", err=True)
            raise typer.Exit(130) from None
        except OSError as err:
            where = f"{err.filename}: " if getattr(err, "filename", None) else ""
            fail(f"{where}{err.strerror or err}")
        except sqlite3.Error as err:  # found half-way: one line, no traceback
            path = db_path(kwargs.get("db"))
            explained = explain(err, path)
            fail(str(explained) if explained is not None
                 else f"{path}: database error: {err}; run 'goldspan check'")

    return cast(F, wrapper)


def model_notice(model: Optional[str]) -> None:
    """Say on stderr, before it loads, that a model named as a folder runs code from it."""
    from ..core.spacy_models import folder_notice

    notice = folder_notice(model)
    if notice is not None:
        typer.echo(f"goldspan: note: {notice}", err=True)


def progress_enabled() -> bool:
    return sys.stderr.isatty()


def import_formats() -> str:
    """``--format`` of ``import``: what the format registry reads."""
    from ..core.formats import registry

    return f"auto (by extension and content), {registry.names(registry.readable())}."


def export_formats() -> str:
    """``--format`` of ``export``: what the format registry writes."""
    from ..core.formats import registry

    return f"{registry.names(registry.writable())}."


def export_out() -> str:
    """``--out`` of ``export``: which formats write a folder, which standard output."""
    from ..core.formats import registry

    folders = [f.name for f in registry.writable() if f.output is registry.Output.FOLDER]
    streams = [f.name for f in registry.writable() if f.stdout]
    return (f"Output file (a folder for {', '.join(folders)}, or with --split); '-' for "
            f"standard output ({', '.join(streams)}).")


def registry_help(**helps: Callable[[], str]) -> type[TyperCommand]:
    """A command class whose options' help (``format=import_formats``...) is read from
    the format registry when the help is shown, not when the module is imported: a
    format registered later is listed too, and a command that is run, not asked for
    help, does not load the registry for it."""

    class Command(TyperCommand):
        def format_help(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
            for param in self.params:
                if param.name in helps and isinstance(param, click.Option):
                    param.help = helps[param.name]()
            super().format_help(ctx, formatter)

    return Command
