"""Shared processes for the fault matrix: printer, terminal and camera simulators + one daemon per module.

The card rows reuse the private pcscd of ``tests/integration/card_service`` (its fixtures are imported
here), so a pcscd restart never disturbs other tests.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.fixtures.camera import CameraSimulator
from tests.fixtures.daemon import RunningDaemon
from tests.fixtures.escpos import EscposSimulator
from tests.fixtures.ipp import IppSimulator
from tests.fixtures.payment import ZvtSimulator
from tests.integration.card_service.conftest import bench, card_bench, card_daemon  # noqa: F401
from tests.support.processes import PYTHON, start_with_ready_line
from tests.support.shared_daemon import start_shared_daemon

FAST = "\n[options.printing]\nhold_poll_s = 0.2\nfollow_poll_s = 0.1\n"


@dataclass
class DeviceBench:
    """The module's simulators and the daemon that drives them (faults reset by ``reset``)."""

    escpos: EscposSimulator
    ipp: IppSimulator
    zvt: ZvtSimulator
    camera: CameraSimulator
    daemon: RunningDaemon

    def devices(self) -> dict[str, tuple[str, str]]:
        return {
            "receipt": ("escpos", self.escpos.uri(timeout=3)),
            "forms": ("ipp", self.ipp.endpoint),
            "payment": ("zvt", f"{self.zvt.endpoint}?t1=1&t3=2&t4=1"),
            "camera": ("camera", self.camera.endpoint),
        }

    def reset(self) -> None:
        self.escpos.post("clear")
        self.ipp.control("clear")
        self.ipp.control("speed", {"ppm": 600})
        self.zvt.control("clear", {})
        self.zvt.control("delay", {"ms": 0})
        self.camera.post("reconnect")
        self.camera.post("remove")


@pytest.fixture(scope="module")
def ipp_module(tmp_path_factory: pytest.TempPathFactory) -> Iterator[IppSimulator]:
    where = tmp_path_factory.mktemp("ipp")
    args = [PYTHON, "-m", "simulators.ipp_printer", "--state-dir", str(where / "sim"), "--ppm", "600"]
    process = start_with_ready_line(args, where / "ipp.log")
    try:
        yield IppSimulator(
            process.ready["endpoint"], process.ready["control"], where / "sim", where / "ipp.log"
        )
    finally:
        process.stop()


@pytest.fixture(scope="module")
def zvt_module(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ZvtSimulator]:
    where = tmp_path_factory.mktemp("zvt")
    simulator = ZvtSimulator(where / "state", where)
    simulator.start()
    try:
        yield simulator
    finally:
        simulator.stop()


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
    shell.daemon = start_shared_daemon(where, shell.devices(), extra=FAST)
    try:
        yield shell
    finally:
        shell.daemon.stop()
