"""The readable rule of a subscription, quoted in every alert."""

from __future__ import annotations

from govwatch.alerts.records import Channel, Subscription


def test_rule_lists_every_filter_in_a_fixed_order() -> None:
    sub = Subscription(
        name="s",
        channel=Channel(kind="stdout"),
        kinds=("contract", "grant"),
        organisations=("dsit",),
        topics=("ai",),
        keywords=("data centres",),
        min_amount="£100m",
        where="max_gbp > 1",
    )
    assert sub.rule == (
        "kind in (contract, grant) AND organisation in (dsit) AND topic in (ai) AND keyword in ('data centres') "
        "AND amount >= £100m AND where (max_gbp > 1)"
    )


def test_the_secret_is_not_in_repr() -> None:
    sub = Subscription(
        name="s", channel=Channel(kind="webhook", target="https://x.example/h"), secret="k-123"
    )
    assert "k-123" not in repr(sub)
    assert str(sub.channel) == "webhook:https://x.example/h"
