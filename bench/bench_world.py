"""Benchmark tagging on the world corpus: announcements in their publishers' own phrasing.

Prints, per batch and for the whole corpus, agreement kind+parties precision/recall/F1, kind-only F1,
money precision and recall (and recall with the qualifier), and false agreements on the hard
negatives (all kinds, and the binding kinds: MoU, contract, framework agreement). Then the first-sight
table (`tests/fixtures/tag/world/FIRST_SIGHT.md`): each batch's score the first time the tagger read
it, before any fix it prompted. The first-sight figures say whether the tagger generalises; today's
figures on old batches do not.

`python -m bench.bench_world --first-sight w07` scores a new batch and appends its row to the table
(refused for a batch already recorded); `--misses [batch]` lists what was missed and what was extra.
Benchmarks print; they never assert.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from datetime import UTC, datetime

from bench.world_corpus import TABLE_HEADER, WORLD_DIR, WorldCase, load_batches, report_row, score_batch

FIRST_SIGHT = WORLD_DIR / "FIRST_SIGHT.md"
TARGETS = (
    "targets: first-sight kind+parties F1 >= 0.85 from the third batch on; whole corpus after fixes: "
    "kind+parties F1 >= 0.95, money P and R >= 0.99, 0 false MoUs/contracts/frameworks on negatives"
)


def recorded_batches() -> set[str]:
    """Batches that already have a first-sight row."""
    if not FIRST_SIGHT.exists():
        return set()
    rows = FIRST_SIGHT.read_text(encoding="utf-8").splitlines()
    return {row.split("|")[1].strip() for row in rows if row.startswith("| w")}


def _commit() -> str:
    try:
        return subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=True, cwd=WORLD_DIR
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def record_first_sight(names: list[str]) -> int:
    """Score batches never scored before and append their rows to FIRST_SIGHT.md."""
    batches = load_batches()
    done = recorded_batches()
    for name in names:
        if name not in batches:
            print(f"error: no batch {name} in {WORLD_DIR}", file=sys.stderr)
            return 1
        if name in done:
            print(f"error: {name} has a first-sight score already; it is recorded once", file=sys.stderr)
            return 1
    rows = []
    for name in names:
        report = score_batch(batches[name])
        a, m = report.agreements, report.money
        print(TABLE_HEADER)
        print(report_row(name, report))
        rows.append(
            f"| {name} | {datetime.now(UTC).date()} | {_commit()} | {report.documents} | {a.tp + a.fn} | "
            f"{a.precision:.3f} | {a.recall:.3f} | {a.f1:.3f} | {report.kinds.f1:.3f} | {m.precision:.3f} | "
            f"{m.recall:.3f} | {report.money_qualified.recall:.3f} | {report.negatives} | "
            f"{report.false_on_negatives} | {report.false_binding_on_negatives} |"
        )
    with FIRST_SIGHT.open("a", encoding="utf-8") as table:
        table.write("\n".join(rows) + "\n")
    return 0


def print_misses(names: list[str]) -> None:
    batches = load_batches()
    recorded = recorded_batches()
    for name in names or sorted(recorded & set(batches)):
        if name not in recorded:
            print(f"{name}: sealed until its first sight is recorded", file=sys.stderr)
            continue
        report = score_batch(batches[name])
        for line in (*report.agreements.misses, *report.money_qualified.misses):
            print(line)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.bench_world", description=__doc__.split("\n")[0])
    parser.add_argument("--first-sight", nargs="+", metavar="BATCH", help="record new batches' first sight")
    parser.add_argument("--misses", nargs="*", metavar="BATCH", help="list misses and extras")
    args = parser.parse_args(argv if argv is not None else [])
    if args.first_sight:
        return record_first_sight(args.first_sight)
    if args.misses is not None:
        print_misses(args.misses)
        return 0
    print(TARGETS)
    every_batch = load_batches()
    recorded = recorded_batches()
    # A batch never scored stays unread until its first sight is recorded, so that score means something.
    sealed = [name for name in every_batch if name not in recorded]
    if sealed:
        print(f"sealed (no first sight yet; record with --first-sight): {', '.join(sealed)}")
    batches = {name: cases for name, cases in every_batch.items() if name in recorded}
    print(f"\ntoday, {sum(len(c) for c in batches.values())} announcements in {len(batches)} batches:")
    print(TABLE_HEADER)
    every: list[WorldCase] = []
    for name, cases in batches.items():
        print(report_row(name, score_batch(cases)))
        every += cases
    if every:
        print(report_row("all", score_batch(every)))
    if FIRST_SIGHT.exists():
        print("\nfirst sight (each batch scored once, before the fixes it prompted):")
        print(
            "\n".join(
                line for line in FIRST_SIGHT.read_text(encoding="utf-8").splitlines() if line.startswith("|")
            )
        )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
