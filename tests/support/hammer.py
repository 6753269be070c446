"""Several clients querying a database over and over, counting every answer and every failure."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from types import TracebackType

from govwatch.config import Settings
from govwatch.query import read_rows


@dataclass
class Tally:
    answered: int = 0
    failures: list[str] = field(default_factory=list)
    counts: list[int] = field(default_factory=list)


class Hammer:
    """`clients` threads each run `sql` through the one read path until stopped or `max_queries` each."""

    def __init__(
        self,
        settings: Settings,
        *,
        clients: int = 3,
        max_queries: int = 1500,
        pause_s: float = 0.1,
        sql: str = "select count(*) from announcements",
    ) -> None:
        self.settings = settings
        self.pause_s = pause_s
        self.sql = sql
        self.max_queries = max_queries
        self.tally = Tally()
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._threads = [
            threading.Thread(target=self._client, name=f"hammer-{i}", daemon=True) for i in range(clients)
        ]

    def _client(self) -> None:
        for _ in range(self.max_queries):
            if self._stop.is_set():
                return
            try:
                _columns, rows = read_rows(self.settings, self.sql)
            except Exception as exc:  # every failure is what the test counts
                with self._lock:
                    self.tally.failures.append(f"{type(exc).__name__}: {exc}")
            else:
                with self._lock:
                    self.tally.answered += 1
                    self.tally.counts.append(int(rows[0][0]))
            self._stop.wait(self.pause_s)

    def __enter__(self) -> Hammer:
        for thread in self._threads:
            thread.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=60)
