"""One config loader: TOML file, then GOVWATCH_* overrides, then --db."""

from __future__ import annotations

import logging
import os
from pathlib import Path

import pytest

from govwatch.config import load_settings, parse_duration_s, unknown_variables
from govwatch.errors import ConfigError

EXAMPLE = """
[govuk]
base_url = "http://127.0.0.1:9999"

[kafka]
bootstrap_servers = ""

[duckdb]
path = "data/govwatch.duckdb"

[[sources]]
name = "dsit"
kind = "govuk_atom"
url = "https://www.gov.uk/government/organisations/department-for-science-innovation-and-technology.atom"
interval = "5m"

[[subscriptions]]
name = "new-mous"
kinds = ["memorandum_of_understanding"]
channel = "webhook:https://example.org/hook"
"""


def test_file_is_read_into_typed_settings(tmp_path: Path) -> None:
    path = tmp_path / "govwatch.toml"
    path.write_text(EXAMPLE)
    settings = load_settings(path, env={})
    assert settings.govuk.base_url == "http://127.0.0.1:9999"
    assert settings.embedded_broker
    assert settings.sources[0].interval_s == 300.0
    assert settings.subscriptions[0].kinds == ("memorandum_of_understanding",)
    assert settings.checkpoint_path == Path("data/govwatch.duckdb.state.sqlite")


def test_environment_overrides_the_file_and_db_flag_overrides_both(tmp_path: Path) -> None:
    path = tmp_path / "govwatch.toml"
    path.write_text(EXAMPLE)
    env = {
        "GOVWATCH_KAFKA_BOOTSTRAP_SERVERS": "broker:9092",
        "GOVWATCH_DB": "env.duckdb",
        "GOVWATCH_HTTP_MAX_RETRIES": "7",
        "GOVWATCH_HTTP_ALLOW_PRIVATE_HOSTS": "a.local, b.local",
    }
    settings = load_settings(path, env=env)
    assert settings.kafka.bootstrap_servers == "broker:9092" and not settings.embedded_broker
    assert settings.duckdb.path == "env.duckdb"
    assert settings.http.max_retries == 7
    assert settings.http.allow_private_hosts == ("a.local", "b.local")
    assert load_settings(path, env=env, db_path="flag.duckdb").duckdb.path == "flag.duckdb"


def test_lexicon_folders_come_from_the_file_and_either_variable_replaces_them(tmp_path: Path) -> None:
    path = tmp_path / "govwatch.toml"
    path.write_text("[tagging]\nlexicon_dirs = ['/srv/lexicon', 'local']\n")
    assert load_settings(path, env={}).tagging.lexicon_dirs == ("/srv/lexicon", "local")
    assert load_settings(None, env={}).tagging.lexicon_dirs == ()
    folders = os.pathsep.join(["/a", "/b,c"])  # a folder list is split like PATH, never at commas
    for variable in ("GOVWATCH_LEXICON_DIR", "GOVWATCH_TAGGING_LEXICON_DIRS"):
        assert load_settings(path, env={variable: folders}).tagging.lexicon_dirs == ("/a", "/b,c")
    assert "GOVWATCH_LEXICON_DIR" not in " ".join(unknown_variables({"GOVWATCH_LEXICON_DIR": "/a"}))


