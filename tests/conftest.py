"""Shared fixtures. Qt renders offscreen; user data (settings, default db, backups)
goes to a temporary folder so tests never touch the real one. A randomised test takes
its seed from :func:`soak_seed`, which says it in the report of a failure."""

from __future__ import annotations

import os
import time

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


@pytest.fixture(autouse=True)
def goldspan_home(tmp_path_factory, monkeypatch):  # type: ignore[no-untyped-def]
    home = tmp_path_factory.mktemp("goldspan-home")
    monkeypatch.setenv("GOLDSPAN_HOME", str(home))
    return home


@pytest.fixture
def soak_seed(request: pytest.FixtureRequest) -> int:
    """The seed of a randomised test: ``GOLDSPAN_SOAK_SEED`` when set (to replay a
    failure), else taken from the clock. A failure's report ends with the line that
    replays it (``GOLDSPAN_SOAK_SEED=N``)."""
    raw = os.environ.get("GOLDSPAN_SOAK_SEED", "").strip()
    seed = int(raw) if raw else time.time_ns() % 10**9
    request.node.stash[SEED_KEY] = seed
    return seed


SEED_KEY = pytest.StashKey[int]()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]):  # type: ignore[no-untyped-def]
    outcome = yield
    report = outcome.get_result()
    seed = item.stash.get(SEED_KEY, None)
    if seed is not None and report.failed:
        report.sections.append(("soak seed", f"replay with GOLDSPAN_SOAK_SEED={seed}"))
