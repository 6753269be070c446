"""Shared helpers for the tagging tests: where the fixtures are and how to read JSON case tables."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

FIXTURES = Path(__file__).parents[2] / "fixtures" / "tag"


def load_cases(name: str) -> list[Any]:
    """Read a JSON case table and turn each case into a pytest param; `expect: fail` cases xfail strictly."""
    cases = json.loads((FIXTURES / name).read_text(encoding="utf-8"))
    params = []
    for case in cases:
        marks = [pytest.mark.xfail(strict=True, reason=case["comment"])] if case["expect"] == "fail" else []
        params.append(pytest.param(case, id=case["comment"][:60], marks=marks))
    return params
