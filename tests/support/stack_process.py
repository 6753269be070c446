"""The store side of `govwatch run` (loader, dead letters, alert matching and delivery) as a process of its
own, on an external broker, so a test can kill -9 it at seeded points without paying for a pipeline.

Usage: python -m tests.support.stack_process CONFIG
Prints "ready" once its consumers are assigned, then "stored N delivered M" whenever either grows.
"""

from __future__ import annotations

import sys
from pathlib import Path

from govwatch.config import load_settings
from govwatch.runner import Stack


def main() -> None:
    settings = load_settings(Path(sys.argv[1]), env={})
    stack = Stack.open(settings)
    print("ready", flush=True)
    shown = (0, 0)
    while True:
        stack.poll_once(timeout_ms=50)
        stack.deliver()
        now = (stack.loader.stored, stack.summary.delivered)
        if now != shown:
            shown = now
            print(f"stored {now[0]} delivered {now[1]}", flush=True)


if __name__ == "__main__":
    main()
