"""No import circles and no layer breaks in the tree (CONTRIBUTING.md, "Layout and import direction").

A circle (modules that import one another, directly or through others, at module level or inside a
function) fails here; so does an import against the layers: the domain imports no driver and no daemon
code, drivers no daemon code, simulators nothing they simulate, the UI only the daemon's API. The first
tests prove on small made-up trees that the walk sees what it must.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

from tests.support.import_graph import circles, js_graph, layer_breaks, python_graph

ROOT = Path(__file__).parents[3]


@functools.cache
def project_graph() -> dict[str, set[str]]:
    """The tree's Python import graph, read once (parsing every module takes a few seconds)."""
    return python_graph(ROOT)


def write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")


def test_the_walk_finds_a_circle_hidden_in_a_function_or_under_type_checking(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "daemon/__init__.py": "",
            "daemon/options.py": "def listen():\n    from .metrics import parse\n    return parse\n",
            "daemon/metrics.py": "from daemon.options import listen\n",
            "daemon/server.py": "from .metrics import listen\n",
            "daemon/parts/__init__.py": "",
            "daemon/parts/a.py": "import typing\nif typing.TYPE_CHECKING:\n    from ..server import x\n",
            "daemon/parts/b.py": "from . import a\n",
        },
    )
    graph = python_graph(tmp_path, ["daemon"])
    assert graph["daemon.parts.b"] == {"daemon.parts.a"}  # `from . import a` is the submodule
    assert circles(graph) == [["daemon.metrics", "daemon.options"]]
    graph["daemon.server"].add("daemon.parts.a")
    assert circles(graph) == [["daemon.metrics", "daemon.options"], ["daemon.parts.a", "daemon.server"]]


def test_the_walk_finds_a_circle_between_scripts(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "kiosk_ui/static/js/resident.js": "import { render } from './shell.js';\n",
            "kiosk_ui/static/js/shell.js": "export function render() { return import('./resident.js'); }\n",
            "kiosk_ui/static/js/api.js": "export const x = 1;\n",
        },
    )
    graph = js_graph(tmp_path)
    assert graph["kiosk_ui/static/js/api.js"] == set()
    assert circles(graph) == [["kiosk_ui/static/js/resident.js", "kiosk_ui/static/js/shell.js"]]


def test_the_walk_finds_a_layer_break(tmp_path: Path) -> None:
    write(tmp_path, {"frontyard/fees.py": "import drivers.ipp\n", "drivers/ipp.py": "import re\n"})
    assert layer_breaks(python_graph(tmp_path, ["frontyard", "drivers"])) == [
        "frontyard.fees -> drivers.ipp (the domain touches no device)"
    ]


def test_no_import_circle_in_the_python_packages() -> None:
    assert circles(project_graph()) == []


def test_no_import_circle_in_the_kiosk_scripts() -> None:
    graph = js_graph(ROOT)
    assert "kiosk_ui/static/js/resident.js" in graph  # the walk read the scripts
    assert circles(graph) == []


def test_no_import_against_the_layers() -> None:
    graph = project_graph()
    assert graph.get("daemon.server")  # the walk read the modules
    assert layer_breaks(graph) == []


def test_no_test_imports_another_areas_conftest() -> None:
    """Shared fixtures live in tests/fixtures/ (auto-loaded); a conftest serves only its own folder."""
    conftest_import = re.compile(r"^\s*from ([\w.]+)\.conftest import", re.MULTILINE)
    found = []
    for path in sorted((ROOT / "tests").rglob("*.py")):
        folder = ".".join(path.parent.relative_to(ROOT).parts)
        for module in conftest_import.findall(path.read_text(encoding="utf-8")):
            if module != folder:
                found.append(f"{path.relative_to(ROOT)}: {module}.conftest")
    assert found == []
