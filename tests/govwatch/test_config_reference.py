"""The config reference is generated from the config model; `config check` prints the resolved config."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from typer.testing import CliRunner

from govwatch.cli import app
from govwatch.config import NON_KEY_VARIABLES, load_settings
from govwatch.config_reference import (
    MASK,
    OTHER_VARIABLES,
    REFERENCE_END,
    REFERENCE_START,
    config_reference_markdown,
)

ROOT = Path(__file__).resolve().parents[2]
runner = CliRunner()


def test_the_readme_reference_is_the_generated_one() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert REFERENCE_START in readme and REFERENCE_END in readme
    block = readme.split(REFERENCE_START, 1)[1].split(REFERENCE_END, 1)[0]
    assert block.strip() == config_reference_markdown().strip(), (
        "README's config reference is stale: replace it with the output of `govwatch config reference`"
    )


def test_the_reference_describes_exactly_the_variables_the_loader_knows() -> None:
    assert set(OTHER_VARIABLES) == set(NON_KEY_VARIABLES)


def test_the_reference_names_every_key_and_variable() -> None:
    text = config_reference_markdown()
    for needle in (
        "`[http] allow_private_hosts`",
        "`GOVWATCH_HTTP_ALLOW_PRIVATE_HOSTS`",
        "`[alerts] retry_for_s`",
        "`[state] checkpoint_path`",
        "`GOVWATCH_DB`",
        "`GOVWATCH_WEBHOOK_SECRET`",
        "`[[sources]] interval`",
        "govuk_search",
    ):
        assert needle in text


def test_config_check_masks_secrets_and_reads_back_as_the_same_config(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = tmp_path / "govwatch.toml"
    config.write_text(
        "[smtp]\nhost = 'mail.example.org'\npassword = 'hunter2'\n"
        "[[sources]]\nname = 'a'\nkind = 'rss'\nurl = 'https://news.example.org/feed'\ninterval = '5m'\n"
        "[[subscriptions]]\nname = 'hook'\nkinds = ['mou']\nchannel = 'webhook:https://hooks.example.org/x'\n"
        "secret = 's3cret-value'\n"
    )
    monkeypatch.setenv("GOVWATCH_KAFKA_SASL_PASSWORD", "from-env-secret")
    monkeypatch.setenv("GOVWATCH_KAFKA_PARTITIONS", "6")
    result = runner.invoke(app, ["config", "check", "--config", str(config)])
    assert result.exit_code == 0, result.output
    for secret in ("hunter2", "s3cret-value", "from-env-secret"):
        assert secret not in result.output
    assert result.stdout.count(MASK) == 3
    assert "config OK" in result.stderr
    printed = tmp_path / "printed.toml"
    printed.write_text(result.stdout)
    original = load_settings(config)
    again = load_settings(printed, env={})
    assert again.kafka.partitions == 6
    assert replace(
        again, config_path=None, smtp=original.smtp, kafka=original.kafka, subscriptions=()
    ) == replace(original, config_path=None, subscriptions=())


def test_config_check_fails_on_a_webhook_without_a_secret_and_passes_with_the_variable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = tmp_path / "govwatch.toml"
    config.write_text(
        "[[subscriptions]]\nname = 'hook'\nkinds = ['mou']\nchannel = 'webhook:https://h.example.org'\n"
    )
    monkeypatch.delenv("GOVWATCH_WEBHOOK_SECRET", raising=False)
    result = runner.invoke(app, ["config", "check", "--config", str(config)])
    assert result.exit_code == 1 and "GOVWATCH_WEBHOOK_SECRET" in result.stderr
    monkeypatch.setenv("GOVWATCH_WEBHOOK_SECRET", "x")
    assert runner.invoke(app, ["config", "check", "--config", str(config)]).exit_code == 0
