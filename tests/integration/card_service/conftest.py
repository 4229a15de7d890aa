"""A private pcscd + virtual card for the card service tests, and a daemon configured to use them.

The system pcscd is shared with other test runs, so these tests run their own: ``pcscd --foreground`` in
a private mount namespace (``unshare -m``, its fixed socket directory ``/run/pcscd`` bind-mounted onto a
temporary directory) with its own ``reader.conf.d`` that puts vpcd on free ports. The daemon reaches it
through ``PCSCLITE_CSOCK_NAME``; stopping this pcscd is a real "reader unplugged" without disturbing
anybody else. The test process itself never talks PC/SC: it follows the daemon's ``WatchCard``.
"""

from __future__ import annotations

import json
import queue
import shutil
import socket
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import grpc
import pytest
from kiosk.v1 import card_pb2, card_pb2_grpc

from tests.fixtures.daemon import RunningDaemon
from tests.support.control import SimulatorControl
from tests.support.processes import (
    PYTHON,
    RunningProcess,
    free_port,
    start_with_ready_line,
    stop_process,
    wait_for_path,
)

READER_URI = "pcsc://Virtual%20PCD%2000%2000"


def _free_port_pair() -> int:
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


def _listening(port: int) -> bool:
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        if fields[3] == "0A" and int(fields[1].rsplit(":", 1)[1], 16) == port:
            return True
    return False


@dataclass
class PrivatePcscd:
    directory: Path
    port: int
    process: subprocess.Popen[bytes] | None = None

    @property
    def socket_path(self) -> Path:
        return self.directory / "run" / "pcscd.comm"

    def start(self) -> None:
        run, conf = self.directory / "run", self.directory / "conf"
        run.mkdir(parents=True, exist_ok=True)
        conf.mkdir(parents=True, exist_ok=True)
        (conf / "vpcd").write_text(
            'FRIENDLYNAME "Virtual PCD"\n'
            f"DEVICENAME   /dev/null:0x{self.port:04X}\n"
            "LIBPATH      /usr/lib/pcsc/drivers/serial/libifdvpcd.so\n"
            f"CHANNELID    0x{self.port:04X}\n"
        )
        for stale in run.iterdir():
            stale.unlink()
        pcscd = shutil.which("pcscd") or "/usr/sbin/pcscd"
        script = f"mount --bind {run} /run/pcscd && exec {pcscd} --foreground -c {conf}"
        with (self.directory / "pcscd.log").open("ab") as log:
            self.process = subprocess.Popen(
                ["unshare", "-m", "sh", "-c", script], stdout=log, stderr=subprocess.STDOUT
            )
        wait_for_path(self.socket_path, timeout=10)
        deadline = time.monotonic() + 10
        while not _listening(self.port) and time.monotonic() < deadline:
            time.sleep(0.05)

    def stop(self) -> None:
        process, self.process = self.process, None
        if process is not None:
            stop_process(process)


@dataclass
class VirtualCard(SimulatorControl):
    """The card simulator process on the private pcscd's vpcd port, and its control API."""

    process: RunningProcess
    control: str

    control_name = "card simulator"


@dataclass
class CardBench:
    pcscd: PrivatePcscd
    card: VirtualCard


@pytest.fixture(scope="session")
def card_bench(tmp_path_factory: pytest.TempPathFactory) -> Iterator[CardBench]:
    if shutil.which("unshare") is None:
        pytest.fail("unshare (util-linux) is needed to run a private pcscd")
    directory = tmp_path_factory.mktemp("card-service")
    pcscd = PrivatePcscd(directory / "pcscd", _free_port_pair())
    pcscd.start()
    try:
        process = start_with_ready_line(
            [
                PYTHON,
                "-m",
                "simulators.mynumber_card",
                "--port",
                str(pcscd.port),
                "--state-dir",
                str(directory / "keys"),
                "-v",
            ],
            directory / "card-sim.log",
        )
        try:
            yield CardBench(pcscd, VirtualCard(process, process.ready["control"]))
        finally:
            process.stop()
    finally:
        pcscd.stop()


@pytest.fixture
def bench(card_bench: CardBench) -> Iterator[CardBench]:
    """The private pcscd (running) and the virtual card (reset: no card, no faults)."""
    if card_bench.pcscd.process is None:
        card_bench.pcscd.start()
    card_bench.card.post("reset")
    yield card_bench
    if card_bench.pcscd.process is None:
        card_bench.pcscd.start()
    card_bench.card.post("reset")


@dataclass
class CardWatch:
    """Follows ``WatchCard`` on a thread; ``expect`` waits for a presence."""

    stub: card_pb2_grpc.CardServiceStub
    events: queue.Queue[card_pb2.CardEvent] = field(default_factory=queue.Queue)
    seen: list[card_pb2.CardEvent] = field(default_factory=list)
    call: Any = None

    def start(self) -> None:
        self.call = self.stub.WatchCard(card_pb2.WatchCardRequest())

        def pump() -> None:
            try:
                for event in self.call:
                    self.events.put(event)
            except grpc.RpcError:
                pass

        threading.Thread(target=pump, daemon=True).start()

    def expect(self, presence: int, timeout: float = 10.0) -> card_pb2.CardEvent:
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                names = [card_pb2.CardPresence.Name(e.presence) for e in self.seen]
                raise AssertionError(f"no {card_pb2.CardPresence.Name(presence)} within {timeout} s: {names}")
            try:
                event = self.events.get(timeout=left)
            except queue.Empty:
                continue
            self.seen.append(event)
            if event.presence == presence:
                return event

    def stop(self) -> None:
        if self.call is not None:
            self.call.cancel()


@dataclass
class CardDaemon:
    daemon: RunningDaemon
    bench: CardBench
    watch: CardWatch

    @property
    def kiosk(self) -> card_pb2_grpc.CardServiceStub:
        return card_pb2_grpc.CardServiceStub(self.daemon.channel("kiosk"))

    @property
    def staff(self) -> card_pb2_grpc.CardServiceStub:
        return card_pb2_grpc.CardServiceStub(self.daemon.channel("staff"))

    def insert(self, persona: str) -> card_pb2.CardEvent:
        self.bench.card.post("insert", persona=persona)
        return self.watch.expect(card_pb2.MY_NUMBER_CARD)

    def remove(self) -> card_pb2.CardEvent:
        self.bench.card.post("remove")
        return self.watch.expect(card_pb2.NO_CARD)


@pytest.fixture
def card_daemon(
    bench: CardBench, start_daemon: Callable[..., RunningDaemon], monkeypatch: pytest.MonkeyPatch
) -> Iterator[Callable[..., CardDaemon]]:
    """Start the daemon on the private pcscd (``options`` become ``[options.card]``); waits for NO_CARD."""
    watches: list[CardWatch] = []

    def start(**options: Any) -> CardDaemon:
        monkeypatch.setenv("PCSCLITE_CSOCK_NAME", str(bench.pcscd.socket_path))
        extra = "\n[options.card]\n" + "".join(
            f"{key} = {json.dumps(value)}\n" for key, value in options.items()
        )
        daemon = start_daemon({"card": ("mynumber", READER_URI)}, extra=extra)
        watch = CardWatch(card_pb2_grpc.CardServiceStub(daemon.channel("kiosk")))
        watches.append(watch)
        watch.start()
        watch.expect(card_pb2.NO_CARD)
        return CardDaemon(daemon, bench, watch)

    yield start
    for watch in watches:
        watch.stop()
