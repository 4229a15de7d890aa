"""Serial ports (pyserial's ``list_ports``), and a ZVT probe: does a payment terminal answer there?

The probe opens the port with the ZVT driver and asks for the terminal's status (a harmless query);
it is optional (``--probe-serial``) because it writes to every port.
"""

from __future__ import annotations

import threading

from drivers.base import DeviceError, DeviceKind

from .model import Found

PROBE_TIMEOUT_S = 10.0
ZVT_BAUD = 9600


def probe_zvt(uri: str, timeout_s: float = PROBE_TIMEOUT_S) -> str:
    """A summary when a ZVT terminal answers at ``uri`` within ``timeout_s``; "" otherwise.

    The probe runs on a daemon thread: a port that never answers is given up after ``timeout_s`` without
    holding up ``discover`` (the thread ends with the driver's own timeouts, or with the process).
    """
    from drivers.zvt.terminal import open_device

    answer: list[str] = []

    def ask() -> None:
        try:
            terminal = open_device(uri)
            try:
                terminal.open()
                health = terminal.check_health()
                answer.append(f"ZVT terminal answered ({health.detail or 'status ok'})")
            finally:
                terminal.close()
        except (DeviceError, OSError, ValueError):
            return

    thread = threading.Thread(target=ask, name="zvt-probe", daemon=True)
    thread.start()
    thread.join(timeout_s)
    return answer[0] if answer else ""


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
