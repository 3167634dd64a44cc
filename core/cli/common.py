"""Pieces every sub-command shares: the ``--db`` option, opening the store, and turning
a :class:`GoldspanError` into one line on stderr and a non-zero exit."""

from __future__ import annotations

import functools
import sqlite3
import sys
from pathlib import Path
from typing import Any, Callable, Optional, TypeVar

import typer

from ..errors import GoldspanError
from ..paths import default_db
from ..store import Store

F = TypeVar("F", bound=Callable[..., Any])

DbOption = typer.Option(
    None, "--db", help="Database file (default: goldspan.db in the user data folder).",
    dir_okay=False,
)


def db_path(db: Optional[Path]) -> Path:
    return Path(db) if db is not None else default_db()


def open_store(db: Optional[Path], *, create: bool = True) -> Store:
    return Store.open(db_path(db), create=create)


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
        except sqlite3.Error as err:  # a damaged file found half-way: one line, no traceback
            fail(f"{db_path(kwargs.get('db'))}: database error: {err}; "
                 "run 'goldspan check' and restore a backup if it is damaged")

    return wrapper  # type: ignore[return-value]


def progress_enabled() -> bool:
    return sys.stderr.isatty()
