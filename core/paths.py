"""Where goldspan keeps things on this machine (platformdirs)."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP = "goldspan"


def data_dir() -> Path:
    """The user data folder; ``GOLDSPAN_HOME`` overrides it (tests, portable installs)."""
    env = os.environ.get("GOLDSPAN_HOME")
    if env:
        return Path(env)
    return Path(platformdirs.user_data_dir(APP, appauthor=False))


def default_db() -> Path:
    return data_dir() / "goldspan.db"


def backups_dir() -> Path:
    return data_dir() / "backups"


_SQLITE_COMPANIONS = {"-wal": "SQLite's write-ahead log", "-shm": "SQLite's shared-memory index",
                      "-journal": "SQLite's rollback journal"}


def _companion_too_long(real: Path) -> str | None:
    """SQLite keeps ``X-journal``, ``X-wal`` and ``X-shm`` beside a database ``X``: a
    name within the file system's limit whose companions are not could be created, as
    an empty file, and then not opened ("unable to open database file", 254 bytes on
    ext4, a 0-byte file left behind)."""
    try:
        limit = os.pathconf(real.parent, "PC_NAME_MAX")
    except (OSError, ValueError):
        limit = 255
    longest = max(_SQLITE_COMPANIONS, key=len)
    size = len(os.fsencode(real.name + longest))
    if size <= limit:
        return None
    return (f"the file name is too long: SQLite keeps {real.name[:20]}…{longest} beside it, "
            f"{size} bytes where this file system allows {limit}; use a name of at most "
            f"{limit - len(longest)} bytes")


def database_path_problem(path: Path) -> str | None:
    """Why ``path`` cannot be a goldspan database file, or None. Checked before SQLite
    sees it, because SQLite would take it: a device (``/dev/null`` gave "an I/O error
    ... the database is intact"), a pipe, or the ``-wal``/``-shm``/``-journal`` of
    another database (``--db team.db-wal`` while a window had team.db open created a
    new database inside the live log, lost when the window closed)."""
    import stat

    for p in dict.fromkeys((path, Path(os.path.realpath(path)))):
        for suffix, what in _SQLITE_COMPANIONS.items():
            base = p.name[:-len(suffix)]
            if p.name.endswith(suffix) and base and p.with_name(base).is_file():
                return (f"is {what} of the database {p.with_name(base)}, not a database; "
                        f"pass {p.with_name(base)}")
    too_long = _companion_too_long(Path(os.path.realpath(path)))
    if too_long is not None:
        return too_long
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return None
    if stat.S_ISDIR(mode) or stat.S_ISREG(mode):
        return None
    kind = ("a device" if stat.S_ISCHR(mode) or stat.S_ISBLK(mode) else
            "a pipe" if stat.S_ISFIFO(mode) else "a socket" if stat.S_ISSOCK(mode)
            else "a special file")
    return f"is {kind}, not a database file; pass the path of a goldspan .db file"
