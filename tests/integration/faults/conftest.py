"""Shared processes for the fault matrix: printer, terminal and camera simulators + one daemon per module.

The card rows use the restartable private pcscd of ``tests/fixtures/card_service.py``, so a pcscd restart
never disturbs other tests.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.fixtures.camera import CameraSimulator
from tests.fixtures.daemon import FAST_PRINTING
from tests.fixtures.escpos import EscposSimulator
from tests.fixtures.ipp import IppSimulator
from tests.fixtures.payment import ZvtSimulator
from tests.support.fault_steps import DeviceBench
from tests.support.shared_daemon import start_shared_daemon


@pytest.fixture(scope="module")
def device_bench(
    escpos_simulator_process: EscposSimulator,
    ipp_module: IppSimulator,
    zvt_module: ZvtSimulator,
    camera_sim: CameraSimulator,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[DeviceBench]:
    where = Path(tmp_path_factory.mktemp("faults-daemon"))
    shell = DeviceBench(escpos_simulator_process, ipp_module, zvt_module, camera_sim, None)  # type: ignore[arg-type]
    shell.reset()
    shell.daemon = start_shared_daemon(where, shell.devices(), extra=FAST_PRINTING)
    try:
        yield shell
    finally:
        shell.daemon.stop()
