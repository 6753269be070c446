"""Subscriptions: validate them, keep the ones made with `govwatch subscribe`, merge them with the config.

Two places hold subscriptions: `[[subscriptions]]` tables of the config file, and a JSON file
(`Settings.subscriptions_path`, default `<db>.subscriptions.json`, mode 0600 because it holds webhook
secrets) that `govwatch subscribe` and `govwatch subscriptions remove` edit. Both are validated by the same
`compile_subscription`, so a bad filter or channel is refused when it is written, not when it fires.
"""

from __future__ import annotations

import contextlib
import difflib
import fcntl
import json
import logging
import os
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

from govwatch.alerts.channels import parse_channel
from govwatch.alerts.data import (
    FREQUENCIES,
    GBP_PER_UNIT,
    KIND_ALIASES,
    PARTNERSHIP_KINDS,
    WEBHOOK_SECRET_ENV,
)
from govwatch.alerts.match import to_gbp
from govwatch.alerts.records import Subscription
from govwatch.alerts.text import organisation_keys
from govwatch.alerts.where import WhereEvaluator
from govwatch.config import Settings, SubscriptionConfig, build_subscription
from govwatch.errors import ConfigError
from govwatch.pipeline.tag.figures import normalise_money

log = logging.getLogger(__name__)

FILE_FORMAT_VERSION = 1
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")


def parse_min_amount(text: str) -> float:
    """Turn a `--min-amount` such as "£100m", "£1.5bn" or "$2 billion" into pounds.

    Uses the tagger's `normalise_money` so a threshold reads money exactly as announcements do, then the
    fixed rates of `govwatch.alerts.data`.

    Raises:
        ConfigError: not an amount, or a currency without a fixed rate.
    """
    parsed = normalise_money(text)
    hint = (
        "write it like '£100m', '£1.5bn' or '$2 billion' (currencies with a fixed rate: "
        + ", ".join(GBP_PER_UNIT)
        + ")"
    )
    if parsed is None:
        raise ConfigError(f"cannot read --min-amount {text!r} as an amount of money; {hint}")
    value, currency = parsed
    gbp = to_gbp(value, currency)
    if gbp is None:
        raise ConfigError(f"--min-amount {text!r} is in {currency}, which has no fixed rate; {hint}")
    return gbp


def _kinds(name: str, kinds: Sequence[str]) -> tuple[str, ...]:
    chosen: list[str] = []
    for kind in kinds:
        key = KIND_ALIASES.get(kind.strip().lower(), kind.strip().lower())
        if key not in PARTNERSHIP_KINDS:
            close = difflib.get_close_matches(key, PARTNERSHIP_KINDS, n=1)
            suggestion = f"did you mean {close[0]}? " if close else ""
            raise ConfigError(
                f"subscription {name}: unknown kind {kind!r}; "
                f"{suggestion}kinds are {', '.join(PARTNERSHIP_KINDS)}"
            )
        chosen.append(key)
    return tuple(dict.fromkeys(chosen))


