"""The store: Kafka messages into DuckDB, exactly once, and the dead letters of every stage.

- `records` — a message as consumed, and the handler a consumer hands its batches to.
- `consumer` — the Kafka client: partitions assigned by hand, positioned where `offsets` says.
- `offsets` — offsets kept in DuckDB beside the rows, and where each partition resumes.
- `batches` — a polled batch decoded and validated, then stored with its offsets in one transaction.
- `writer` — the thread that commits decoded batches in order while the consumer polls the next.
- `loader` — announcements into the DuckDB tables through Arrow; which published versions are done.
- `deadletters` — one row per failure, whoever reports it, and the keeper of the dead-letter topic.
"""
