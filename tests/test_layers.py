"""The package structure, drawn from the code's imports: every import runs down the layers,
never up or sideways between sibling packages, and no modules import each other in a circle.

Layers, lowest first (a package may import only packages of lower layers, and itself):

    sanitize, writes             the printing edge's sanitiser and the one atomic writer
    problems, vocabulary         values and names everything shares
    callables                    load, lint, diff: packages that, called, are api functions
                                 (it looks netfence.api up by name when called)
    load                         reading manifests
    model                        immutable typed objects
    validate                     the API server's checks
    engine                       NetworkPolicy semantics
    blueprint                    the AI-mesh description and its manifests
    inputs                       the front door: input specs to a validated model
    lint, diff, probes           analyses over the engine (probes: the probe protocol)
    lab, cluster                 the two data planes (runners of the probe protocol)
    report                       rendering of every result in every format
    api                          the public library's functions
    netfence                     its facade, ``import netfence``
    cli                          the command line
    __main__                     ``python -m netfence``

Inside ``cli`` the command modules import only the shared helpers (``cli.common``,
``cli.front``), never each other.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src" / "netfence"
LAYERS: tuple[tuple[str, ...], ...] = (
    ("sanitize", "writes"),
    ("problems", "vocabulary", "callables"),
    ("load",),
    ("model",),
    ("validate",),
    ("engine",),
    ("blueprint",),
    ("inputs",),
    ("lint", "diff", "probes"),
    ("lab", "cluster"),
    ("report",),
    ("api",),
    ("",),
    ("cli",),
    ("__main__",),
)
LAYER_OF = {package: level for level, packages in enumerate(LAYERS) for package in packages}
CLI_HELPERS = {
    "netfence.cli",
    "netfence.cli.common",
    "netfence.cli.front",
    "netfence.cli.possible",
    "netfence.cli.progress",
}


def module_name(path: Path) -> str:
    parts = ("netfence", *path.relative_to(SRC).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported(path: Path, name: str, modules: set[str]) -> Iterator[str]:
    """Every netfence module ``path`` imports (at the top, in functions, or for typing):
    ``from package import module`` is that module, ``from module import name`` the module."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            names = [f"{base}.{alias.name}" for alias in node.names]
            targets = [n for n in names if n in modules] or [base]
        else:
            continue
        yield from (t for t in targets if t == "netfence" or t.startswith("netfence."))


def import_graph() -> dict[str, set[str]]:
    """Module -> the netfence modules it imports (names that are not modules are dropped)."""
    paths = {module_name(p): p for p in SRC.rglob("*.py")}
    return {
        name: {t for t in imported(path, name, set(paths)) if t in paths and t != name}
        for name, path in paths.items()
    }


def package_of(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def test_every_package_has_a_layer() -> None:
    assert {package_of(m) for m in import_graph()} <= set(LAYER_OF)


def test_imports_run_down_the_layers() -> None:
    wrong = sorted(
        f"{source} imports {target}"
        for source, targets in import_graph().items()
        for target in targets
        if package_of(source) != package_of(target)
        and LAYER_OF[package_of(target)] >= LAYER_OF[package_of(source)]
    )
    assert wrong == []


def test_command_modules_import_no_other_command_module() -> None:
    wrong = sorted(
        f"{source} imports {target}"
        for source, targets in import_graph().items()
        if package_of(source) == "cli"
        for target in targets
        if package_of(target) == "cli" and target not in CLI_HELPERS
    )
    assert wrong == []


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph[node]):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_no_import_cycles() -> None:
    assert cycles(import_graph()) == []


def test_the_check_sees_a_cycle_and_an_upward_import() -> None:
    assert cycles({"a": {"b"}, "b": {"a"}, "c": set()}) == [["a", "b"]]
    assert LAYER_OF["report"] > LAYER_OF["lab"] > LAYER_OF["probes"]
