"""Fixtures for connector tests: a running loopback server and its `Reply` class.

`tests/support/http_server.py` is loaded by file path so that it stays one plain module (there are no
package `__init__` files under `tests/`) and type checkers see it under a single name.
"""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

SUPPORT_PATH = Path(__file__).parents[1] / "support" / "http_server.py"
FIXTURES = Path(__file__).parents[1] / "fixtures" / "connectors"


def _load_support() -> Any:
    name = "govwatch_tests_http_server"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, SUPPORT_PATH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


http_support = _load_support()


@pytest.fixture
def server() -> Iterator[Any]:
    """A `LoopbackServer` on 127.0.0.1, stopped after the test."""
    with http_support.LoopbackServer() as running:
        yield running


@pytest.fixture
def reply() -> Any:
    """The `Reply` class, to script responses: `server.route("/a", reply(status=500), reply(body=b"ok"))`."""
    return http_support.Reply


@pytest.fixture
def fixtures_dir() -> Path:
    return FIXTURES
