"""The soak's certificate rig: a private pcscd plus the card, form printer and terminal simulators."""

from __future__ import annotations

import contextlib
import shutil
import socket as sockets
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

from bench._processes import simulator_args, started, stop
from bench._soak_flows import READER_URI, Rig
from simulators.daemon_toml import Device


def _free_port_pair() -> int:
    """A free TCP port whose successor is free too (vpcd's slot 00 and 01)."""
    for _ in range(50):
        with sockets.socket() as first, sockets.socket() as second:
            first.bind(("127.0.0.1", 0))
            port = int(first.getsockname()[1])
            with contextlib.suppress(OSError, OverflowError):
                second.bind(("127.0.0.1", port + 1))
                return port
    raise RuntimeError("no two consecutive free TCP ports")


@contextlib.contextmanager
def private_pcscd(directory: Path) -> Iterator[tuple[Path, int]]:
    """``pcscd --foreground`` in its own mount namespace (``/run/pcscd`` bound onto ``directory/run``) with
    vpcd on a free port; yields (its socket, the vpcd port). A pcscd the developer runs is not touched."""
    if shutil.which("unshare") is None:
        raise RuntimeError("the certificate flow needs unshare (util-linux) for a private pcscd")
    run, conf, port = directory / "run", directory / "conf", _free_port_pair()
    run.mkdir(parents=True)
    conf.mkdir()
    (conf / "vpcd").write_text(
        f'FRIENDLYNAME "Virtual PCD"\nDEVICENAME   /dev/null:0x{port:04X}\n'
        f"LIBPATH      /usr/lib/pcsc/drivers/serial/libifdvpcd.so\nCHANNELID    0x{port:04X}\n"
    )
    pcscd = shutil.which("pcscd") or "/usr/sbin/pcscd"
    script = f"mount --bind {run} /run/pcscd && exec {pcscd} --foreground -c {conf}"
    process = subprocess.Popen(
        ["unshare", "-m", "sh", "-c", script], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        deadline = time.monotonic() + 10
        while not (run / "pcscd.comm").exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        if not (run / "pcscd.comm").exists():
            raise RuntimeError("the private pcscd did not start")
        yield run / "pcscd.comm", port
    finally:
        stop(process)


@contextlib.contextmanager
def _certificate_devices(directory: Path) -> Iterator[tuple[list[Device], dict[str, str], Rig]]:
    """pcscd, card, form printer and terminal simulators; yields (their device slots, daemon env, rig)."""
    with contextlib.ExitStack() as stack:
        pcscd_socket, port = stack.enter_context(private_pcscd(directory / "pcscd"))
        card_args = [*simulator_args("mynumber_card", directory / "card"), "--port", str(port)]
        _, card, _ = stack.enter_context(started(card_args))
        forms_args = [*simulator_args("ipp_printer", directory / "forms"), "--ppm", "600"]
        _, forms, _ = stack.enter_context(started(forms_args))
        _, terminal, _ = stack.enter_context(started(simulator_args("zvt_terminal", directory / "zvt")))
        devices = [
            Device("card", "mynumber", READER_URI),
            Device("forms", "ipp", str(forms["endpoint"])),
            Device("payment", "zvt", f"{terminal['endpoint']}?t1=1&t3=2&t4=1"),
        ]
        yield devices, {"PCSCLITE_CSOCK_NAME": str(pcscd_socket)}, Rig(card_control=str(card["control"]))
