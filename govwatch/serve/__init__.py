"""`govwatch serve`: a read-only web page on the DuckDB store.

Every page reads through `govwatch.query` (the same read path as `govwatch query`, so it works beside a
running writer); nothing here writes. The pure parts — filters and keyset cursors (`filters`), evidence
mark-up (`highlight`), the money chart (`chart`), version changes (`changes`) and Atom feeds (`feeds`) —
are plain functions; `pages` reads the rows and `app` renders them.
"""
