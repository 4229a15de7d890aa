"""One operation at a time per device: the registry's worker against a real printer simulator."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import pytest
from kiosk.v1 import events_pb2

from daemon.config import DeviceSlotConfig
from daemon.events import EventLog
from daemon.registry import DeviceRegistry
from drivers.base import Device, DeviceBusy
from tests.fixtures.escpos import EscposSimulator
from tests.support.waiting import wait_until_async

pytestmark = pytest.mark.integration


async def test_a_second_operation_while_one_runs_is_refused_busy(
    tmp_path: Path, escpos_sim: EscposSimulator
) -> None:
    events = EventLog(tmp_path / "events.sqlite3")
    events.bind_loop(asyncio.get_running_loop())
    registry = DeviceRegistry((DeviceSlotConfig("receipt", "escpos", escpos_sim.uri(), 30.0),), events)
    registry.start()
    slot = registry.get("devices/receipt")
    try:
        await wait_until_async(lambda: slot.state == events_pb2.DEVICE_STATE_IDLE)
        assert slot.state == events_pb2.DEVICE_STATE_IDLE

        def slow_status_reads(device: Device) -> int:
            for _ in range(5):
                device.check_health()
                time.sleep(0.05)
            return 5

        first = asyncio.create_task(slot.call(slow_status_reads, operation="slow"))
        await wait_until_async(lambda: slot.state == events_pb2.DEVICE_STATE_BUSY)
        assert slot.current_operation == "slow"
        with pytest.raises(DeviceBusy, match="busy with slow"):
            await slot.call(lambda device: device.check_health(), operation="second")
        assert await first == 5
        assert slot.state == events_pb2.DEVICE_STATE_IDLE
        states = [e.state_changed.state for e in events.read_after(0) if e.HasField("state_changed")]
        assert states[-2:] == [events_pb2.DEVICE_STATE_BUSY, events_pb2.DEVICE_STATE_IDLE]
        # Once the first has finished, the device takes the next operation.
        health = await slot.call(lambda device: device.check_health(), operation="third")
        assert health.ready
    finally:
        await registry.stop()
        events.close()
