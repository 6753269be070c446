"""A govwatch.toml that points every source at a running sample server, for tests of whole commands."""

from __future__ import annotations

from pathlib import Path

from govwatch.demo.server import SampleServer, sample_sources


def write_sample_config(
    server: SampleServer, folder: Path, *, interval: str | None = None, reopen_every: str | None = None
) -> Path:
    """Write `folder/govwatch.toml` (database `folder/govwatch.duckdb`) and return its path."""
    reopen = f'reopen_every_s = "{reopen_every}"\n' if reopen_every else ""
    lines = [
        f'[govuk]\nbase_url = "{server.base_url}"\n',
        f'[duckdb]\npath = "{folder / "govwatch.duckdb"}"\n{reopen}',
        "[http]\nrequests_per_second_per_host = 200.0\n",
    ]
    for source in sample_sources(server.base_url):
        every = f'interval = "{interval}"\n' if interval else ""
        lines.append(
            f'[[sources]]\nname = "{source.name}"\nkind = "{source.kind}"\nurl = "{source.url}"\n{every}'
        )
    path = folder / "govwatch.toml"
    path.write_text("\n".join(lines))
    return path
