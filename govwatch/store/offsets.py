"""Consumer offsets kept in DuckDB: where each partition resumes, and what a stored batch moves them to.

Offsets are rows of `consumer_offsets`, written in the same transaction as the batch they follow, so a
batch's effects and its offsets commit together or not at all. Each row carries the topic id it was read
from: a memory-only broker starts every run with new topics, and its messages must never be skipped for
offsets an earlier incarnation left.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import duckdb

from govwatch.store.records import ConsumedMessage


@dataclass(frozen=True, slots=True, kw_only=True)
class StartPosition:
    partition: int
    offset: int
    reason: str


def choose_start_offset(
    *,
    partition: int,
    stored_offset: int | None,
    stored_topic_id: str | None,
    topic_id: str | None,
    beginning: int,
    end: int,
) -> StartPosition:
    """Decide where to resume one partition, never skipping a new incarnation's messages.

    >>> choose_start_offset(partition=0, stored_offset=40, stored_topic_id="a", topic_id="b",
    ...                     beginning=0, end=12).reason
    'new topic incarnation (topic id changed)'
    >>> choose_start_offset(partition=0, stored_offset=7, stored_topic_id="a", topic_id="a",
    ...                     beginning=0, end=12).offset
    7
    >>> choose_start_offset(partition=0, stored_offset=40, stored_topic_id="a", topic_id="a",
    ...                     beginning=0, end=12).reason
    'resume'
    """
    if stored_offset is None:
        return StartPosition(partition=partition, offset=beginning, reason="no stored offset")
    if topic_id and stored_topic_id and topic_id != stored_topic_id:
        return StartPosition(
            partition=partition, offset=beginning, reason="new topic incarnation (topic id changed)"
        )
    # With both topic ids known and equal, this is the same log whatever end the broker reports: the
    # bundled broker reports the last batch's base offset + 1, short of the real end after a batch of
    # several messages. (Were the log truly shorter, the client would reset to the earliest offset.)
    if stored_offset > end and not (topic_id and stored_topic_id):
        return StartPosition(
            partition=partition, offset=beginning, reason="stored offset beyond the end: new incarnation"
        )
    if stored_offset < beginning:
        return StartPosition(
            partition=partition, offset=beginning, reason="stored offset before the log start (retention)"
        )
    return StartPosition(partition=partition, offset=stored_offset, reason="resume")


def stored_offsets(
    conn: duckdb.DuckDBPyConnection, consumer: str, topic: str
) -> dict[int, tuple[int, str | None]]:
    """Each partition's stored next offset, and the topic id it was read from."""
    rows = conn.execute(
        'SELECT "partition", next_offset, topic_id FROM consumer_offsets WHERE consumer = ? AND topic = ?',
        [consumer, topic],
    ).fetchall()
    return {int(row[0]): (int(row[1]), row[2]) for row in rows}


def next_offsets(batch: Sequence[ConsumedMessage]) -> dict[int, int]:
    """The offset after the last message of each partition in `batch` (an undecodable range counts whole).

    >>> m = lambda p, o, last=None: ConsumedMessage(topic="t", partition=p, offset=o, key=None, value=None,
    ...                                             last_offset=last)
    >>> next_offsets([m(0, 4), m(1, 9), m(0, 5, last=7)])
    {0: 8, 1: 10}
    """
    last: dict[int, int] = {}
    for message in batch:
        end = message.offset if message.last_offset is None else message.last_offset
        last[message.partition] = max(last.get(message.partition, -1), end)
    return {partition: offset + 1 for partition, offset in last.items()}


def save_offsets(
    conn: duckdb.DuckDBPyConnection,
    consumer: str,
    topic: str,
    topic_id: str | None,
    offsets: Mapping[int, int],
) -> None:
    """Store each partition's next offset (inside the caller's transaction)."""
    for partition, offset in offsets.items():
        conn.execute(
            "INSERT INTO consumer_offsets VALUES (?, ?, ?, ?, ?, now()) "
            'ON CONFLICT (consumer, topic, "partition") DO UPDATE SET next_offset = excluded.next_offset, '
            "topic_id = excluded.topic_id, updated_at = excluded.updated_at",
            [consumer, topic, partition, offset, topic_id],
        )
