"""Store-and-forward to the central back-office database (``[fleet]``; docs/FLEET.md).

``fleet_forwarder(config, events, registry)`` builds the forwarder of a configuration with ``[fleet]``
(None without it: nothing changes). ``sources`` reads the local stores, ``watermarks`` remembers what
the central database has, ``forwarder`` moves rows between them on a thread of its own.
"""

from __future__ import annotations

from typing import Any

from ..config import Config
from ..device_state import short_name
from ..ports import EventPublisher
from ..registry import DeviceRegistry
from ..storage_files import outbox_path
from .forwarder import FleetForwarder, FleetStatus
from .sources import LocalFiles
from .watermarks import FILE_NAME, Watermarks

__all__ = ["FleetForwarder", "FleetStatus", "fleet_forwarder"]


def device_summary(registry: DeviceRegistry) -> dict[str, Any]:
    """The heartbeat's devices: slot -> kind, state and the last fault's stable reason key."""
    summary: dict[str, Any] = {}
    for slot_name, slot in list(registry.slots.items()):
        fault = slot.last_error.reason if slot.last_error is not None else ""
        summary[slot_name] = {"kind": str(slot.kind), "state": short_name(slot.state), "fault": fault}
    return summary


def fleet_forwarder(
    config: Config, events: EventPublisher, registry: DeviceRegistry
) -> FleetForwarder | None:
    if config.fleet is None:
        return None
    files = LocalFiles(config.storage_dir, outbox_path(config))
    kinds = {slot_name: str(slot.kind) for slot_name, slot in registry.slots.items()}
    return FleetForwarder(
        config.fleet,
        files.sources(config.fleet.terminal_id, kinds),
        Watermarks(config.storage_dir / FILE_NAME, config.fleet.terminal_id),
        events,
        devices=lambda: device_summary(registry),
    )
