"""A still, a QR scan and a health check show the stand now, not frames a stream buffered earlier.

The simulator here sends frames as fast as the reader takes them, so the stream's buffers are always full
of frames the driver has not decoded yet, whatever the load on the machine: a reader slower than its
camera, as the daemon is on a loaded machine. A driver that reads on from an old connection sees the
document that lay on the stand before the change.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from drivers.base import DeviceUnavailable
from drivers.camera import CameraDevice, CaptureSettings, QrCode, open_device
from drivers.camera.geometry import find_card
from tests.fixtures.camera import CameraSimulator
from tests.support.processes import PYTHON, start_with_ready_line

pytestmark = pytest.mark.integration

FLOOD_FPS = 1000  # faster than any decoder here: the stream's buffers stay full


@pytest.fixture(scope="module")
def flooding_sim(tmp_path_factory: pytest.TempPathFactory) -> Iterator[CameraSimulator]:
    log_path = Path(tmp_path_factory.mktemp("camera-flood")) / "camera-sim.log"
    process = start_with_ready_line(
        [PYTHON, "-m", "simulators.camera", "--fps", str(FLOOD_FPS), "--width", "1280", "--height", "720"],
        log_path,
    )
    try:
        yield CameraSimulator(process, process.ready["endpoint"], process.ready["control"])
    finally:
        process.stop()


@pytest.fixture
def flooded_camera(flooding_sim: CameraSimulator) -> Iterator[CameraDevice]:
    flooding_sim.post("remove")
    device = open_device(flooding_sim.endpoint, CaptureSettings(width=1280, height=720))
    try:
        device.open()
        yield device
    finally:
        device.close()


def test_still_shows_the_document_placed_after_the_last_still(
    flooding_sim: CameraSimulator, flooded_camera: CameraDevice
) -> None:
    assert find_card(flooded_camera.capture_still()) is None
    flooding_sim.post("place", {"document": "licence"})
    assert find_card(flooded_camera.capture_still()) is not None
    flooding_sim.post("remove")
    assert find_card(flooded_camera.capture_still()) is None


def test_qr_scan_shows_the_slip_placed_after_the_last_scan(
    flooding_sim: CameraSimulator, flooded_camera: CameraDevice
) -> None:
    for payload in ("受付番号 A-0107", "受付番号 B-0208"):
        flooding_sim.post("place", {"document": "qr", "payload": payload})
        assert flooded_camera.scan_qr() == [QrCode(payload, "utf-8")]


def test_health_check_reads_the_camera_now(
    flooding_sim: CameraSimulator, flooded_camera: CameraDevice
) -> None:
    flooded_camera.check_health()
    flooding_sim.post("disconnect", {"mode": "close"})
    try:
        with pytest.raises(DeviceUnavailable):
            flooded_camera.check_health()
    finally:
        flooding_sim.post("reconnect")
