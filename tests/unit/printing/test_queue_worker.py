"""The print queue's worker task survives a full disk wherever the journal is written.

The printer slot is configured but never opened; the worker sees it OFFLINE and journals the job HELD
``device_offline``. The first journal writes fail as SQLite does on a full disk: the worker must keep
the job and try again, not end silently (which left that printer's jobs QUEUED for ever).
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import pytest
from kiosk.v1 import events_pb2

from daemon.config import DeviceSlotConfig
from daemon.events import EventLog
from daemon.options import PrintingOptions
from daemon.printing import JobState, PrintQueue
from daemon.registry import DeviceRegistry
from drivers.escpos.document import Receipt, TextLine

DISK_FULL = sqlite3.OperationalError("database or disk is full")


@pytest.fixture
async def queue(tmp_path: Path) -> AsyncIterator[PrintQueue]:
    events = EventLog(tmp_path / "events.sqlite3")
    events.bind_loop(asyncio.get_running_loop())
    slot = DeviceSlotConfig(slot="receipt", driver="escpos", uri="tcp://127.0.0.1:9")
    registry = DeviceRegistry((slot,), events)
    registry.get("receipt").state = events_pb2.DEVICE_STATE_OFFLINE  # never opened: the worker holds its jobs
    print_queue = PrintQueue(tmp_path, registry, events, PrintingOptions(hold_poll_s=0.05))
    yield print_queue
    await print_queue.stop()
    events.close()


def fail_first(calls: int, function: Callable[..., Any]) -> Callable[..., Any]:
    """``function`` that raises SQLite's disk-full error on its first ``calls`` calls."""
    failures = [calls]

    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if failures[0] > 0:
            failures[0] -= 1
            raise DISK_FULL
        return function(*args, **kwargs)

    return wrapped


async def held_within(queue: PrintQueue, name: str, seconds: float) -> bool:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    while loop.time() < deadline:
        if queue.get(name).state is JobState.HELD:
            return True
        await asyncio.sleep(0.02)
    return False


@pytest.mark.parametrize("method", ["unsettled", "update"])
async def test_a_full_disk_in_the_worker_loop_does_not_end_the_worker(
    queue: PrintQueue, method: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    name = await queue.submit_receipt(Receipt((TextLine("整理券"),)), title="整理券")
    await queue.start()  # creates the worker task; it runs from the next await on
    monkeypatch.setattr(queue.journal, method, fail_first(1, getattr(queue.journal, method)))
    assert await held_within(queue, name, seconds=5.0), "the worker ended on a storage error"
    job = queue.get(name)
    assert job.reason == "device_offline"
