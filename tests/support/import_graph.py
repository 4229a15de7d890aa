"""The project's import graph, read with ``ast`` (Python) and a pattern (the kiosk's ES modules).

Every ``import`` / ``from … import`` between our own modules counts: at module level, inside functions
and under ``TYPE_CHECKING`` alike (a function-local import hides a circle, it does not remove it).
``from package import submodule`` imports the submodule; ``from package import name`` the package.
JavaScript: ``import … from './x.js'``, ``export … from`` and ``import('./x.js')`` in kiosk_ui/static/js.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

PACKAGES = ("backoffice", "daemon", "drivers", "frontyard", "simulators", "kiosk_ui", "bench")
JS_DIR = Path("kiosk_ui") / "static" / "js"
_JS_IMPORT = re.compile(
    r"""(?:import|export)\s[^'"]*?from\s*['"](\.{1,2}/[^'"]+)['"]|import\(\s*['"](\.{1,2}/[^'"]+)['"]"""
)

Graph = dict[str, set[str]]


@dataclass(frozen=True)
class LayerRule:
    """Modules of ``importer`` never import modules of ``imported``."""

    importer: str
    imported: str
    why: str


LAYERS = (
    LayerRule("frontyard", "drivers", "the domain touches no device"),
    LayerRule("frontyard", "daemon", "the domain is pure"),
    LayerRule("drivers", "daemon", "drivers know nothing of the daemon"),
    LayerRule("simulators", "drivers", "a simulator shares no code with what it tests"),
    LayerRule("simulators", "daemon", "a simulator shares no code with what it tests"),
    LayerRule("kiosk_ui", "drivers", "the UI reaches devices only through the daemon"),
    LayerRule("kiosk_ui", "frontyard", "decisions live in the daemon"),
    LayerRule("backoffice", "drivers", "the back office touches no device"),
)


def module_name(relative: Path) -> str:
    parts = list(relative.with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def python_graph(root: Path, packages: Iterable[str] = PACKAGES) -> Graph:
    """Module → the project modules it imports."""
    paths = [path for package in packages for path in (root / package).rglob("*.py")]
    modules = {module_name(path.relative_to(root)): path for path in paths if "__pycache__" not in path.parts}

    def ours(name: str) -> str | None:
        """The longest project module that ``name`` is or lies in."""
        while name and name not in modules:
            name = name.rpartition(".")[0]
        return name or None

    graph: Graph = {}
    for module, path in modules.items():
        package = module if path.name == "__init__.py" else module.rpartition(".")[0]
        targets: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                targets.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    parents = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                    base = ".".join(parents + ([node.module] if node.module else []))
                for alias in node.names:
                    submodule = f"{base}.{alias.name}"
                    targets.add(submodule if submodule in modules else base)
        graph[module] = {found for found in map(ours, targets) if found is not None and found != module}
    return graph


def js_graph(root: Path) -> Graph:
    """Script (path from the root) → the scripts it imports."""
    graph: Graph = {}
    for path in sorted((root / JS_DIR).rglob("*.js")):
        name = str(path.relative_to(root))
        graph[name] = set()
        for match in _JS_IMPORT.finditer(path.read_text(encoding="utf-8")):
            target = (path.parent / (match.group(1) or match.group(2))).resolve()
            if target.is_relative_to(root.resolve()):
                graph[name].add(str(target.relative_to(root.resolve())))
    return graph


def _reachable(graph: Graph, start: str) -> set[str]:
    seen: set[str] = set()
    todo = list(graph.get(start, ()))
    while todo:
        node = todo.pop()
        if node not in seen:
            seen.add(node)
            todo.extend(graph.get(node, ()))
    return seen


def circles(graph: Graph) -> list[list[str]]:
    """Each group of modules that import one another, directly or through others (sorted)."""
    reach = {node: _reachable(graph, node) for node in graph}
    found: list[list[str]] = []
    placed: set[str] = set()
    for node in sorted(graph):
        if node in placed or node not in reach[node]:
            continue
        group = {other for other in reach[node] if node in reach[other]}
        placed |= group
        found.append(sorted(group))
    return found


def layer_breaks(graph: Graph) -> list[str]:
    """``importer -> imported (why)`` for each import a ``LAYERS`` rule forbids."""
    return [
        f"{source} -> {target} ({rule.why})"
        for source, targets in sorted(graph.items())
        for target in sorted(targets)
        for rule in LAYERS
        if source.split(".")[0] == rule.importer and target.split(".")[0] == rule.imported
    ]
