"""A device state's short name: "ERROR" for ``DEVICE_STATE_ERROR``.

The logs, the metrics' ``state`` label (in lower case) and the central database's device states use it,
as they did before the enum values carried their prefix.
"""

from __future__ import annotations

from kiosk.v1 import events_pb2


def short_name(state: int) -> str:
    return events_pb2.DeviceState.Name(state).removeprefix("DEVICE_STATE_")
