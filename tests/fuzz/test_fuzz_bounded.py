"""Each atheris harness for a few seconds (CI), and proof that a harness reports a broken parser."""

from __future__ import annotations

import subprocess

import pytest

from tests.fuzz.harnesses import HARNESSES, Finding, Harness, run_random
from tests.support.processes import PYTHON, REPO_ROOT

SECONDS_EACH = 2


@pytest.mark.integration
@pytest.mark.parametrize("name", sorted(HARNESSES))
def test_harness_finds_nothing(name: str) -> None:
    result = subprocess.run(
        [PYTHON, "-m", "tests.fuzz", "--seconds", str(SECONDS_EACH), name],
        capture_output=True,
        text=True,
        cwd=REPO_ROOT,
        timeout=SECONDS_EACH + 60,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert name in result.stdout and "FINDING" not in result.stdout


@pytest.mark.parametrize("name", sorted(HARNESSES))
def test_seeds_are_accepted_or_refused_cleanly(name: str) -> None:
    target, seeds = HARNESSES[name].load()
    assert seeds
    for seed in seeds:
        target(seed)


def test_a_parser_that_breaks_its_contract_is_a_finding() -> None:
    def build():  # type: ignore[no-untyped-def]
        def parse(data: bytes) -> None:
            if data[:1] == b"\x00":
                raise ValueError("bad")
            if len(data) > 3:
                raise KeyError("not the parser's error type")

        return parse, (ValueError,), [b"\x00", b"ab"]

    broken = Harness("broken", (), build)
    target, _ = broken.load()
    target(b"\x00zzzz")  # its own error: fine
    with pytest.raises(Finding, match="KeyError"):
        target(b"abcd")
    with pytest.raises(Finding):
        run_random(broken, seconds=2)
