"""systemd's notify protocol (``Type=notify``): READY, STOPPING and the watchdog ping.

The protocol is one datagram of ``KEY=VALUE`` lines to the Unix socket named by ``NOTIFY_SOCKET``
(a leading ``@`` means the abstract namespace). It is ten lines, so it is written here rather than taken
from a library (the pure-Python one on the registry is unmaintained since 2017; ``systemd-python`` needs
libsystemd headers to build). Outside systemd ``NOTIFY_SOCKET`` is unset and every call does nothing.
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket

_LOGGER = logging.getLogger(__name__)


def notify(message: str) -> bool:
    """Send ``message`` (``"READY=1"``, ``"WATCHDOG=1"`` …) to systemd; False when not under systemd."""
    address = os.environ.get("NOTIFY_SOCKET", "")
    if not address:
        return False
    if address.startswith("@"):
        address = "\0" + address[1:]
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM | socket.SOCK_CLOEXEC) as sock:
            # Never block the event loop: a receiver that does not read loses the message instead.
            sock.sendto(message.encode(), socket.MSG_DONTWAIT, address)
    except OSError as exc:
        _LOGGER.warning("systemd notify failed: %s", exc)
        return False
    return True


def watchdog_interval_s() -> float | None:
    """Half the unit's ``WatchdogSec`` when systemd expects pings from this process, else None."""
    usec = os.environ.get("WATCHDOG_USEC", "")
    pid = os.environ.get("WATCHDOG_PID", "")
    if not usec.isdigit() or int(usec) == 0 or (pid and pid != str(os.getpid())):
        return None
    return int(usec) / 2_000_000


async def ping_watchdog(interval_s: float) -> None:
    """Ping from the event loop: a loop that hangs stops the pings and systemd restarts the daemon."""
    while True:
        notify("WATCHDOG=1")
        await asyncio.sleep(interval_s)
