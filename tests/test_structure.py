"""The package's structure: no import cycles between its modules (imports inside functions
count too), and the library never imports the command line."""

from __future__ import annotations

import ast
from pathlib import Path

from conftest import ROOT

PACKAGE = ROOT / "src" / "answer_evaluator"
#: The command-line layer: it may import the library, never the other way round.
COMMAND_LINE = {"answer_evaluator.cli", "answer_evaluator.__main__"}


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(path: Path, modules: set[str]) -> set[str]:
    """The package's modules that `path` imports anywhere in its code."""
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[:len(base) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            candidates = [target] + [f"{target}.{a.name}" for a in node.names]
        elif isinstance(node, ast.Import):
            candidates = [a.name for a in node.names]
        else:
            continue
        found.update(c for c in candidates if c in modules and c != name)
    return found


def graph() -> dict[str, set[str]]:
    paths = sorted(PACKAGE.rglob("*.py"))
    modules = {module_name(p) for p in paths}
    return {module_name(p): imports(p, modules) for p in paths}


def test_no_module_of_the_library_imports_the_command_line():
    edges = graph()
    offenders = {m for m, targets in edges.items()
                 if targets & {"answer_evaluator.cli"} and m not in COMMAND_LINE}
    assert not offenders


def test_there_are_no_import_cycles():
    edges = graph()
    # a package's __init__ re-exports its modules; an edge into a package stands for it
    cycles = []
    state: dict[str, int] = {}

    def visit(node: str, trail: list[str]) -> None:
        state[node] = 1
        for target in sorted(edges.get(node, ())):
            if target.startswith(node + "."):
                continue                      # a package importing its own modules
            if state.get(target) == 1:
                cycles.append(trail[trail.index(target):] + [target] if target in trail
                              else trail + [target])
            elif target not in state:
                visit(target, trail + [target])
        state[node] = 2

    for module in sorted(edges):
        if module not in state:
            visit(module, [module])
    assert not cycles, cycles


def test_the_graph_sees_lazy_imports():
    edges = graph()
    # engine imports the keyword matcher at the top and scoring; cli imports batch lazily
    assert "answer_evaluator.keywords" in edges["answer_evaluator.engine"]
    assert "answer_evaluator.batch" in edges["answer_evaluator.cli"]
