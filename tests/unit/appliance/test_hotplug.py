"""The hot-plug glue: udev ``add`` events read from the monitor wake the OFFLINE slots, nothing else."""

from __future__ import annotations

from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

from kiosk.v1 import events_pb2

from daemon.hotplug import HotPlug

State = events_pb2.DeviceState


@dataclass
class FakeSlot:
    state: int
    woken: int = 0

    def wake(self) -> None:
        self.woken += 1


@dataclass
class FakeMonitor:
    """Yields queued udev devices from ``poll(timeout=0)``, then None (nothing more to read)."""

    queued: list[Any] = field(default_factory=list)

    def poll(self, timeout: float) -> Any:
        return self.queued.pop(0) if self.queued else None


def test_add_events_wake_offline_slots_only() -> None:
    slots = {
        "receipt": FakeSlot(State.DEVICE_STATE_OFFLINE),
        "camera": FakeSlot(State.DEVICE_STATE_CLOSED),
        "card": FakeSlot(State.DEVICE_STATE_IDLE),
    }
    hotplug = HotPlug(SimpleNamespace(slots=slots))  # type: ignore[arg-type]
    monitor = FakeMonitor(
        [
            SimpleNamespace(action="remove", subsystem="usb"),
            SimpleNamespace(action="bind", subsystem="usb"),
            SimpleNamespace(action="add", subsystem="usb"),
            SimpleNamespace(action="add", subsystem="video4linux"),
        ]
    )
    hotplug._monitor = monitor
    hotplug._on_readable()
    assert (slots["receipt"].woken, slots["camera"].woken, slots["card"].woken) == (2, 2, 0)
    assert monitor.queued == []


def test_without_devices_nothing_listens() -> None:
    hotplug = HotPlug(SimpleNamespace(slots={}))  # type: ignore[arg-type]
    hotplug.start()
    assert hotplug.mode == "polling" and hotplug._monitor is None
