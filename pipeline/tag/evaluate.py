"""Score tagging against a hand-annotated gold set: precision, recall and F1 per field.

Used by `bench/bench_tag.py` (prints the figures) and by the tests (which check the targets). A gold
case is a JSON file with `title`, `organisations`, `paragraphs` (joined by newlines into the body
text) and `expected`: `partnerships` (kind, parties, status), `money` (value, currency, qualifier),
`counts` (value, unit), `durations`, `percentages`, `entities` by kind and `topics`. Lists in `expected`
are complete: whatever the tagger finds beyond them is a false positive.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from govwatch.pipeline.records import Annotations

ENTITY_KINDS = ("organisation", "person", "place", "programme")
Key = tuple[Any, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class GoldCase:
    """One annotated announcement."""

    id: str
    title: str
    organisations: tuple[str, ...]
    text: str
    expected: Mapping[str, Any]


@dataclass(slots=True)
class Score:
    """Counts for one field; precision, recall and F1 follow from them."""

    tp: int = 0
    fp: int = 0
    fn: int = 0
    misses: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass(slots=True)
class Report:
    """Scores per field, plus how many announcements without agreements got one anyway."""

    scores: dict[str, Score] = field(default_factory=dict)
    documents: int = 0
    none_documents: int = 0
    false_partnerships: int = 0


def load_gold(directory: Path) -> list[GoldCase]:
    """Read every `*.json` gold case in `directory`, sorted by file name."""
    cases = []
    for path in sorted(directory.glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        cases.append(
            GoldCase(
                id=data.get("id", path.stem),
                title=data.get("title", ""),
                organisations=tuple(data.get("organisations", ())),
                text="\n".join(data["paragraphs"]),
                expected=data["expected"],
            )
        )
    return cases


def score_gold(cases: Iterable[GoldCase], tag: Callable[[GoldCase], Annotations]) -> Report:
    """Tag every case with `tag` and compare the result with its expected annotations."""
    report = Report()
    for case in cases:
        annotations = tag(case)
        report.documents += 1
        expected = case.expected
        if not expected.get("partnerships"):
            report.none_documents += 1
            report.false_partnerships += len(annotations.partnerships)
        for name, (gold, found) in _field_keys(expected, annotations).items():
            _compare(report.scores.setdefault(name, Score()), case.id, gold, found)
    return report


def format_report(report: Report) -> str:
    """Render a report as a fixed-width table."""
    lines = [f"{'field':<32}{'P':>7}{'R':>7}{'F1':>7}{'tp':>6}{'fp':>6}{'fn':>6}"]
    for name, score in report.scores.items():
        lines.append(
            f"{name:<32}{score.precision:>7.3f}{score.recall:>7.3f}{score.f1:>7.3f}"
            f"{score.tp:>6}{score.fp:>6}{score.fn:>6}"
        )
    lines.append(
        f"false partnerships on {report.none_documents} announcements without agreements: "
        f"{report.false_partnerships}"
    )
    return "\n".join(lines)


def _field_keys(expected: Mapping[str, Any], found: Annotations) -> dict[str, tuple[set[Key], set[Key]]]:
    """Turn expected and found annotations into comparable key sets, one pair per field."""
    gold_agreements = expected.get("partnerships", [])
    fields: dict[str, tuple[set[Key], set[Key]]] = {
        "agreement kind": (
            _numbered_kinds([p["kind"] for p in gold_agreements]),
            _numbered_kinds([p.kind for p in found.partnerships]),
        ),
        "agreement parties": (
            {(frozenset(p["parties"]),) for p in gold_agreements},
            {(frozenset(p.parties),) for p in found.partnerships},
        ),
        "agreement kind+parties": (
            {(p["kind"], frozenset(p["parties"])) for p in gold_agreements},
            {(p.kind, frozenset(p.parties)) for p in found.partnerships},
        ),
        "agreement status": (
            {(p["kind"], frozenset(p["parties"]), p.get("status")) for p in gold_agreements},
            {(p.kind, frozenset(p.parties), p.status) for p in found.partnerships},
        ),
        "money value+currency": (
            {_money_key(m) for m in expected.get("money", [])},
            {(round(f.value or 0.0, 2), f.currency) for f in found.figures if f.kind == "money"},
        ),
        "money +qualifier": (
            {(*_money_key(m), m.get("qualifier")) for m in expected.get("money", [])},
            {(round(f.value or 0.0, 2), f.currency, f.qualifier) for f in found.figures if f.kind == "money"},
        ),
        "counts value+unit": (
            {(float(c["value"]), _head(c["unit"])) for c in expected.get("counts", [])},
            {(f.value, _head(f.unit or "")) for f in found.figures if f.kind == "count"},
        ),
        "durations": (
            {(float(d["value"]), d["unit"]) for d in expected.get("durations", [])},
            {(f.value, f.unit) for f in found.figures if f.kind == "duration"},
        ),
        "percentages": (
            {(float(v["value"]),) for v in expected.get("percentages", [])},
            {(f.value,) for f in found.figures if f.kind == "percentage"},
        ),
    }
    entities = expected.get("entities", {})
    for kind in ENTITY_KINDS:
        fields[f"entities: {kind}"] = (
            {(name,) for name in entities.get(kind, [])},
            {(e.name,) for e in found.entities if e.kind == kind},
        )
    fields["topics"] = ({(t,) for t in expected.get("topics", [])}, {(t,) for t in found.topics})
    return fields


def _numbered_kinds(kinds: Sequence[str]) -> set[Key]:
    """Number repeated kinds so that two contracts count as two."""
    seen: dict[str, int] = {}
    keys: set[Key] = set()
    for kind in kinds:
        seen[kind] = seen.get(kind, 0) + 1
        keys.add((seen[kind], kind))
    return keys


def _money_key(money: Mapping[str, Any]) -> tuple[float, str]:
    return round(float(money["value"]), 2), str(money["currency"])


def _head(unit: str) -> str:
    """Compare count units by their last word ("new jobs" ~ "jobs")."""
    words = unit.lower().split()
    return words[-1] if words else ""


def _compare(score: Score, case_id: str, gold: set[Key], found: set[Key]) -> None:
    score.tp += len(gold & found)
    score.fp += len(found - gold)
    score.fn += len(gold - found)
    score.misses += [f"{case_id}: missed {key}" for key in gold - found]
    score.misses += [f"{case_id}: extra {key}" for key in found - gold]
