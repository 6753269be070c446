"""Several clients querying a database over and over, counting every answer and every failure."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from types import TracebackType

import httpx

from govwatch.config import Settings
from govwatch.query import read_rows

# What a page says when the read path's bound ran out (`open_query`): allowed, unlike any other error.
BOUND_RAN_OUT = "did not become readable within"


@dataclass
class Tally:
    answered: int = 0
    failures: list[str] = field(default_factory=list)
    counts: list[int] = field(default_factory=list)
    busy: list[str] = field(default_factory=list)


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

    def ask(self, client: int, turn: int) -> int | None:
        """One query; returns the count it read."""
        _columns, rows = read_rows(self.settings, self.sql)
        return int(rows[0][0])

    def _client(self) -> None:
        client = int(threading.current_thread().name.rsplit("-", 1)[1])
        for turn in range(self.max_queries):
            if self._stop.is_set():
                return
            try:
                count = self.ask(client, turn)
            except Busy as exc:
                with self._lock:
                    self.tally.busy.append(str(exc))
            except Exception as exc:  # every failure is what the test counts
                with self._lock:
                    self.tally.failures.append(f"{type(exc).__name__}: {exc}")
            else:
                with self._lock:
                    self.tally.answered += 1
                    if count is not None:
                        self.tally.counts.append(count)
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


class Busy(Exception):
    """A page said the read path's bound ran out (the one non-answer a page may give)."""


class PageFailure(Exception):
    """A page answered with anything but the page."""


class PageHammer(Hammer):
    """`clients` threads each load the web page at `base_url` in turn: the list, the Sources page and the
    count of announcements through the SQL box's JSON, which is what `counts` collects."""

    PAGES = (
        ("/", 'class="title"'),
        ("/sources", 'id="sources"'),
        ("/sql.json?sql=select+count(*)+as+n+from+announcements", '"n"'),
    )

    def __init__(
        self, settings: Settings, base_url: str, *, clients: int = 3, max_queries: int = 1500
    ) -> None:
        super().__init__(settings, clients=clients, max_queries=max_queries)
        self.base_url = base_url

    def ask(self, client: int, turn: int) -> int | None:
        path, marker = self.PAGES[(client + turn) % len(self.PAGES)]
        response = httpx.get(self.base_url + path, timeout=60.0)
        if response.status_code == 503 and BOUND_RAN_OUT in response.text:
            raise Busy(f"{path}: {response.text[-300:]}")
        if response.status_code != 200 or marker not in response.text:
            raise PageFailure(f"{path}: HTTP {response.status_code}: {response.text[-300:]}")
        return int(response.json()[0]["n"]) if path.startswith("/sql.json") else None
