"""Helpers for PrinterService tests: the daemon process with printer simulators, job and event waiting."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import grpc
import pytest
from kiosk.v1 import device_pb2, device_pb2_grpc, events_pb2, printer_pb2, printer_pb2_grpc

from tests.fixtures.daemon import RunningDaemon
from tests.support.devices import wait_device_state
from tests.support.waiting import wait_until

STATE = printer_pb2.JobState
FAST = "\n[options.printing]\nhold_poll_s = 0.2\nfollow_poll_s = 0.1\n"


@dataclass
class Client:
    daemon: RunningDaemon
    kiosk: printer_pb2_grpc.PrinterServiceStub
    staff: printer_pb2_grpc.PrinterServiceStub
    devices: device_pb2_grpc.DeviceServiceStub
    channel: grpc.Channel

    def job(self, name: str) -> printer_pb2.Job:
        return self.kiosk.GetJob(printer_pb2.GetJobRequest(name=name), timeout=5)

    def wait_job(
        self, name: str, state: int, timeout: float = 20, reason: str | None = None
    ) -> printer_pb2.Job:
        def reached() -> printer_pb2.Job | None:
            job = self.job(name)
            return job if job.state == state and reason in (None, job.reason) else None

        def seen() -> str:
            job = self.job(name)
            return f"{STATE.Name(job.state)} ({job.reason})"

        wanted = f"{name} {STATE.Name(state)}" + (f" ({reason})" if reason else "")
        return wait_until(reached, timeout=timeout, what=wanted, describe=seen)

    def wait_device(self, state: int, name: str, timeout: float = 20) -> None:
        wait_device_state(self.channel, name, state, timeout)

    def events(
        self, after: int, until: Callable[[events_pb2.Event], bool], timeout: float = 15
    ) -> list[events_pb2.Event]:
        collected = []
        call = self.devices.WatchEvents(device_pb2.WatchEventsRequest(after_sequence=after), timeout=timeout)
        for event in call:
            collected.append(event)
            if until(event):
                call.cancel()  # type: ignore[no-untyped-call]  # grpc-stubs: Call.cancel is untyped
                break
        return collected

    def ticket(self, number: int = 7) -> printer_pb2.Job:
        request = printer_pb2.PrintReceiptRequest(
            numbered_ticket=printer_pb2.NumberedTicket(
                municipality="指宿市", number=number, counter="1番窓口"
            )
        )
        return self.kiosk.PrintReceipt(request, timeout=5).job


def connect(daemon: RunningDaemon) -> Client:
    kiosk = daemon.channel("kiosk")
    return Client(
        daemon,
        printer_pb2_grpc.PrinterServiceStub(kiosk),
        printer_pb2_grpc.PrinterServiceStub(daemon.channel("staff")),
        device_pb2_grpc.DeviceServiceStub(kiosk),
        kiosk,
    )


@pytest.fixture
def connect_client() -> Callable[[RunningDaemon], Client]:
    return connect
