"""The import graph keeps the layering docs/architecture.md describes (DESIGN.md's arrows).

grimp reads every import of the installed `lawline` package, including imports inside functions
and under TYPE_CHECKING, so a rule cannot be dodged by importing late.
"""

from __future__ import annotations

from collections import defaultdict

import grimp
import pytest

# Layers from the ground up; a package may import its own layer's packages (without a cycle,
# checked below) and any layer beneath it, never one above.
GROUND = ("core", "audit", "outbox", "platform", "logs", "tally")
DOMAINS = (
    "staff",
    "authorities",
    "search",
    "hashes",
    "moderation",
    "disclosure",
    "legal",
    "transparency",
)
ASSEMBLY = ("models", "migrations", "runtime", "worker")
FRONT_ENDS = ("boundary", "throttle", "api", "web", "bots", "cli", "demo", "client", "__main__")
LAYERS = (GROUND, DOMAINS, ASSEMBLY, FRONT_ENDS)


@pytest.fixture(scope="module")
def graph() -> grimp.ImportGraph:
    return grimp.build_graph("lawline")


def _top(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else None  # `lawline` itself only holds the version


def _package_arrows(graph: grimp.ImportGraph) -> dict[str, dict[str, set[tuple[str, str]]]]:
    """package -> imported package -> the (importer, imported) module pairs behind the arrow."""
    arrows: dict[str, dict[str, set[tuple[str, str]]]] = defaultdict(lambda: defaultdict(set))
    for module in graph.modules:
        source = _top(module)
        for imported in graph.find_modules_directly_imported_by(module):
            target = _top(imported)
            if source and target and source != target:
                arrows[source][target].add((module, imported))
    return arrows


def _layer(package: str) -> int:
    for index, layer in enumerate(LAYERS):
        if package in layer:
            return index
    raise AssertionError(f"lawline.{package} has no layer: add it to LAYERS and the docs")


def _cycles(arrows: dict[str, dict[str, set[tuple[str, str]]]]) -> list[list[str]]:
    """Strongly connected components with more than one package (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for nxt in arrows.get(node, {}):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(set(arrows) | {t for targets in arrows.values() for t in targets}):
        if node not in index:
            visit(node)
    return found


def test_every_package_has_a_layer(graph: grimp.ImportGraph) -> None:
    packages = {p for m in graph.modules if (p := _top(m))}
    for package in sorted(packages):
        _layer(package)


def test_no_cycle_between_packages(graph: grimp.ImportGraph) -> None:
    assert _cycles(_package_arrows(graph)) == []


def test_the_cycle_finder_finds_a_cycle() -> None:
    arrows = {"a": {"b": {("x", "y")}}, "b": {"c": {("x", "y")}}, "c": {"a": {("x", "y")}}}
    assert _cycles(arrows) == [["a", "b", "c"]]  # type: ignore[arg-type]


def test_no_arrow_points_up_a_layer(graph: grimp.ImportGraph) -> None:
    upward = [
        f"{importer} -> {imported}"
        for source, targets in _package_arrows(graph).items()
        for target, pairs in targets.items()
        if _layer(target) > _layer(source)
        for importer, imported in sorted(pairs)
    ]
    assert upward == []


def test_ground_packages_keep_their_order(graph: grimp.ImportGraph) -> None:
    """core imports no other lawline package; audit only core; the platform core and audit;
    tally (the transparency counters) only core."""
    allowed = {
        "core": set(),
        "logs": {"core"},
        "audit": {"core"},
        "outbox": {"core", "audit"},
        "platform": {"core", "audit"},
        "tally": {"core"},
    }
    arrows = _package_arrows(graph)
    extra = {p: sorted(set(arrows.get(p, {})) - allowed[p]) for p in GROUND}
    assert extra == {p: [] for p in GROUND}


@pytest.mark.parametrize(
    ("importer", "forbidden"),
    [
        ("disclosure", "legal"),  # it receives plain orders
        ("disclosure", "authorities"),
        ("disclosure", "staff"),
        ("moderation", "legal"),  # legal reads violations, never the other way
    ],
)
def test_domain_arrows_point_one_way(
    graph: grimp.ImportGraph, importer: str, forbidden: str
) -> None:
    assert not graph.chain_exists(f"lawline.{importer}", f"lawline.{forbidden}", as_packages=True)


def test_nothing_below_the_front_ends_imports_transparency(graph: grimp.ImportGraph) -> None:
    """Transparency only reads: front ends serve its reports, no domain or ground package may
    depend on it (so a report can never change what it reports on)."""
    arrows = _package_arrows(graph)
    importers = {p for p, targets in arrows.items() if "transparency" in targets}
    assert importers <= set(FRONT_ENDS)


def test_lawline_models_collects_every_model(graph: grimp.ImportGraph) -> None:
    """Alembic sees the schema through `lawline.models` alone: every table any module defines
    is there after importing just that module (in a fresh interpreter)."""
    import importlib
    import subprocess
    import sys

    from lawline.core.db import Base

    # a model subclasses `Base`, so its module imports `Base` from `lawline.core.db` itself
    for module in sorted(graph.find_modules_that_directly_import("lawline.core.db")):
        lines = graph.get_import_details(importer=module, imported="lawline.core.db")
        if any("Base" in line["line_contents"] for line in lines):
            importlib.import_module(module)
    alone = subprocess.run(
        [
            sys.executable,
            "-c",
            "import lawline.models as m; print(' '.join(sorted(m.metadata.tables)))",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert alone == sorted(Base.metadata.tables)
