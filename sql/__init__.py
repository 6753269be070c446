"""DuckDB DDL (numbered migrations), views and example queries."""
