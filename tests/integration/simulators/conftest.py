"""``frontyard-sim`` with the four simulators that need no pcscd, once per module."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.processes import PYTHON, RunningProcess, start_with_ready_line

SIMULATED = ("escpos_printer", "ipp_printer", "zvt_terminal", "camera")


@pytest.fixture(scope="module")
def supervisor(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningProcess]:
    """The ready line names each simulator's ``endpoint`` and ``control`` URL, and the gRPC ``control``."""
    where = tmp_path_factory.mktemp("sims")
    args = [PYTHON, "-m", "simulators.supervisor", "--only", *SIMULATED, "--state-dir", str(where / "state"),
            "--control", "127.0.0.1:0"]  # fmt: skip
    process = start_with_ready_line(args, where / "supervisor.log", timeout=60)
    try:
        yield process
    finally:
        process.stop()
