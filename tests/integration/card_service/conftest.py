"""A private pcscd + virtual card for the card service tests, and a daemon configured to use them.

This area runs a pcscd of its own (:mod:`tests.support.pcscd`), apart from the session's ``pcscd`` fixture,
because its tests stop and restart it (a real "reader unplugged"). The daemon reaches it through
``PCSCLITE_CSOCK_NAME``; the test process itself never talks PC/SC: it follows the daemon's ``WatchCard``.
"""

from __future__ import annotations

import json
import queue
import threading
import time
import urllib.parse
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import grpc
import pytest
from kiosk.v1 import card_pb2, card_pb2_grpc

from tests.fixtures.daemon import RunningDaemon
from tests.support.control import SimulatorControl
from tests.support.pcscd import VPCD_READER, PrivatePcscd, free_port_pair
from tests.support.processes import PYTHON, RunningProcess, start_with_ready_line

READER_URI = "pcsc://" + urllib.parse.quote(VPCD_READER)


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
    directory = tmp_path_factory.mktemp("card-service")
    pcscd = PrivatePcscd(directory / "pcscd", free_port_pair())
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
