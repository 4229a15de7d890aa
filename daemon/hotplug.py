"""Hot-plug: when a USB device, camera or serial port appears, offline device slots retry at once.

A slot whose device is missing already retries with backoff (at most every 15 s, ``registry``); with
``pyudev`` and a readable udev netlink socket, an ``add`` event in the ``usb``, ``video4linux`` or
``tty`` subsystem wakes every OFFLINE slot, so a printer plugged in after start-up prints seconds later.
Without udev (containers, no libudev) the polling alone does it (``mode == "polling"``).
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from kiosk.v1 import events_pb2

from .registry import DeviceRegistry

_LOGGER = logging.getLogger(__name__)
SUBSYSTEMS = ("usb", "video4linux", "tty")


class HotPlug:
    def __init__(self, registry: DeviceRegistry) -> None:
        self._registry = registry
        self._monitor: Any = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self.mode = "polling"

    def start(self) -> None:
        """Listen to udev when possible; otherwise rely on the slots' own polling."""
        if not self._registry.slots:
            return
        try:
            import pyudev

            monitor = pyudev.Monitor.from_netlink(pyudev.Context())
            for subsystem in SUBSYSTEMS:
                monitor.filter_by(subsystem)
            monitor.start()
        except Exception as exc:  # no libudev, no netlink in a container: polling is enough
            _LOGGER.info("hot-plug by polling (udev unavailable: %s)", exc)
            return
        self._loop = asyncio.get_running_loop()
        self._monitor = monitor
        self._loop.add_reader(monitor.fileno(), self._on_readable)
        self.mode = "udev"

    def _on_readable(self) -> None:
        while True:
            device = self._monitor.poll(timeout=0)
            if device is None:
                return
            if device.action == "add":
                self.device_added(str(device.subsystem))

    def device_added(self, subsystem: str) -> int:
        """Wake every OFFLINE slot; returns how many were woken."""
        woken = 0
        for slot in self._registry.slots.values():
            if slot.state in (
                events_pb2.DeviceState.DEVICE_STATE_OFFLINE,
                events_pb2.DeviceState.DEVICE_STATE_CLOSED,
            ):
                slot.wake()
                woken += 1
        if woken:
            _LOGGER.info("device added (%s): retrying %d offline device(s)", subsystem, woken)
        return woken

    def stop(self) -> None:
        if self._monitor is not None and self._loop is not None:
            self._loop.remove_reader(self._monitor.fileno())
            self._monitor = None
