"""Waiting for the daemon's devices: the one helper every area uses (``DeviceService.GetDevice``)."""

from __future__ import annotations

import grpc
from kiosk.v1 import device_pb2, device_pb2_grpc, events_pb2

from tests.support.waiting import wait_until


def device_state(stub: device_pb2_grpc.DeviceServiceStub, name: str) -> device_pb2.Device:
    return stub.GetDevice(device_pb2.GetDeviceRequest(name=name), timeout=5)


def wait_device_state(
    channel: grpc.Channel, name: str, state: int = events_pb2.DEVICE_STATE_IDLE, timeout: float = 20.0
) -> device_pb2.Device:
    """Wait until device ``name`` (``devices/receipt``) is in ``state``; the device then."""
    stub = device_pb2_grpc.DeviceServiceStub(channel)
    wanted = events_pb2.DeviceState.Name(state)
    return wait_until(
        lambda: device if (device := device_state(stub, name)).state == state else None,
        timeout=timeout,
        what=f"{name} {wanted}",
        describe=lambda: events_pb2.DeviceState.Name(device_state(stub, name).state),
    )


def wait_devices_idle(channel: grpc.Channel, slots: list[str], timeout: float = 30.0) -> None:
    """Wait until every slot (``receipt``, ``card``…) is IDLE."""
    stub = device_pb2_grpc.DeviceServiceStub(channel)

    def states() -> dict[str, str]:
        listed = stub.ListDevices(device_pb2.ListDevicesRequest(), timeout=5).devices
        return {d.slot: events_pb2.DeviceState.Name(d.state) for d in listed}

    wait_until(
        lambda: all(states().get(slot) == "DEVICE_STATE_IDLE" for slot in slots),
        timeout=timeout,
        what=f"devices {slots} IDLE",
        describe=states,
    )