def _cleaned(values: Sequence[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(v.strip() for v in values if v.strip()))


def compile_subscription(
    config: SubscriptionConfig,
    *,
    env: Mapping[str, str] | None = None,
    evaluator: WhereEvaluator | None = None,
    origin: str = "config",
) -> Subscription:
    """Validate a subscription and prepare it for matching.

    Args:
        config: as read from `[[subscriptions]]` or the subscriptions file.
        env: where `GOVWATCH_WEBHOOK_SECRET` is looked up when the subscription has no secret.
        evaluator: reused to check `--where` (a new one is made when None).
        origin: "config" or "file", shown by `govwatch subscriptions list`.

    Raises:
        ConfigError: bad name, channel, kind, amount, frequency or predicate; a webhook without a secret;
            no filter at all. The message names the subscription and says how to fix it.
    """
    name = config.name
    if not _NAME.match(name):
        raise ConfigError(
            f"subscription name {name!r} must be 1-64 letters, digits, '.', '_' or '-', "
            "starting with a letter or digit"
        )
    try:
        channel = parse_channel(config.channel)
    except ConfigError as exc:
        raise ConfigError(f"subscription {name}: {exc}") from exc
    frequency = config.frequency.strip().lower()
    if frequency not in FREQUENCIES:
        raise ConfigError(
            f"subscription {name}: frequency must be one of {', '.join(FREQUENCIES)}, not {frequency!r}"
        )
    try:
        min_amount_gbp = parse_min_amount(config.min_amount) if config.min_amount.strip() else None
    except ConfigError as exc:
        raise ConfigError(f"subscription {name}: {exc}") from exc
    where = config.where.strip()
    if where:
        checker = evaluator or WhereEvaluator()
        try:
            checker.validate(where)
        except ConfigError as exc:
            raise ConfigError(f"subscription {name}: {exc}") from exc
        finally:
            if evaluator is None:
                checker.close()
    secret = config.secret or (env or {}).get(WEBHOOK_SECRET_ENV, "")
    if channel.kind == "webhook" and not secret:
        raise ConfigError(
            f"subscription {name}: a webhook needs a secret to sign its requests; "
            f"pass --secret or set {WEBHOOK_SECRET_ENV}"
        )
    organisations = _cleaned(config.organisations)
    subscription = Subscription(
        name=name,
        channel=channel,
        kinds=_kinds(name, config.kinds),
        organisations=organisations,
        organisation_keys=organisation_keys(organisations),
        topics=tuple(t.lower() for t in _cleaned(config.topics)),
        keywords=_cleaned(config.keywords),
        min_amount=config.min_amount.strip(),
        min_amount_gbp=min_amount_gbp,
        where=where,
        frequency=frequency,
        on_change=config.on_change,
        secret=secret if channel.kind == "webhook" else "",
        origin=origin,
    )
    if subscription.rule == "every announcement":
        raise ConfigError(
            f"subscription {name} has no filter; give --kind, --organisation, --topic, --keyword, "
            "--min-amount or --where (use --where true to hear about everything)"
        )
    return subscription


def read_subscription_file(path: Path) -> list[dict[str, Any]]:
    """The raw subscriptions kept in the CLI's JSON file (empty when the file does not exist)."""
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return []
    except (OSError, ValueError) as exc:
        raise ConfigError(f"cannot read subscriptions file {path} ({exc}); fix or remove it") from exc
    if not isinstance(document, dict) or not isinstance(document.get("subscriptions"), list):
        raise ConfigError(f"subscriptions file {path} has no 'subscriptions' list; fix or remove it")
    return [dict(item) for item in document["subscriptions"]]


def _write_subscription_file(path: Path, raws: Sequence[Mapping[str, Any]]) -> None:
    """Replace the file atomically (write a temporary file, then rename), readable by its owner only."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(path.name + ".tmp")
    text = json.dumps(
        {"version": FILE_FORMAT_VERSION, "subscriptions": list(raws)}, indent=2, ensure_ascii=False
    )
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text + "\n")
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, path)


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    """Serialise read-modify-write of the subscriptions file between concurrent commands."""
    path.parent.mkdir(parents=True, exist_ok=True)
    # Owner-only like the subscriptions themselves, whatever the umask of the command that creates it.
    descriptor = os.open(path.with_name(path.name + ".lock"), os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    with os.fdopen(descriptor, "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _raw(config: SubscriptionConfig) -> dict[str, Any]:
    return {key: list(value) if isinstance(value, tuple) else value for key, value in asdict(config).items()}


def load_subscriptions(
    settings: Settings, *, env: Mapping[str, str] | None = None, evaluator: WhereEvaluator | None = None
) -> tuple[Subscription, ...]:
    """All subscriptions: the config file's first, then the CLI-made ones, each validated.

    Raises:
        ConfigError: an invalid subscription, or the same name in both places.
    """
    env = os.environ if env is None else env
    subscriptions = [compile_subscription(c, env=env, evaluator=evaluator) for c in settings.subscriptions]
    for raw in read_subscription_file(settings.subscriptions_path):
        config = build_subscription(raw)
        subscriptions.append(compile_subscription(config, env=env, evaluator=evaluator, origin="file"))
    seen: set[str] = set()
    for sub in subscriptions:
        if sub.name in seen:
            raise ConfigError(
                f"subscription {sub.name} is defined twice; rename one, "
                f"or run `govwatch subscriptions remove {sub.name}`"
            )
        seen.add(sub.name)
    return tuple(subscriptions)


def add_subscription(
    settings: Settings, config: SubscriptionConfig, *, env: Mapping[str, str] | None = None
) -> Subscription:
    """Validate a subscription and store it in the subscriptions file (what `govwatch subscribe` does).

    A secret taken from `GOVWATCH_WEBHOOK_SECRET` is stored with it, so delivery keeps working when the
    variable is gone.

    Raises:
        ConfigError: invalid, or its name is already used.
    """
    env = os.environ if env is None else env
    subscription = compile_subscription(config, env=env, origin="file")
    if any(c.name == config.name for c in settings.subscriptions):
        raise ConfigError(
            f"subscription {config.name} is already defined in {settings.config_path}; choose another name"
        )
    path = settings.subscriptions_path
    with _locked(path):
        raws = read_subscription_file(path)
        if any(raw.get("name") == config.name for raw in raws):
            raise ConfigError(
                f"subscription {config.name} already exists; remove it first with "
                f"`govwatch subscriptions remove {config.name}` or choose another name"
            )
        stored = _raw(config)
        stored["secret"] = subscription.secret
        raws.append(stored)
        _write_subscription_file(path, raws)
    log.info("added subscription %s (%s) to %s", subscription.name, subscription.channel.kind, path)
    return subscription


def remove_subscription(settings: Settings, name: str) -> None:
    """Remove a CLI-made subscription from the subscriptions file.

    Raises:
        ConfigError: the name is unknown, or belongs to the config file (edit that file instead).
    """
    if any(c.name == name for c in settings.subscriptions):
        raise ConfigError(
            f"subscription {name} is defined in {settings.config_path}; remove it from that file"
        )
    path = settings.subscriptions_path
    with _locked(path):
        raws = read_subscription_file(path)
        kept = [raw for raw in raws if raw.get("name") != name]
        if len(kept) == len(raws):
            raise ConfigError(f"no subscription named {name}; see `govwatch subscriptions list`")
        _write_subscription_file(path, kept)
    log.info("removed subscription %s from %s", name, path)
