"""The store: Kafka messages into DuckDB, exactly once, and the dead letters of every stage.

- `consumer` — partitions assigned by hand, offsets kept in DuckDB beside the rows, decoding batches.
- `writer` — the thread that commits decoded batches in order while the consumer polls the next.
- `loader` — announcements into the DuckDB tables through Arrow.
- `deadletters` — one row per failure, whoever reports it.
"""
