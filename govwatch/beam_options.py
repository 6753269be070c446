"""Check the Beam options a command passes through before any pipeline starts.

`govwatch run` and `govwatch backfill` hand the arguments they do not know to Beam. Beam's own parser
only warns about options it does not know and drops them (so a typo such as `--onse` silently turns a
one-shot run into an endless one), and it exits with its whole usage text on a bad value. Here the same
option classes Beam uses are asked first: an unknown option, a bad value or an unknown runner becomes one
`UsageError` naming the nearest known option.
"""

from __future__ import annotations

import argparse
import difflib
from collections.abc import Sequence
from typing import Any, NoReturn

from govwatch.errors import GovwatchError


class UsageError(GovwatchError):
    """A command-line mistake (exit code 2)."""


def _parser() -> argparse.ArgumentParser:
    from apache_beam.options.pipeline_options import PipelineOptions, _BeamArgumentParser

    class RefusingParser(_BeamArgumentParser):  # type: ignore[misc]
        def error(self, message: str) -> NoReturn:
            raise UsageError(f"Beam option: {message}")

    parser: argparse.ArgumentParser = RefusingParser(allow_abbrev=False, add_help=False)
    seen: dict[str, Any] = {}
    for cls in PipelineOptions.__subclasses__():  # what PipelineOptions.get_all_options() parses with
        seen.setdefault(str(cls), cls)
    for cls in seen.values():
        cls._add_argparse_args(parser)
    return parser


def nearest_option(option: str, known: Sequence[str]) -> str | None:
    """The known option closest to a mistyped one, if any is close.

    >>> nearest_option("--onse", ["--once", "--config", "--runner"])
    '--once'
    >>> nearest_option("--direct-num-workers", ["--direct_num_workers"])
    '--direct_num_workers'
    """
    close = difflib.get_close_matches(option.split("=", 1)[0], list(known), n=1, cutoff=0.6)
    return close[0] if close else None


def check_beam_args(args: Sequence[str], own_options: Sequence[str]) -> list[str]:
    """Return `args` when Beam knows every option and value in them, else raise a `UsageError`.

    Args:
        args: what the command did not parse itself.
        own_options: the command's own options, so a typo of one of them is named too.

    Raises:
        UsageError: an unknown option (with the nearest known one), a bad value, or an unknown runner.
    """
    parser = _parser()
    known, unknown = parser.parse_known_args(list(args))
    if unknown:
        first = unknown[0]
        if not first.startswith("-"):
            raise UsageError(f"unexpected argument {first!r}; options look like --name=value")
        beam = [s for a in parser._actions for s in a.option_strings]
        near = nearest_option(first, own_options) or nearest_option(first, beam)  # the command's own first
        hint = f"; did you mean {near}?" if near else "; see --help for the options"
        raise UsageError(f"no such option: {first.split('=', 1)[0]}{hint}")
    runner = getattr(known, "runner", None)
    if runner:
        check_runner(str(runner))
    return list(args)


def check_runner(name: str) -> None:
    """Refuse a runner Beam does not know, naming the closest one."""
    from apache_beam.runners.runner import create_runner

    try:
        create_runner(name)
    except ValueError as exc:
        known = str(exc).split("Valid values are ", 1)[-1].split(" or ", 1)[0].split(", ")
        near = difflib.get_close_matches(name, known, n=1, cutoff=0.75)
        hint = f"did you mean {near[0]}?" if near else f"known runners: {', '.join(known)}"
        raise UsageError(f"unknown Beam runner {name!r}; {hint}") from exc
    except ImportError as exc:
        raise UsageError(f"Beam runner {name!r} needs a package that is not installed: {exc}") from exc
