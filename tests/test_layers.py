"""Imports run one way: core ← connectors ← pipeline ← store ← application, and never round in a cycle;
ARCHITECTURE.md draws every folder and every module of govwatch/ itself.

Every import counts, wherever it stands: at module level, inside a function, under `TYPE_CHECKING`. The
modules are found on disk through pyproject's `package-dir`, so a module that the wheel would not ship,
or a folder that no layer claims, fails here too.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.source_tree import ROOT, source_modules

#: Each layer by the module prefixes it owns, lowest first; a module belongs to its longest prefix, and a
#: module no prefix owns fails the tests until it is given a layer. A module may import its own layer and
#: those listed before it.
LAYERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "core",
        (
            "govwatch",
            "govwatch.errors",
            "govwatch.closing",
            "govwatch.config",
            "govwatch.config_errors",
            "govwatch.messages",
            "govwatch.kafka",
            "govwatch.broker",
            "govwatch.db",
            "govwatch.sandbox",
            "govwatch.redact",
            "govwatch.metrics",
            "govwatch.schemas",
            "govwatch.sql",
        ),
    ),
    ("connectors", ("govwatch.connectors",)),
    ("pipeline", ("govwatch.pipeline",)),
    (
        "store",
        (
            "govwatch.store",
            "govwatch.publication",
            "govwatch.query",
            "govwatch.query_endpoint",
            "govwatch.query_reader",
            "govwatch.query_result",
            "govwatch.export",
        ),
    ),
    (
        "application",
        (
            "govwatch.__main__",
            "govwatch.alerts",
            "govwatch.serve",
            "govwatch.demo",
            "govwatch.cli",
            "govwatch.cli_ops",
            "govwatch.cli_support",
            "govwatch.config_reference",
            "govwatch.beam_options",
            "govwatch.runner",
            "govwatch.backfill",
            "govwatch.tools",
            "govwatch.status",
            "govwatch.health",
            "govwatch.registers",
        ),
    ),
)
LAYER_RANK = {name: rank for rank, (name, _) in enumerate(LAYERS)}


MODULES = source_modules()


def _resolve(name: str) -> str | None:
    """The module an imported name lives in (a `from package import module` names the module)."""
    while name and name not in MODULES:
        name = name.rpartition(".")[0]
    return name or None


def _imports(name: str, path: Path) -> Iterator[tuple[str, int]]:
    """The govwatch modules one module imports, with line numbers, wherever the import stands."""
    tree = ast.parse(path.read_text("utf-8"), filename=str(path))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                base = f"{anchor}.{base}" if base else anchor
            targets = [f"{base}.{alias.name}" for alias in node.names] + [base]
        else:
            continue
        for target in targets:
            if target.split(".", 1)[0] != "govwatch":
                continue
            module = _resolve(target)
            if module is not None and module != name:
                yield module, node.lineno


def _owns(prefix: str, name: str) -> bool:
    """A prefix owns itself and the modules below it; `govwatch` owns only its own `__init__`."""
    return name == prefix or (prefix != "govwatch" and name.startswith(prefix + "."))


def _layer(name: str) -> str:
    owners = [(len(p), layer) for layer, prefixes in LAYERS for p in prefixes if _owns(p, name)]
    if not owners:
        pytest.fail(f"{name} belongs to no layer: add it to LAYERS in {Path(__file__).name}")
    return max(owners)[1]


GRAPH = {name: sorted(set(_imports(name, path))) for name, path in MODULES.items()}


def test_every_folder_of_the_wheel_is_found() -> None:
    packages = {name.rsplit(".", 1)[0] for name in MODULES} | {
        n for n, p in MODULES.items() if p.name == "__init__.py"
    }
    assert {
        "govwatch.connectors.sources",
        "govwatch.pipeline.extract",
        "govwatch.pipeline.repair",
        "govwatch.pipeline.tag",
        "govwatch.store",
    } <= packages


def test_no_module_imports_a_higher_layer() -> None:
    wrong = [
        f"{name} ({_layer(name)}) imports {target} ({_layer(target)}) at {MODULES[name].relative_to(ROOT)}:{line}"
        for name, targets in GRAPH.items()
        for target, line in targets
        if LAYER_RANK[_layer(target)] > LAYER_RANK[_layer(name)]
    ]
    assert wrong == []


def test_connectors_and_pipeline_never_use_the_store_or_the_application() -> None:
    # Stated apart from the ranks above, which the next module to be moved could be tempted to shuffle.
    for name, targets in GRAPH.items():
        if _layer(name) in ("connectors", "pipeline"):
            assert all(_layer(t) in ("core", "connectors", "pipeline") for t, _ in targets), name


def test_the_import_graph_has_no_cycle() -> None:
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[list[str]] = []

    def visit(name: str) -> None:  # Tarjan's strongly connected components
        index[name] = low[name] = len(index)
        stack.append(name)
        on_stack.add(name)
        for target, _ in GRAPH[name]:
            if target not in index:
                visit(target)
                low[name] = min(low[name], low[target])
            elif target in on_stack:
                low[name] = min(low[name], index[target])
        if low[name] == index[name]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == name:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for name in GRAPH:
        if name not in index:
            visit(name)
    assert cycles == []


def test_the_checker_sees_imports_inside_functions_and_type_checking_blocks(tmp_path: Path) -> None:
    path = tmp_path / "example.py"
    path.write_text(
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n    from govwatch.runner import Stack\n"
        "def f():\n    from govwatch.store import loader\n    import govwatch.cli\n",
        "utf-8",
    )
    found = {target for target, _ in _imports("govwatch.pipeline.example", path)}
    assert {"govwatch.runner", "govwatch.store.loader", "govwatch.cli"} <= found


def test_the_architecture_diagram_names_every_folder_and_top_level_module() -> None:
    diagram = (ROOT / "ARCHITECTURE.md").read_text("utf-8").split("```")[1]
    missing = []
    for name, path in MODULES.items():
        if path.name == "__init__.py":
            shown = path.parent.name + "/"  # a package: its folder
        elif name.count(".") == 1 and not path.name.startswith("__"):
            shown = path.name  # a module of govwatch/ itself
        else:
            continue
        if shown not in diagram:
            missing.append(f"{path.relative_to(ROOT)} ({shown})")
    assert missing == [], "ARCHITECTURE.md's diagram does not show: " + ", ".join(missing)
