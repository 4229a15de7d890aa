"""One daemon with the camera simulator as its camera, shared by this folder's tests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.fixtures.camera import CameraSimulator
from tests.fixtures.daemon import RunningDaemon, daemon_config
from tests.support.processes import PYTHON, start_with_ready_line


@pytest.fixture(scope="module")
def daemon(camera_sim: CameraSimulator, tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningDaemon]:
    where = Path(tmp_path_factory.mktemp("camera-daemon"))
    config = daemon_config(where, {"camera": ("camera", camera_sim.endpoint)})
    process = start_with_ready_line(
        [PYTHON, "-m", "daemon", "--config", str(config)], where / "d.log", timeout=30
    )
    running = RunningDaemon(
        process, where, {r: where / "run" / f"{r}.sock" for r in ("kiosk", "staff", "admin")}
    )
    try:
        yield running
    finally:
        running.stop()
