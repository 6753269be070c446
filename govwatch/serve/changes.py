"""What changed between two versions of an announcement: its parties, amounts, agreement statuses, title."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True, kw_only=True)
class VersionFacts:
    """The facts of one stored version that a reader compares."""

    version: int
    title: str
    loaded_at: str = ""
    parties: frozenset[str] = field(default_factory=frozenset)
    amounts: frozenset[str] = field(default_factory=frozenset)
    statuses: frozenset[str] = field(default_factory=frozenset)  # "kind: status"


@dataclass(frozen=True, slots=True, kw_only=True)
class Change:
    field: str
    added: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()


def compare_versions(before: VersionFacts, after: VersionFacts) -> list[Change]:
    """The changes from `before` to `after`, one per field that differs.

    >>> a = VersionFacts(version=1, title="T", parties=frozenset({"A"}), amounts=frozenset({"£1m"}))
    >>> b = VersionFacts(version=2, title="T", parties=frozenset({"A", "B"}), amounts=frozenset({"£2m"}))
    >>> compare_versions(a, b)
    [Change(field='parties', added=('B',), removed=()), Change(field='amounts', added=('£2m',), removed=('£1m',))]
    """
    changes: list[Change] = []
    if before.title != after.title:
        changes.append(Change(field="title", added=(after.title,), removed=(before.title,)))
    for name in ("parties", "amounts", "statuses"):
        old: frozenset[str] = getattr(before, name)
        new: frozenset[str] = getattr(after, name)
        if old != new:
            changes.append(
                Change(field=name, added=tuple(sorted(new - old)), removed=tuple(sorted(old - new)))
            )
    return changes


def version_changes(versions: Sequence[VersionFacts]) -> list[tuple[VersionFacts, list[Change]]]:
    """Each version (oldest first) with what changed since the one before it (nothing for the first)."""
    ordered = sorted(versions, key=lambda v: v.version)
    return [
        (version, compare_versions(ordered[index - 1], version) if index else [])
        for index, version in enumerate(ordered)
    ]
