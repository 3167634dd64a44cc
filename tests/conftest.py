"""Shared fixtures. Qt renders offscreen; user data (settings, default db, backups)
goes to a temporary folder so tests never touch the real one."""

from __future__ import annotations

import os

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


@pytest.fixture(autouse=True)
def goldspan_home(tmp_path_factory, monkeypatch):  # type: ignore[no-untyped-def]
    home = tmp_path_factory.mktemp("goldspan-home")
    monkeypatch.setenv("GOLDSPAN_HOME", str(home))
    return home
