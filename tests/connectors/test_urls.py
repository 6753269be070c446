"""canonical_url and address checks; the canonical URL table is fixtures/connectors/canonical_url_cases.json."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from govwatch.connectors.urls import canonical_url, host_matches, is_public_address

CASES = json.loads(
    (Path(__file__).parents[1] / "fixtures" / "connectors" / "canonical_url_cases.json").read_text()
)


@pytest.mark.parametrize("case", CASES, ids=[c["comment"][:50] for c in CASES])
def test_canonical_url_case(case: dict[str, Any]) -> None:
    if case["expect"] == "pass":
        assert canonical_url(case["input"]) == case["expected"]
    else:
        assert canonical_url(case["input"]) != case["expected"]


@pytest.mark.parametrize(
    "address",
    [
        "10.1.2.3",
        "172.16.0.1",
        "192.168.1.1",
        "127.0.0.1",
        "169.254.169.254",
        "::1",
        "fe80::1",
        "fc00::1",
        "0.0.0.0",
        "100.64.0.1",
        "::ffff:10.0.0.1",
        "224.0.0.1",
        "not-an-ip",
        # IPv6 forms that carry a private IPv4 address are judged by it
        "2002:7f00:1::",  # 6to4 of 127.0.0.1
        "2002:a9fe:a9fe::1",  # 6to4 of 169.254.169.254
        "2002:c0a8:101:1::1",  # 6to4 of 192.168.1.1
        "64:ff9b::7f00:1",  # NAT64 of 127.0.0.1
        "64:ff9b::a00:1",  # NAT64 of 10.0.0.1
        "64:ff9b:1::a00:1",  # local-use NAT64
        "::ffff:169.254.169.254",
        "2001:0:4136:e378:8000:63bf:80ff:fffe",  # Teredo
    ],
)
def test_non_public_addresses_are_refused(address: str) -> None:
    assert not is_public_address(address)


@pytest.mark.parametrize(
    "address", ["151.101.0.144", "2a04:4e42::144", "8.8.8.8", "2002:808:808::1", "64:ff9b::808:808"]
)
def test_public_addresses_are_allowed(address: str) -> None:
    assert is_public_address(address)


def test_host_allow_list_matches_names_and_networks() -> None:
    assert host_matches("LOCALHOST", ["localhost"])
    assert host_matches("::1", ["::1/128"])
    assert not host_matches("127.0.0.2", ["127.0.0.1"])


@given(
    st.from_regex(
        r"https?://[A-Za-z0-9.-]{1,20}(:[0-9]{1,5})?(/[A-Za-z0-9._~%-]{0,10}){0,4}/?(\?[a-z_]{1,8}=[a-z0-9]{0,5}(&[a-z_]{1,8}=[a-z0-9]{0,5}){0,3})?(#[a-z]{0,5})?",
        fullmatch=True,
    )
)
def test_canonical_url_is_idempotent(url: str) -> None:
    once = canonical_url(url)
    assert canonical_url(once) == once
