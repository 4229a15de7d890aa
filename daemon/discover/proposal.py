"""A proposed ``[devices.*]`` configuration: the most certain device of each kind."""

from __future__ import annotations

from drivers.base import DeviceKind

from .model import Found

SLOTS = {
    DeviceKind.CARD_READER: "card",
    DeviceKind.RECEIPT_PRINTER: "receipt",
    DeviceKind.FORM_PRINTER: "forms",
    DeviceKind.PAYMENT_TERMINAL: "payment",
    DeviceKind.CAMERA: "camera",
}


def choose(devices: list[Found]) -> dict[str, Found]:
    """Slot name → the device with the highest confidence of that kind (first found on a tie).

    A serial port is proposed as the payment terminal only when a ZVT terminal answered on it.
    """
    chosen: dict[str, Found] = {}
    for device in devices:
        if device.kind == DeviceKind.PAYMENT_TERMINAL and device.confidence < 2:
            continue
        slot = SLOTS[device.kind]
        if slot not in chosen or device.confidence > chosen[slot].confidence:
            chosen[slot] = device
    return chosen


def propose(devices: list[Found]) -> str:
    """TOML text for the chosen devices, each with a comment naming what was found."""
    blocks = []
    for slot, device in choose(devices).items():
        uri = device.uri.replace("\\", "\\\\").replace('"', '\\"')
        blocks.append(f'# {device.label}\n[devices.{slot}]\ndriver = "{device.driver}"\nuri = "{uri}"\n')
    return "\n".join(blocks)
