"""kiosk.v1.DeviceService: the configured devices, their health, and the one event stream."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import grpc
from google.protobuf.timestamp_pb2 import Timestamp
from kiosk.v1 import device_pb2, device_pb2_grpc, events_pb2

from drivers.base import DeviceKind

from .. import inputs
from ..errors import NotFound
from ..events import EventLog
from ..registry import DeviceRegistry, DeviceSlot

Context = grpc.aio.ServicerContext[Any, Any]

KIND_TO_PROTO = {
    DeviceKind.CARD_READER: device_pb2.DEVICE_KIND_CARD_READER,
    DeviceKind.RECEIPT_PRINTER: device_pb2.DEVICE_KIND_RECEIPT_PRINTER,
    DeviceKind.FORM_PRINTER: device_pb2.DEVICE_KIND_FORM_PRINTER,
    DeviceKind.PAYMENT_TERMINAL: device_pb2.DEVICE_KIND_PAYMENT_TERMINAL,
    DeviceKind.CAMERA: device_pb2.DEVICE_KIND_CAMERA,
}


def device_message(slot: DeviceSlot) -> device_pb2.Device:
    state_time = Timestamp()
    state_time.FromDatetime(slot.state_time)
    message = device_pb2.Device(
        name=slot.name,
        slot=slot.config.slot,
        kind=KIND_TO_PROTO[slot.kind],
        driver=slot.config.driver,
        uri=slot.config.uri,
        state=slot.state,  # type: ignore[arg-type]
        status_reasons=list(slot.health.reasons),
        model=slot.health.model,
        firmware=slot.health.firmware,
        state_time=state_time,
        current_operation=slot.current_operation,
    )
    if slot.last_error is not None:
        error_time = Timestamp()
        error_time.FromDatetime(slot.last_error.time)
        message.last_error.CopyFrom(
            device_pb2.DeviceErrorInfo(
                reason=slot.last_error.reason,
                message=slot.last_error.message,
                message_ja=slot.last_error.message_ja,
                error_time=error_time,
            )
        )
    return message


class DeviceService(device_pb2_grpc.DeviceServiceServicer):
    def __init__(self, registry: DeviceRegistry, events: EventLog) -> None:
        self.registry = registry
        self.events = events

    def _slot(self, name: str, field: str = "name") -> DeviceSlot:
        inputs.check(inputs.DEVICE, field, name)
        try:
            return self.registry.get(name)
        except KeyError:
            raise NotFound("no device of this name; see ListDevices", reason="device_not_found") from None

    async def ListDevices(
        self, request: device_pb2.ListDevicesRequest, context: Context
    ) -> device_pb2.ListDevicesResponse:
        return device_pb2.ListDevicesResponse(
            devices=[device_message(slot) for slot in self.registry.slots.values()]
        )

    async def GetDevice(self, request: device_pb2.GetDeviceRequest, context: Context) -> device_pb2.Device:
        return device_message(self._slot(request.name))

    async def CheckHealth(
        self, request: device_pb2.CheckHealthRequest, context: Context
    ) -> device_pb2.CheckHealthResponse:
        slot = self._slot(request.name)
        health = await slot.check_health()
        text = "OK" if health.ready and not health.reasons else ", ".join(health.reasons) or "not ready"
        return device_pb2.CheckHealthResponse(device=device_message(slot), health_text=text)

    async def WatchEvents(
        self, request: device_pb2.WatchEventsRequest, context: Context
    ) -> AsyncIterator[events_pb2.Event]:
        for name in request.devices:
            self._slot(name, "devices")
        after = request.after_sequence
        if request.only_new and after == 0:
            after = self.events.last_sequence
        async for event in self.events.watch(after, frozenset(request.devices)):
            yield event


class DeviceServiceRunner:
    service_names = ("kiosk.v1.DeviceService",)

    def __init__(self, registry: DeviceRegistry, events: EventLog) -> None:
        self.servicer = DeviceService(registry, events)

    def add_to_server(self, server: grpc.aio.Server) -> None:
        device_pb2_grpc.add_DeviceServiceServicer_to_server(self.servicer, server)

    async def start(self) -> None:
        """Nothing to recover: the registry opens the devices."""

    async def stop(self) -> None:
        """Nothing in flight: watchers end when the servers stop."""
