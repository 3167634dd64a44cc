"""A randomised test (SIGKILLs at random moments, a disk filled at random points, an
export killed at random) names its seed when it fails, and GOLDSPAN_SOAK_SEED replays
exactly that run: a failure seen once can be debugged."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

pytest_plugins = ["pytester"]

INNER = """
import random

def test_draw(soak_seed):
    print("draw", random.Random(soak_seed).random())
    assert False
"""


def run_inner(pytester: pytest.Pytester) -> tuple[str, str]:
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(failed=1)
    out = result.stdout.str()
    seed = re.search(r"replay with GOLDSPAN_SOAK_SEED=(\d+)", out)
    draw = re.search(r"^draw (\S+)$", out, flags=re.MULTILINE)
    assert seed and draw, out
    return seed.group(1), draw.group(1)


def test_a_failure_names_its_seed_and_the_seed_replays_it(
        pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    pytester.makeconftest((Path(__file__).parent / "conftest.py").read_text())
    pytester.makepyfile(INNER)
    monkeypatch.delenv("GOLDSPAN_SOAK_SEED", raising=False)
    seed, draw = run_inner(pytester)
    monkeypatch.setenv("GOLDSPAN_SOAK_SEED", seed)
    assert run_inner(pytester) == (seed, draw)


def test_the_randomised_tests_take_the_seed_from_the_fixture() -> None:
    """No test seeds itself from the clock where the report cannot show it."""
    here = Path(__file__).parent
    for path in sorted(here.glob("test_*.py")):
        text = path.read_text(encoding="utf-8")
        assert "GOLDSPAN_SOAK_SEED\", time" not in text, path.name
        assert not re.search(r"random\.Random\(\s*time\.", text), path.name
