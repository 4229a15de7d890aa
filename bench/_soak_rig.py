"""The soak's certificate rig: a private pcscd plus the card, form printer and terminal simulators."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

from bench._processes import simulator_args, started
from bench._soak_flows import READER_URI, Rig
from simulators.daemon_toml import Device
from tests.support.pcscd import PrivatePcscd, free_port_pair


@contextlib.contextmanager
def private_pcscd(directory: Path) -> Iterator[tuple[Path, int]]:
    """The tests' private pcscd (``tests.support.pcscd``: own mount namespace, vpcd on a free port);
    yields (its socket, the vpcd port). A pcscd the developer runs is not touched."""
    pcscd = PrivatePcscd(directory, free_port_pair())
    try:
        pcscd.start()
        yield pcscd.socket_path, pcscd.port
    finally:
        pcscd.stop()


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
