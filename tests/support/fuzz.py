"""Hypothesis strategies for messages that pass their schema, to check every consumer stores what it accepts."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

_TEXT = st.text(max_size=40)
_TIMESTAMP = st.sampled_from(
    [
        "2025-07-23T07:00:00Z",
        "2025-07-23t07:00:00.123456789z",
        "2016-12-31T23:59:60+00:00",
        "0001-01-01T00:00:00Z",
        "9999-12-31T23:59:59-23:59",
        "2025-07-23",
        "not a date",
    ]
)
_NUMBER = st.one_of(
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=False, allow_infinity=False),
)
_EVIDENCE = st.fixed_dictionaries(
    {"sentence": _TEXT, "start": st.integers(min_value=0, max_value=2**70), "end": st.integers(min_value=0)}
)


def announcement_overrides() -> st.SearchStrategy[dict[str, Any]]:
    """Members to lay over `make_announcement(...)`: any text, numbers, RFC 3339 forms, optional members.

    Not every result passes the schema ("not a date" as `fetched_at`); those must become dead letters.
    """
    return st.fixed_dictionaries(
        {},
        optional={
            "version": st.integers(min_value=1, max_value=2**31 - 1),
            "title": _TEXT,
            "body_text": _TEXT,
            "published_at": st.one_of(st.none(), _TIMESTAMP),
            "updated_at": st.one_of(st.none(), _TIMESTAMP),
            "fetched_at": _TIMESTAMP,
            "organisations": st.lists(_TEXT, max_size=3),
            "notes_offset": st.one_of(st.none(), st.integers(min_value=0, max_value=2**31 - 1)),
            "topics": st.lists(_TEXT, max_size=3),
            "figures": st.lists(
                st.fixed_dictionaries(
                    {
                        "kind": st.sampled_from(["money", "count", "percentage", "duration"]),
                        "value": st.one_of(st.none(), _NUMBER),
                        "text": _TEXT,
                    },
                    optional={"value_max": _NUMBER, "evidence": st.one_of(st.none(), _EVIDENCE)},
                ),
                max_size=3,
            ),
            "entities": st.lists(
                st.fixed_dictionaries(
                    {
                        "kind": st.sampled_from(["organisation", "person", "place", "programme"]),
                        "name": _TEXT,
                    },
                    optional={
                        "role": st.one_of(st.none(), _TEXT),
                        "evidence": st.one_of(st.none(), _EVIDENCE),
                    },
                ),
                max_size=3,
            ),
        },
    )
