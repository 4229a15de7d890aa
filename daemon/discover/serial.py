"""Serial ports (pyserial's ``list_ports``), and a ZVT probe: does a payment terminal answer there?

The probe opens the port with the ZVT driver and asks for the terminal's status (a harmless query);
it is optional (``--probe-serial``) because it writes to every port.
"""

from __future__ import annotations

import concurrent.futures

from drivers.base import DeviceError, DeviceKind

from .model import Found

PROBE_TIMEOUT_S = 10.0
ZVT_BAUD = 9600


def probe_zvt(uri: str) -> str:
    """The terminal's status summary when a ZVT terminal answers at ``uri``; "" otherwise."""
    from drivers.zvt.terminal import open_device

    def ask() -> str:
        terminal = open_device(uri)
        try:
            terminal.open()
            health = terminal.check_health()
            return f"ZVT terminal answered ({health.detail or 'status ok'})"
        finally:
            terminal.close()

    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        try:
            return pool.submit(ask).result(timeout=PROBE_TIMEOUT_S)
        except (DeviceError, OSError, ValueError, concurrent.futures.TimeoutError):
            return ""


def find_serial_ports(probe: bool, notes: list[str]) -> list[Found]:
    from serial.tools import list_ports

    found = []
    for port in sorted(list_ports.comports(), key=lambda port: port.device):
        uri = f"serial://{port.device}?baud={ZVT_BAUD}"
        ids = f" {port.vid:04x}:{port.pid:04x}" if port.vid is not None and port.pid is not None else ""
        answer = probe_zvt(uri) if probe else ""
        found.append(
            Found(
                kind=DeviceKind.PAYMENT_TERMINAL,
                driver="zvt",
                uri=uri,
                label=f"{port.description or port.device}{ids}",
                detail=answer or ("no ZVT answer" if probe else "not probed (--probe-serial)"),
                confidence=2 if answer else 0,
            )
        )
    if not probe and found:
        notes.append("serial ports: run with --probe-serial to find which one has the payment terminal")
    return found
