"""The one exception hierarchy of govwatch; every message says what to do next."""


class GovwatchError(Exception):
    """Root of every error govwatch raises on purpose."""


class ConfigError(GovwatchError):
    """The configuration file or a GOVWATCH_* variable is wrong."""


class SourceError(GovwatchError):
    """A source (feed, API, page) could not be fetched or parsed."""


class SchemaError(GovwatchError):
    """A message does not match its JSON Schema."""


class SinkError(GovwatchError):
    """Kafka, DuckDB or an alert channel refused or failed a write."""


class QueryError(GovwatchError):
    """A `govwatch query` statement was refused or failed."""
