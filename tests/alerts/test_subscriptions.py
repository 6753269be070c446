"""Subscriptions: refused when invalid, stored by the CLI in a private file, merged with the config."""

from __future__ import annotations

import stat
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from govwatch.alerts.subscriptions import (
    add_subscription,
    compile_subscription,
    load_subscriptions,
    parse_min_amount,
    read_subscription_file,
    remove_subscription,
)
from govwatch.config import Settings, SubscriptionConfig, build_subscription
from govwatch.errors import ConfigError


def config(**raw: Any) -> SubscriptionConfig:
    return build_subscription({"name": "s", "channel": "stdout", "kinds": ["mou"], **raw})


@pytest.mark.parametrize(
    ("text", "pounds"),
    [
        ("£100m", 1e8),
        ("£1.5bn", 1.5e9),
        ("$2 billion", 2e9 * 0.79),
        ("€10 million", 1e7 * 0.85),
        ("£250,000", 2.5e5),
    ],
)
def test_min_amount_is_read_in_pounds(text: str, pounds: float) -> None:
    assert parse_min_amount(text) == pytest.approx(pounds)


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ({"name": "bad name!"}, "must be 1-64 letters"),
        ({"channel": "pigeon:home"}, "unknown channel"),
        ({"channel": "webhook:ftp://example.org/x", "secret": "s"}, "http"),
        ({"channel": "webhook:https://example.org/hook"}, "needs a secret"),
        ({"channel": "email:nobody"}, "one address"),
        ({"channel": "file:"}, "needs a path"),
        ({"kinds": ["memorandum_of_understandin"]}, "did you mean memorandum_of_understanding"),
        ({"min_amount": "lots"}, "cannot read --min-amount"),
        ({"min_amount": "₹5bn"}, "cannot read --min-amount|no fixed rate"),
        ({"frequency": "hourly"}, "frequency must be one of"),
        ({"where": "max_pounds > 1"}, "--where cannot be used"),
        ({"kinds": []}, "has no filter"),
    ],
)
def test_invalid_subscription_is_refused_with_what_to_do(raw: dict[str, Any], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        compile_subscription(config(**raw), env={})


def test_webhook_secret_may_come_from_the_environment() -> None:
    sub = compile_subscription(
        config(channel="webhook:https://example.org/hook"), env={"GOVWATCH_WEBHOOK_SECRET": "from-env"}
    )
    assert sub.secret == "from-env"
    assert "from-env" not in repr(sub)


def test_secret_is_dropped_for_channels_that_do_not_sign() -> None:
    assert compile_subscription(config(secret="x"), env={}).secret == ""


def test_add_stores_a_private_file_and_load_merges_it_after_the_config(settings: Settings) -> None:
    settings = replace(settings, subscriptions=(config(name="from-config"),))
    add_subscription(
        settings, config(name="from-cli", channel="webhook:https://example.org/h", secret="k"), env={}
    )
    path = settings.subscriptions_path
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert read_subscription_file(path)[0]["secret"] == "k"
    loaded = load_subscriptions(settings, env={})
    assert [(s.name, s.origin) for s in loaded] == [("from-config", "config"), ("from-cli", "file")]
    assert loaded[1].secret == "k"


def test_add_refuses_a_name_already_used(settings: Settings) -> None:
    add_subscription(settings, config(name="dup"), env={})
    with pytest.raises(ConfigError, match="already exists"):
        add_subscription(settings, config(name="dup"), env={})
    with_config = replace(settings, subscriptions=(config(name="cfg"),))
    with pytest.raises(ConfigError, match="already defined in"):
        add_subscription(with_config, config(name="cfg"), env={})


def test_add_refuses_an_invalid_subscription_and_writes_nothing(settings: Settings) -> None:
    with pytest.raises(ConfigError):
        add_subscription(settings, config(name="bad", where="select"), env={})
    assert not settings.subscriptions_path.exists()


def test_remove_deletes_only_that_subscription(settings: Settings) -> None:
    add_subscription(settings, config(name="a"), env={})
    add_subscription(settings, config(name="b"), env={})
    remove_subscription(settings, "a")
    assert [raw["name"] for raw in read_subscription_file(settings.subscriptions_path)] == ["b"]
    with pytest.raises(ConfigError, match="no subscription named a"):
        remove_subscription(settings, "a")


def test_remove_points_config_subscriptions_to_the_config_file(settings: Settings) -> None:
    settings = replace(settings, subscriptions=(config(name="cfg"),), config_path="govwatch.toml")
    with pytest.raises(ConfigError, match="remove it from that file"):
        remove_subscription(settings, "cfg")


def test_same_name_in_config_and_file_is_refused_at_load(settings: Settings, tmp_path: Path) -> None:
    add_subscription(settings, config(name="twice"), env={})
    settings = replace(settings, subscriptions=(config(name="twice"),))
    with pytest.raises(ConfigError, match="defined twice"):
        load_subscriptions(settings, env={})


def test_a_damaged_subscriptions_file_is_reported(settings: Settings) -> None:
    settings.subscriptions_path.write_text("{not json", encoding="utf-8")
    with pytest.raises(ConfigError, match="cannot read subscriptions file"):
        load_subscriptions(settings, env={})
