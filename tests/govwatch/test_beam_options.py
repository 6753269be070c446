"""Options passed through to Beam are checked first: a typo is a usage error naming the nearest option."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from govwatch.beam_options import UsageError, check_beam_args
from govwatch.cli import app

OWN = ["--once", "--runner", "--config", "--db"]


def test_options_beam_knows_pass_through_unchanged() -> None:
    args = ["--direct_num_workers=2", "--direct_running_mode", "in_memory", "--runner=DirectRunner"]
    assert check_beam_args(args, OWN) == args


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--onse"], "no such option: --onse; did you mean --once?"),
        (["--direct-num-workers=2"], "did you mean --direct_num_workers?"),
        (["--direct_num_workers=abc"], "invalid int value: 'abc'"),
        (["--runner=NoSuchRunner"], "unknown Beam runner 'NoSuchRunner'"),
        (["stray"], "unexpected argument 'stray'"),
    ],
)
def test_mistakes_are_usage_errors(args: list[str], message: str) -> None:
    with pytest.raises(UsageError, match=message.replace("?", r"\?")):
        check_beam_args(args, OWN)


@pytest.mark.parametrize(
    "args",
    [
        ["run", "--onse"],
        ["run", "--once", "--runner", "NoSuchRunner"],
        ["run", "--once", "--direct_num_workers=abc"],
        ["backfill", "--since", "2025-01-01", "--organisaton", "dsit"],
    ],
)
def test_the_commands_exit_2_with_one_line_before_anything_runs(args: list[str]) -> None:
    result = CliRunner().invoke(app, [*args, "--config", "/nonexistent/govwatch.toml"])
    assert result.exit_code == 2, result.output
    [line] = result.stderr.splitlines()
    assert line.startswith("error: ") and "Traceback" not in result.output
