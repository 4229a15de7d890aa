"""One daemon for the privacy proof: card (private pcscd), receipt, forms, payment and camera simulators.

The card simulator runs on a copy of the personas with distinctive PINs (``tests/support/privacy_personas``);
the daemon runs with ``TMPDIR`` set to a directory the scan reads, and ``/tmp`` is listed before the run.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from kiosk.v1 import card_pb2, card_pb2_grpc

from simulators.personas import Persona
from tests.fixtures.camera import CameraSimulator
from tests.fixtures.card_service import READER_URI, CardWatch, VirtualCard
from tests.fixtures.daemon import FAST_PRINTING, RunningDaemon
from tests.fixtures.escpos import EscposSimulator
from tests.fixtures.ipp import IppSimulator
from tests.fixtures.payment import ZvtSimulator
from tests.support.pcscd import PrivatePcscd, free_port_pair
from tests.support.privacy_personas import card_holders_of, write_residents_copy
from tests.support.processes import PYTHON, start_with_ready_line
from tests.support.shared_daemon import start_shared_daemon


def frontyard_options(retention_days: int) -> str:
    return f"\n[options.frontyard]\nretention_days = {retention_days}\n"


@dataclass
class PrivacyBench:
    """Every simulator, the daemon, and where it may write (its directory and its TMPDIR)."""

    card: VirtualCard
    escpos: EscposSimulator
    ipp: IppSimulator
    zvt: ZvtSimulator
    camera: CameraSimulator
    holders: tuple[Persona, ...]
    where: Path
    tmpdir: Path
    env: dict[str, str]
    tmp_before: set[str]
    daemon: RunningDaemon | None = None
    watch: CardWatch | None = None
    notes: dict[str, object] = field(default_factory=dict)

    def devices(self) -> dict[str, tuple[str, str]]:
        return {
            "card": ("mynumber", READER_URI),
            "receipt": ("escpos", self.escpos.uri(timeout=3)),
            "forms": ("ipp", self.ipp.endpoint),
            "payment": ("zvt", f"{self.zvt.endpoint}?t1=1&t3=2&t4=1"),
            "camera": ("camera", self.camera.endpoint),
        }

    def start(self, retention_days: int) -> RunningDaemon:
        extra = FAST_PRINTING + frontyard_options(retention_days)
        self.daemon = start_shared_daemon(self.where, self.devices(), extra=extra, env=self.env)
        self.watch = CardWatch(card_pb2_grpc.CardServiceStub(self.daemon.channel("kiosk")))
        self.watch.start()
        self.watch.expect(card_pb2.CARD_PRESENCE_NO_CARD, timeout=20)
        return self.daemon

    def stop(self) -> None:
        if self.watch is not None:
            self.watch.stop()
            self.watch = None
        if self.daemon is not None:
            self.daemon.stop()

    def running(self) -> RunningDaemon:
        assert self.daemon is not None, "the daemon is not running"
        return self.daemon


@pytest.fixture(scope="module")
def privacy_bench(
    escpos_simulator_process: EscposSimulator,
    ipp_module: IppSimulator,
    zvt_module: ZvtSimulator,
    camera_sim: CameraSimulator,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[PrivacyBench]:
    root = tmp_path_factory.mktemp("privacy")
    residents = write_residents_copy(root / "residents-distinct-pins.json")
    pcscd = PrivatePcscd(root / "pcscd", free_port_pair())
    pcscd.start()
    try:
        args = [PYTHON, "-m", "tests.support.privacy_personas", "--residents", str(residents), "--"]
        args += ["--port", str(pcscd.port), "--state-dir", str(root / "keys")]
        card = start_with_ready_line(args, root / "card-sim.log")
        try:
            tmpdir = root / "daemon-tmp"
            tmpdir.mkdir()
            env = {"PCSCLITE_CSOCK_NAME": str(pcscd.socket_path), "TMPDIR": str(tmpdir)}
            bench = PrivacyBench(
                VirtualCard(card, card.ready["control"]),
                escpos_simulator_process,
                ipp_module,
                zvt_module,
                camera_sim,
                card_holders_of(residents),
                root / "daemon",
                tmpdir,
                env,
                set(os.listdir("/tmp")),
            )
            bench.escpos.post("clear")
            bench.ipp.control("clear")
            bench.zvt.control("clear", {})
            bench.camera.post("remove")
            bench.start(retention_days=30)
            try:
                yield bench
            finally:
                bench.stop()
        finally:
            card.stop()
    finally:
        pcscd.stop()
