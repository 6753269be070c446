"""The one configuration loader: `govwatch.toml`, then `GOVWATCH_*` environment overrides, into `Settings`.

Every scalar key of the sections below can be overridden by `GOVWATCH_<SECTION>_<KEY>`
(`GOVWATCH_KAFKA_BOOTSTRAP_SERVERS`, `GOVWATCH_GOVUK_BASE_URL`, ...); `GOVWATCH_DB` is a short alias of
`GOVWATCH_DUCKDB_PATH`. Settings are built once at the entry point and passed down.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from govwatch.errors import ConfigError

DEFAULT_CONFIG_NAME = "govwatch.toml"
MAX_ARTICLES_PER_POLL = 100
SOURCE_KINDS = ("govuk_atom", "govuk_search", "rss")


@dataclass(frozen=True, slots=True, kw_only=True)
class GovukSettings:
    base_url: str = "https://www.gov.uk"


@dataclass(frozen=True, slots=True, kw_only=True)
class KafkaSettings:
    """Empty `bootstrap_servers` means: start the embedded broker."""

    bootstrap_servers: str = ""
    security_protocol: str = "PLAINTEXT"
    sasl_mechanism: str = ""
    sasl_username: str = ""
    sasl_password: str = ""
    ssl_cafile: str = ""
    ssl_certfile: str = ""
    ssl_keyfile: str = ""
    partitions: int = 3
    topic_prefix: str = "govwatch"


@dataclass(frozen=True, slots=True, kw_only=True)
class DuckdbSettings:
    path: str = "govwatch.duckdb"


@dataclass(frozen=True, slots=True, kw_only=True)
class QuerySettings:
    """Bounds of every read-only query (`govwatch query`, the query endpoint, the web page).

    `wait_s`: how long a query waits for a writer that is starting, handing over or stopping.
    `time_limit_s`: a query still running after this is interrupted. `memory_limit`: DuckDB's memory for
    one query (a DuckDB size, e.g. '2GB').
    """

    wait_s: float = 10.0
    time_limit_s: float = 300.0
    memory_limit: str = "2GB"


@dataclass(frozen=True, slots=True, kw_only=True)
class StateSettings:
    """Where connector checkpoints live; empty means `<duckdb path>.state.sqlite` beside the database."""

    checkpoint_path: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class HttpSettings:
    user_agent: str = "govwatch (+https://github.com/govwatch/govwatch)"
    contact: str = ""
    connect_timeout_s: float = 10.0
    read_timeout_s: float = 30.0
    total_timeout_s: float = 60.0
    max_bytes: int = 10 * 1024 * 1024
    max_redirects: int = 5
    max_retries: int = 4
    poll_retry_budget_s: float = 120.0
    backoff_base_s: float = 0.5
    backoff_max_s: float = 30.0
    requests_per_second_per_host: float = 5.0
    max_concurrency: int = 4
    allow_private_hosts: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class SmtpSettings:
    host: str = ""
    port: int = 25
    security: str = "starttls"
    username: str = ""
    password: str = ""
    sender: str = "govwatch@localhost"
    timeout_s: float = 15.0


@dataclass(frozen=True, slots=True, kw_only=True)
class AlertSettings:
    webhook_timeout_s: float = 10.0
    retry_for_s: float = 300.0
    backoff_base_s: float = 1.0
    backoff_max_s: float = 60.0
    subscriptions_path: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class SourceConfig:
    """One `[[sources]]` table: a feed or search to poll.

    `max_articles_per_poll` caps the articles one poll fetches; a longer backlog is taken in feed order
    over the following polls.
    """

    name: str
    kind: str
    url: str = ""
    interval_s: float = 60.0
    max_articles_per_poll: int = MAX_ARTICLES_PER_POLL
    organisations: tuple[str, ...] = ()
    document_types: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class SubscriptionConfig:
    """One `[[subscriptions]]` table: what a user wants to hear about, and where."""

    name: str
    channel: str
    kinds: tuple[str, ...] = ()
    organisations: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    min_amount: str = ""
    where: str = ""
    frequency: str = "immediate"
    on_change: bool = False
    secret: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class Settings:
    govuk: GovukSettings = field(default_factory=GovukSettings)
    kafka: KafkaSettings = field(default_factory=KafkaSettings)
    duckdb: DuckdbSettings = field(default_factory=DuckdbSettings)
    query: QuerySettings = field(default_factory=QuerySettings)
    state: StateSettings = field(default_factory=StateSettings)
    http: HttpSettings = field(default_factory=HttpSettings)
    smtp: SmtpSettings = field(default_factory=SmtpSettings)
    alerts: AlertSettings = field(default_factory=AlertSettings)
    sources: tuple[SourceConfig, ...] = ()
    subscriptions: tuple[SubscriptionConfig, ...] = ()
    config_path: str | None = None

    @property
    def db_path(self) -> Path:
        return Path(self.duckdb.path)

    @property
    def checkpoint_path(self) -> Path:
        if self.state.checkpoint_path:
            return Path(self.state.checkpoint_path)
        return Path(str(self.db_path) + ".state.sqlite")

    @property
    def subscriptions_path(self) -> Path:
        """The file where `govwatch subscribe` keeps subscriptions made from the command line."""
        if self.alerts.subscriptions_path:
            return Path(self.alerts.subscriptions_path)
        return Path(str(self.db_path) + ".subscriptions.json")

    @property
    def embedded_broker(self) -> bool:
        return not self.kafka.bootstrap_servers.strip()


_SECTIONS: dict[str, type] = {
    "govuk": GovukSettings,
    "kafka": KafkaSettings,
    "duckdb": DuckdbSettings,
    "query": QuerySettings,
    "state": StateSettings,
    "http": HttpSettings,
    "smtp": SmtpSettings,
    "alerts": AlertSettings,
}
_ENV_ALIASES = {"GOVWATCH_DB": ("duckdb", "path")}
_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?\s*$")
_DURATION_UNITS_S = {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0, "d": 86400.0, None: 1.0}


def parse_duration_s(value: object) -> float:
    """Parse "60s", "5m", "1.5h" or a bare number of seconds.

    >>> parse_duration_s("5m")
    300.0
    >>> parse_duration_s(30)
    30.0
    """
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    match = _DURATION.match(str(value))
    if not match:
        raise ConfigError(f"cannot read duration {value!r}: write it like '60s', '5m' or '1h'")
    return float(match.group(1)) * _DURATION_UNITS_S[match.group(2)]


def _coerce(value: object, default: object, where: str) -> object:
    try:
        if isinstance(default, bool):
            if isinstance(value, str):
                return value.strip().lower() in {"1", "true", "yes", "on"}
            return bool(value)
        if isinstance(default, int):
            return int(value)  # type: ignore[call-overload]
        if isinstance(default, float):
            return parse_duration_s(value) if where.endswith("_s") else float(value)  # type: ignore[arg-type]
        if isinstance(default, tuple):
            if isinstance(value, str):
                return tuple(part.strip() for part in value.split(",") if part.strip())
            return tuple(str(v) for v in value)  # type: ignore[attr-defined]
        return str(value)
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"{where}: cannot use {value!r} ({exc}); fix the config file or variable") from exc


def _build_section(cls: type, raw: Mapping[str, Any], section: str, env: Mapping[str, str]) -> Any:
    values: dict[str, Any] = {}
    known = {f.name: f for f in fields(cls)}
    for key in raw:
        if key not in known:
            raise ConfigError(f"unknown key [{section}] {key}; known keys: {', '.join(sorted(known))}")
    default_obj = cls()
    for name in known:
        default = getattr(default_obj, name)
        if name in raw:
            values[name] = _coerce(raw[name], default, f"[{section}] {name}")
        env_name = f"GOVWATCH_{section}_{name}".upper()
        if env_name in env:
            values[name] = _coerce(env[env_name], default, env_name)
    for alias, (alias_section, alias_key) in _ENV_ALIASES.items():
        if alias_section == section and alias in env and f"GOVWATCH_{section}_{alias_key}".upper() not in env:
            values[alias_key] = env[alias]
    return cls(**values)


def _build_source(raw: Mapping[str, Any], index: int) -> SourceConfig:
    where = f"[[sources]] #{index + 1}"
    if not isinstance(raw.get("name"), str) or not raw["name"]:
        raise ConfigError(f"{where}: every source needs a name")
    kind = raw.get("kind", "")
    if kind not in SOURCE_KINDS:
        raise ConfigError(
            f"{where} ({raw['name']}): kind must be one of {', '.join(SOURCE_KINDS)}, not {kind!r}"
        )
    if kind != "govuk_search" and not raw.get("url"):
        raise ConfigError(f"{where} ({raw['name']}): a {kind} source needs a url")
    unknown = set(raw) - {f.name for f in fields(SourceConfig)} - {"interval"}
    if unknown:
        raise ConfigError(f"{where} ({raw['name']}): unknown keys {', '.join(sorted(unknown))}")
    cap = _coerce(
        raw.get("max_articles_per_poll", MAX_ARTICLES_PER_POLL), 0, f"{where} max_articles_per_poll"
    )
    if not isinstance(cap, int) or cap < 1:
        raise ConfigError(
            f"{where} ({raw['name']}): max_articles_per_poll must be a whole number of at least 1"
        )
    return SourceConfig(
        name=raw["name"],
        kind=kind,
        url=str(raw.get("url", "")),
        interval_s=parse_duration_s(raw.get("interval", raw.get("interval_s", 60))),
        max_articles_per_poll=cap,
        organisations=tuple(raw.get("organisations", ())),
        document_types=tuple(raw.get("document_types", ())),
    )


def build_subscription(raw: Mapping[str, Any]) -> SubscriptionConfig:
    """Build a subscription from a TOML table or a JSON object, refusing unknown keys."""
    name = raw.get("name")
    if not isinstance(name, str) or not name:
        raise ConfigError("every subscription needs a name")
    allowed = {f.name for f in fields(SubscriptionConfig)}
    unknown = set(raw) - allowed
    if unknown:
        raise ConfigError(f"subscription {name}: unknown keys {', '.join(sorted(unknown))}")
    if not raw.get("channel"):
        raise ConfigError(
            f"subscription {name}: a channel is required (webhook:URL, email:ADDR, file:PATH, stdout)"
        )
    values: dict[str, Any] = {}
    defaults = SubscriptionConfig(name=name, channel="stdout")
    for key, value in raw.items():
        values[key] = _coerce(value, getattr(defaults, key), f"subscription {name}: {key}")
    return SubscriptionConfig(**values)


def load_settings(
    config_path: str | Path | None = None,
    *,
    env: Mapping[str, str] | None = None,
    db_path: str | Path | None = None,
) -> Settings:
    """Read the config file (if any), apply `GOVWATCH_*` overrides and an explicit `--db`.

    Args:
        config_path: `--config`; else `GOVWATCH_CONFIG`; else `./govwatch.toml` when it exists.
        env: the environment (defaults to `os.environ`).
        db_path: `--db`, which wins over everything else.

    Raises:
        ConfigError: the file is missing, unreadable, or has an unknown key or a bad value.
    """
    env = os.environ if env is None else env
    path: Path | None = None
    if config_path is not None:
        path = Path(config_path)
    elif env.get("GOVWATCH_CONFIG"):
        path = Path(env["GOVWATCH_CONFIG"])
    elif Path(DEFAULT_CONFIG_NAME).is_file():
        path = Path(DEFAULT_CONFIG_NAME)
    raw: dict[str, Any] = {}
    if path is not None:
        try:
            raw = tomllib.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError as exc:
            raise ConfigError(f"config file {path} not found; pass an existing file to --config") from exc
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"config file {path} is not valid TOML: {exc}") from exc
    known_tables = set(_SECTIONS) | {"sources", "subscriptions"}
    unknown_tables = set(raw) - known_tables
    if unknown_tables:
        raise ConfigError(
            f"{path}: unknown sections {', '.join(sorted(unknown_tables))}; known: {', '.join(sorted(known_tables))}"
        )
    sections = {name: _build_section(cls, raw.get(name, {}), name, env) for name, cls in _SECTIONS.items()}
    settings = Settings(
        **sections,
        sources=tuple(_build_source(s, i) for i, s in enumerate(raw.get("sources", []))),
        subscriptions=tuple(build_subscription(s) for s in raw.get("subscriptions", [])),
        config_path=str(path) if path else None,
    )
    names = [s.name for s in settings.sources]
    if len(names) != len(set(names)):
        raise ConfigError(f"{path}: source names must be unique")
    if db_path is not None:
        settings = replace(settings, duckdb=replace(settings.duckdb, path=str(db_path)))
    return settings
