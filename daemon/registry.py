"""The device registry: one slot per configured device, each with its own worker and monitor.

A slot owns its driver. Operations run one at a time on the slot's worker thread; a second one while
the first runs is refused with ``DeviceBusy``. The monitor opens the device, reads its health every
``poll_interval_s`` while idle, marks it OFFLINE when the transport fails and reopens it with backoff.
RPC handlers read the slot's cached state and never poll the device themselves (docs/STYLE.md habit 10).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import dataclasses
import datetime as dt
import logging
import uuid
from collections.abc import Callable
from typing import Any, TypeVar

from kiosk.v1 import events_pb2

from drivers.base import Device, DeviceBusy, DeviceError, DeviceHealth, DeviceKind, DeviceUnavailable

from .config import DeviceSlotConfig
from .device_state import short_name
from .drivers_catalog import load_driver
from .events import EventLog

_LOGGER = logging.getLogger(__name__)

T = TypeVar("T")
State = events_pb2.DeviceState


BACKOFF_INITIAL_S = 0.5
BACKOFF_MAX_S = 15.0


@dataclasses.dataclass
class LastError:
    reason: str
    message: str
    message_ja: str
    time: dt.datetime


class DeviceSlot:
    def __init__(self, config: DeviceSlotConfig, events: EventLog) -> None:
        module = load_driver(config.driver)
        self.config = config
        self.kind: DeviceKind = module.DRIVER.kind
        self._open_device: Callable[[str], Device] = module.open_device
        self._events = events
        self.device: Device | None = None
        self.state: int = State.DEVICE_STATE_CLOSED
        self.state_time = dt.datetime.now(dt.UTC)
        self.health = DeviceHealth()
        self.last_error: LastError | None = None
        self.current_operation = ""
        self._worker = concurrent.futures.ThreadPoolExecutor(1, thread_name_prefix=f"device-{config.slot}")
        self._operation_lock = asyncio.Lock()
        self._wake_monitor = asyncio.Event()
        self._monitor_task: asyncio.Task[None] | None = None
        self._stopping = False

    @property
    def name(self) -> str:
        return f"devices/{self.config.slot}"

    # --- state -----------------------------------------------------------------------------------

    def _set_state(self, state: int, reason: str = "") -> None:
        reasons = list(self.health.reasons)
        if state == self.state and reason == "":
            return
        previous, self.state = self.state, state
        self.state_time = dt.datetime.now(dt.UTC)
        _LOGGER.info(
            "device state changed",
            extra={"device": self.name, "state": short_name(state), "previous": short_name(previous)},
        )
        self._events.publish(
            events_pb2.Event(
                device=self.name,
                state_changed=events_pb2.DeviceStateChanged(
                    previous_state=previous,  # type: ignore[arg-type]
                    state=state,  # type: ignore[arg-type]
                    status_reasons=reasons,
                    reason=reason,
                ),
            )
        )

    def _record_error(self, error: DeviceError) -> None:
        self.last_error = LastError(error.reason, str(error), error.message_ja, dt.datetime.now(dt.UTC))

    def _apply_health(self, health: DeviceHealth) -> None:
        changed = health.reasons != self.health.reasons
        self.health = health
        state = State.DEVICE_STATE_IDLE if health.ready else State.DEVICE_STATE_ERROR
        if self.current_operation:
            state = State.DEVICE_STATE_BUSY
        if changed or state != self.state:
            self._set_state(
                state, reason="" if health.ready else (health.reasons[0] if health.reasons else "")
            )

    # --- running operations ----------------------------------------------------------------------

    async def call(
        self, function: Callable[[Device], T], *, operation: str = "operation", report_busy: bool = True
    ) -> T:
        """Run ``function(device)`` on the worker; ``DeviceBusy`` if another operation is running.

        ``report_busy=False`` (short polls such as a QR scan) keeps the state as it is instead of
        publishing BUSY and back for every poll; ``current_operation`` is still set."""
        if self._operation_lock.locked():
            raise DeviceBusy(f"{self.name} is busy with {self.current_operation or 'another operation'}")
        async with self._operation_lock:
            device = self.device
            if device is None or self.state == State.DEVICE_STATE_OFFLINE:
                raise DeviceUnavailable(f"{self.name} is offline")
            self.current_operation = operation
            if report_busy:
                self._set_state(State.DEVICE_STATE_BUSY)
            try:
                return await asyncio.get_running_loop().run_in_executor(self._worker, function, device)
            except DeviceUnavailable as exc:
                self._record_error(exc)
                self._went_offline(exc)
                raise
            except DeviceError as exc:
                self._record_error(exc)
                raise
            finally:
                self.current_operation = ""
                if self.state == State.DEVICE_STATE_BUSY:
                    self._set_state(
                        State.DEVICE_STATE_IDLE if self.health.ready else State.DEVICE_STATE_ERROR
                    )
                self._wake_monitor.set()

    def new_operation_id(self) -> str:
        return f"operations/{uuid.uuid4().hex}"

    async def check_health(self) -> DeviceHealth:
        """Ask the device now. Queued on the worker behind a running operation, never refused as BUSY."""
        device = self.device
        if device is None:
            raise DeviceUnavailable(f"{self.name} is not open")
        try:
            health = await asyncio.get_running_loop().run_in_executor(self._worker, device.check_health)
        except DeviceUnavailable as exc:
            if self.device is device:
                self._record_error(exc)
                self._went_offline(exc)
            raise
        self._apply_health(health)
        return health

    # --- monitor ---------------------------------------------------------------------------------

    def start(self) -> None:
        self._monitor_task = asyncio.get_running_loop().create_task(
            self._monitor(), name=f"monitor-{self.name}"
        )

    def _went_offline(self, error: DeviceError) -> None:
        device, self.device = self.device, None
        if device is not None:
            self._worker.submit(device.close)
        self._set_state(State.DEVICE_STATE_OFFLINE, reason=error.reason)
        self._wake_monitor.set()

    async def _monitor(self) -> None:
        loop = asyncio.get_running_loop()
        backoff = BACKOFF_INITIAL_S
        while not self._stopping:
            if self.device is None:
                try:
                    await self._open(loop)
                    backoff = BACKOFF_INITIAL_S
                except DeviceError as exc:
                    self._record_error(exc)
                    if self.state != State.DEVICE_STATE_OFFLINE:
                        self._set_state(State.DEVICE_STATE_OFFLINE, reason=exc.reason)
                    await self._sleep(backoff)
                    backoff = min(backoff * 2, BACKOFF_MAX_S)
                    continue
            elif not self._operation_lock.locked():
                with contextlib.suppress(DeviceError):
                    await self.check_health()
            await self._sleep(self.config.poll_interval_s)

    async def _open(self, loop: asyncio.AbstractEventLoop) -> None:
        def open_now() -> tuple[Device, DeviceHealth]:
            device = self._open_device(self.config.uri)
            device.open()
            try:
                return device, device.check_health()
            except BaseException:
                device.close()
                raise

        device, health = await loop.run_in_executor(self._worker, open_now)
        self.device = device
        self._apply_health(health)
        if self.state not in (State.DEVICE_STATE_IDLE, State.DEVICE_STATE_ERROR, State.DEVICE_STATE_BUSY):
            self._set_state(State.DEVICE_STATE_IDLE)
        _LOGGER.info("device opened", extra={"device": self.name, "model": health.model})

    def wake(self) -> None:
        """Retry now instead of after the backoff (hot-plug: a device appeared)."""
        self._wake_monitor.set()

    async def _sleep(self, seconds: float) -> None:
        # asyncio.timeout, not wait_for: on 3.11 wait_for can swallow a cancellation that races a wake-up.
        self._wake_monitor.clear()
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(seconds):
                await self._wake_monitor.wait()

    async def stop(self) -> None:
        self._stopping = True
        if self._monitor_task is not None:
            self._monitor_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._monitor_task
        async with self._operation_lock:  # a running operation finishes first
            if self.device is not None:
                await asyncio.get_running_loop().run_in_executor(self._worker, self.device.close)
                self.device = None
        self._worker.shutdown(wait=True)


class DeviceRegistry:
    def __init__(self, configs: tuple[DeviceSlotConfig, ...], events: EventLog) -> None:
        self.slots: dict[str, DeviceSlot] = {config.slot: DeviceSlot(config, events) for config in configs}

    def get(self, name: str) -> DeviceSlot:
        """The slot for "devices/{slot}" (or a bare slot name); ``KeyError`` when there is none."""
        slot = name.removeprefix("devices/")
        return self.slots[slot]

    def of_kind(self, kind: DeviceKind) -> DeviceSlot:
        for slot in self.slots.values():
            if slot.kind == kind:
                return slot
        raise KeyError(f"no device of kind {kind} is configured")

    def find(self, kind: DeviceKind) -> DeviceSlot | None:
        """The slot of ``kind``, or None when no such device is configured."""
        return next((slot for slot in self.slots.values() if slot.kind == kind), None)

    def start(self) -> None:
        for slot in self.slots.values():
            slot.start()

    async def stop(self) -> None:
        await asyncio.gather(*(slot.stop() for slot in self.slots.values()))

    def describe(self) -> dict[str, Any]:
        return {name: slot.state for name, slot in self.slots.items()}