def test_config_from_environment_variable(tmp_path: Path) -> None:
    path = tmp_path / "other.toml"
    path.write_text(EXAMPLE)
    assert load_settings(None, env={"GOVWATCH_CONFIG": str(path)}).sources[0].name == "dsit"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[kafka]\nbootstrap = 'x'", "unknown key"),
        ("[nope]\na = 1", "unknown section"),
        ("[[sources]]\nname = 'a'\nkind = 'ftp'\nurl = 'x'", "kind: must be one of"),
        ("[[sources]]\nname = 'a'\nkind = 'rss'", "needs a url"),
        ("[[sources]]\nname = 'a'\nkind = 'rss'\nurl = 'x'\ninterval = 'soon'", "duration"),
        ("[http]\nmax_retries = 'many'", "max_retries"),
        ("[[sources]]\nname = 'a'\nkind = 'rss'\nurl = 'x'\nmax_articles_per_poll = 0", "at least 1"),
        ("[[sources]]\nname = 'a'\nkind = 'rss'\nurl = 'x'\nmax_articles_per_poll = 'lots'", "max_articles"),
        ("[[subscriptions]]\nname = 's'", "channel: is required"),
        ("not toml at all [", "not valid TOML"),
        ("[duckdb]\nmemory_limit = 'lots'", "memory size 'lots'.*'64MB'"),
    ],
)
def test_bad_config_is_a_clear_error(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "govwatch.toml"
    path.write_text(text)
    with pytest.raises(ConfigError, match=message):
        load_settings(path, env={})


def test_per_poll_article_cap_is_read_per_source(tmp_path: Path) -> None:
    path = tmp_path / "govwatch.toml"
    path.write_text(
        EXAMPLE
        + "\n[[sources]]\nname = 'big'\nkind = 'rss'\nurl = 'https://x.org'\nmax_articles_per_poll = 25\n"
    )
    first, big = load_settings(path, env={}).sources
    assert (first.max_articles_per_poll, big.max_articles_per_poll) == (100, 25)


def test_query_and_retry_budget_keys_are_read_as_durations(tmp_path: Path) -> None:
    path = tmp_path / "govwatch.toml"
    path.write_text(
        "[query]\nwait_s = 0\ntime_limit_s = '5m'\nmemory_limit = '1GB'\n[http]\npoll_retry_budget_s = '2m'\n"
    )
    settings = load_settings(path, env={"GOVWATCH_QUERY_WAIT_S": "3s"})
    assert (settings.query.wait_s, settings.query.time_limit_s, settings.query.memory_limit) == (
        3,
        300,
        "1GB",
    )
    assert settings.http.poll_retry_budget_s == 120
    assert load_settings(None, env={}).query.wait_s == 10


@pytest.mark.parametrize(
    ("text", "line"),
    [
        (
            "[[sources]]\nname = 'a'\nkind = 'govuk_search'\norganisations = 'dsit'",
            "[[sources]] #1 (a) organisations: must be a list",
        ),
        (
            "[[sources]]\nname = 'a'\nkind = 'rss'\nurl = 'not a url'",
            "[[sources]] #1 (a) url: 'not a url' is not",
        ),
        (
            "[[sources]]\nname = 'a'\nkind = 'rss'\nurl = 'ftp://x.org/f'",
            "url: 'ftp://x.org/f' is not an http",
        ),
        (
            "[sources]\nname = 'a'\nkind = 'rss'",
            "[[sources]]: write each entry as [[sources]] (double brackets)",
        ),
        (
            "[kafka]\nbootstrap_server = 'x'",
            "[kafka] bootstrap_server: unknown key; did you mean 'bootstrap_servers'?",
        ),
        (
            "[[sources]]\nname = 'a'\nkind = 'rss'\nurl = 'https://x.org'\nintreval = '5m'",
            "did you mean 'interval'?",
        ),
        ("[kafak]\na = 1", "[kafak]: unknown section; did you mean 'kafka'?"),
        ("kafka = 3", "[kafka]: must be a table"),
        ("[query]\nwait_s = -1", "[query] wait_s: must be 0 or more"),
        ("[query]\ntime_limit_s = 'soon'", "[query] time_limit_s: cannot read duration"),
        ("[http]\npoll_retry_budget_s = 0", "[http] poll_retry_budget_s: must be greater than 0"),
        (
            "[[sources]]\nname = 'a'\nkind = 'rss'\nurl = 'https://x.org'\nmax_articles_per_poll = 0",
            "[[sources]] #1 (a) max_articles_per_poll: must be a whole number of at least 1",
        ),
        ("[govuk]\nbase_url = 'www.gov.uk'", "[govuk] base_url: 'www.gov.uk' is not an http"),
        ("[tagging]\nlexicon_dirs = 'lexicon'", "[tagging] lexicon_dirs: must be a list"),
        (
            "[[sources]]\nname = 'a'\nkind = 'rss'\nurl = 'https://x.org'\ninterval = '0s'",
            "interval: must be greater than 0",
        ),
    ],
)
def test_config_mistakes_are_one_line_naming_file_and_key(tmp_path: Path, text: str, line: str) -> None:
    path = tmp_path / "govwatch.toml"
    path.write_text(text)
    with pytest.raises(ConfigError) as caught:
        load_settings(path, env={})
    assert str(caught.value).startswith(f"{path}: ")
    assert line in str(caught.value)
    assert "\n" not in str(caught.value)


def test_every_mistake_of_a_file_is_reported_on_its_own_line(tmp_path: Path) -> None:
    path = tmp_path / "govwatch.toml"
    path.write_text(
        "[http]\nmax_retries = 'many'\n[[sources]]\nname = 'a'\nkind = 'rss'\nurl = 'nope'\n"
        "[[sources]]\nname = 'b'\nkind = 'atom'\nurl = 'https://x.org'\n"
    )
    with pytest.raises(ConfigError) as caught:
        load_settings(path, env={})
    lines = str(caught.value).splitlines()
    assert len(lines) == 3
    assert all(line.startswith(f"{path}: ") for line in lines)
    assert any("[[sources]] #2 (b) kind: must be one of" in line for line in lines)


def test_a_bad_environment_variable_is_named(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"^GOVWATCH_KAFKA_PARTITIONS: .*integer"):
        load_settings(None, env={"GOVWATCH_KAFKA_PARTITIONS": "three"})


def test_a_mistyped_variable_is_named_with_the_nearest_one(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="govwatch.config"):
        settings = load_settings(None, env={"GOVWATCH_KAFKA_BOOTSTRAP_SERVER": "broker:9092"})
    assert settings.embedded_broker
    [record] = caplog.records
    assert "did you mean GOVWATCH_KAFKA_BOOTSTRAP_SERVERS?" in record.getMessage()


def test_duplicate_source_names_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "govwatch.toml"
    source = "[[sources]]\nname = 'a'\nkind = 'rss'\nurl = 'https://x.org'\n"
    path.write_text(source + source)
    with pytest.raises(ConfigError, match="'a' is used twice"):
        load_settings(path, env={})


def test_missing_config_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="not found"):
        load_settings(tmp_path / "nope.toml", env={})


def test_durations() -> None:
    assert parse_duration_s("1.5h") == 5400.0
    assert parse_duration_s("250ms") == 0.25


def test_the_shipped_example_config_loads() -> None:
    path = Path(__file__).resolve().parents[2] / "deploy" / "govwatch.toml"
    settings = load_settings(path, env={})
    assert {s.kind for s in settings.sources} == {"govuk_atom", "rss"}
    assert settings.subscriptions[0].kinds == ("memorandum_of_understanding",)
