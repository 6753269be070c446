"""The wheel ships one `govwatch` namespace with its schemas, SQL, lexicons and demo sample as data."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

from tests.support.source_tree import ROOT, source_modules


def _build_wheel(tmp_path: Path) -> Path:
    source = tmp_path / "src"
    shutil.copytree(
        ROOT,
        source,
        symlinks=True,
        ignore=shutil.ignore_patterns(
            ".venv", ".git", "build", "*.egg-info", "__pycache__", "*.duckdb*", ".*_cache"
        ),
    )
    out = tmp_path / "dist"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(out),
            str(source),
        ],
        check=True,
        capture_output=True,
    )
    (wheel,) = out.glob("govwatch-*.whl")
    return wheel


def test_wheel_has_one_namespace_and_ships_its_data(tmp_path: Path) -> None:
    wheel = zipfile.ZipFile(_build_wheel(tmp_path))
    names = wheel.namelist()
    top_level = {name.split("/", 1)[0] for name in names}
    assert top_level == {"govwatch", next(t for t in top_level if t.endswith(".dist-info"))}
    expected = [
        "govwatch/pipeline/extract/document.py",
        "govwatch/connectors/poll.py",
        "govwatch/schemas/announcement.schema.json",
        "govwatch/schemas/alert.schema.json",
        "govwatch/schemas/deadletter.schema.json",
        "govwatch/sql/migrations/001_core.sql",
        "govwatch/sql/queries/search.sql",
        "govwatch/demo/sample/organisations.toml",
        "govwatch/serve/templates/base.html",
        "govwatch/serve/templates/announcement.html",
        "govwatch/serve/static/style.css",
        "govwatch/serve/static/favicon.svg",
    ]
    for name in expected:
        assert name in names, name
    # Every module of the source tree, in every folder, is shipped under the name it is imported by.
    for name, path in source_modules().items():
        shipped = name.replace(".", "/") + ("/__init__.py" if path.name == "__init__.py" else ".py")
        assert shipped in names, f"{path.relative_to(ROOT)} is not in the wheel (pyproject's packages list)"
    assert any(n.startswith("govwatch/pipeline/tag/lexicons/") and n.endswith(".toml") for n in names)
    entry_points = next(n for n in names if n.endswith("entry_points.txt"))
    assert "govwatch = govwatch.cli:main" in wheel.read(entry_points).decode()
