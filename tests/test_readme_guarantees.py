"""The README's Guarantees name the tests that prove them: those tests must exist."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_every_test_the_guarantees_name_exists() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Guarantees", 1)[1].split("\n## ", 1)[0]
    named = 0
    current_file = None
    for ref in re.findall(r"`(tests/[\w/]+\.py(?:::\w+)?|::\w+)`", section):
        if ref.startswith("::"):
            assert current_file is not None, ref
            path, name = current_file, ref[2:]
        else:
            path, _, name = ref.partition("::")
            current_file = path
        source = (ROOT / path).read_text(encoding="utf-8")
        if name:
            assert re.search(rf"^def {name}\(", source, re.M), f"{path}::{name} is not a test"
        named += 1
    assert named >= 20
