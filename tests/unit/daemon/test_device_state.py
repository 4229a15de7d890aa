"""The short device state names the logs, metrics and the central database use."""

from __future__ import annotations

from kiosk.v1 import events_pb2

from daemon.device_state import short_name


def test_every_state_drops_its_prefix() -> None:
    names = {short_name(value) for value in events_pb2.DeviceState.values()}
    assert names == {"UNSPECIFIED", "CLOSED", "IDLE", "BUSY", "ERROR", "OFFLINE"}
    assert short_name(events_pb2.DEVICE_STATE_ERROR) == "ERROR"
