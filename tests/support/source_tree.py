"""The source tree as the wheel sees it: each package's folder (pyproject's package-dir) and its modules."""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def package_dirs() -> dict[str, Path]:
    """pyproject's package-dir: each package and the folder it is read from."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))
    return {package: ROOT / folder for package, folder in config["tool"]["setuptools"]["package-dir"].items()}


def source_modules() -> dict[str, Path]:
    """Every Python module of the source tree, by the name it is imported under."""
    dirs = package_dirs()
    modules: dict[str, Path] = {}
    for package, folder in dirs.items():
        for path in folder.rglob("*.py"):
            relative = path.relative_to(folder)
            if "__pycache__" in relative.parts or any(
                (folder / part).is_symlink() for part in relative.parts[:1]
            ):
                continue
            parts = [package, *relative.with_suffix("").parts]
            name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            owner = max((p for p in dirs if name == p or name.startswith(p + ".")), key=len)
            if owner == package:
                modules[name] = path
    return modules
