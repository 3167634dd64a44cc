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
