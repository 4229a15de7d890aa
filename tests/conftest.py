"""Fixtures shared by every test: each area's process fixtures live in ``tests/fixtures/<area>.py``."""

from pathlib import Path

pytest_plugins = sorted(
    f"tests.fixtures.{path.stem}"
    for path in (Path(__file__).parent / "fixtures").glob("*.py")
    if path.stem != "__init__"
)
