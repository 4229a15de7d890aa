"""Fixtures shared by every test: each area's process fixtures live in ``tests/fixtures/<area>.py``."""

from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

# the fixture modules import each other (card_service uses daemon): rewrite asserts in all of them
pytest.register_assert_rewrite("tests.fixtures", "tests.support")

pytest_plugins = sorted(
    f"tests.fixtures.{path.stem}"
    for path in (Path(__file__).parent / "fixtures").glob("*.py")
    if path.stem != "__init__"
)

# The machines are shared and noisy (2 cores): what a property test checks is correctness, never speed,
# so hypothesis neither times examples out nor fails a test because generating inputs was slow.
settings.register_profile("frontyard", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("frontyard")
