"""A private ``pcscd`` for tests: its own socket and its own vpcd port, shared with nobody.

The system pcscd (and vpcd's fixed port 35963) is shared by every test run on the machine, so tests run
their own: ``pcscd --foreground`` in a private mount namespace (``unshare -m``, its fixed socket directory
``/run/pcscd`` bind-mounted onto a temporary directory) with its own ``reader.conf.d`` that puts vpcd on a
free port. A PC/SC client reaches it through ``PCSCLITE_CSOCK_NAME=<socket_path>``; its one reader is
:data:`VPCD_READER`. Stopping it is a real "reader unplugged" without disturbing anybody else.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
from dataclasses import dataclass
from pathlib import Path

from tests.support.processes import free_port, stop_process, wait_for_path
from tests.support.waiting import wait_until

VPCD_READER = "Virtual PCD 00 00"
VPCD_DRIVER = Path("/usr/lib/pcsc/drivers/serial/libifdvpcd.so")


def free_port_pair() -> int:
    """A free TCP port whose next port is free too (vpcd may listen on both)."""
    for _ in range(50):
        port = free_port()
        if port >= 65535:
            continue
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port + 1))
            except OSError:
                continue
        return port
    raise RuntimeError("no two consecutive free TCP ports")


def listening(port: int) -> bool:
    """Whether a socket listens on ``port`` (read from /proc: a probe connection would look like a card)."""
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        if fields[3] == "0A" and int(fields[1].rsplit(":", 1)[1], 16) == port:
            return True
    return False


@dataclass
class PrivatePcscd:
    """``pcscd --foreground`` with its socket in ``directory/run`` and vpcd on ``port``."""

    directory: Path
    port: int
    process: subprocess.Popen[bytes] | None = None

    @property
    def socket_path(self) -> Path:
        return self.directory / "run" / "pcscd.comm"

    @property
    def log_path(self) -> Path:
        return self.directory / "pcscd.log"

    def start(self) -> None:
        if shutil.which("unshare") is None:
            raise RuntimeError("unshare (util-linux) is needed to run a private pcscd")
        run, conf = self.directory / "run", self.directory / "conf"
        run.mkdir(parents=True, exist_ok=True)
        conf.mkdir(parents=True, exist_ok=True)
        (conf / "vpcd").write_text(
            'FRIENDLYNAME "Virtual PCD"\n'
            f"DEVICENAME   /dev/null:0x{self.port:04X}\n"
            f"LIBPATH      {VPCD_DRIVER}\n"
            f"CHANNELID    0x{self.port:04X}\n"
        )
        for stale in run.iterdir():
            stale.unlink()
        pcscd = shutil.which("pcscd") or "/usr/sbin/pcscd"
        script = f"mount --bind {run} /run/pcscd && exec {pcscd} --foreground -c {conf}"
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                ["unshare", "-m", "sh", "-c", script], stdout=log, stderr=subprocess.STDOUT
            )
        wait_for_path(self.socket_path, timeout=10)
        wait_until(lambda: listening(self.port), timeout=10, what=f"vpcd listening on port {self.port}")

    def stop(self) -> None:
        process, self.process = self.process, None
        if process is not None:
            stop_process(process)
