"""Soak: 50+ clients watch events and poll device status while the devices change; errors, lost events, RSS.

``python -m bench soak [--quick]`` (60 s, or 10 s) or ``python -m bench.soak --seconds N --clients N``.
The daemon runs as a real process on a Unix socket with the ESC/POS printer simulator as its device; a
driver loop opens and closes the simulated cover through its control API, so state-change events flow
all the time. Each client keeps one ``WatchEvents`` stream from sequence 0 and calls ``ListDevices`` /
``GetDevice`` in a loop. At the end every watcher's sequences are compared with the daemon's own event
log (SQLite): each must be the log exactly, contiguous, none lost, none repeated.

Resident flows plug in through ``FLOWS`` (name -> coroutine on a kiosk channel); each enabled flow runs
in a loop beside the clients and its failures count as errors.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import json
import sqlite3
import statistics
import sys
import tempfile
import time
import urllib.request
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path

import grpc
import psutil
from kiosk.v1 import device_pb2, device_pb2_grpc, events_pb2, frontyard_pb2, frontyard_pb2_grpc

from bench._processes import daemon_args, simulator_args, started

Metrics = dict[str, float | int | str]
Flow = Callable[[grpc.aio.Channel], Awaitable[None]]


async def visit_flow(channel: grpc.aio.Channel) -> None:
    """書かない窓口: a 転入 visit for one person, every question answered, evaluated, completed."""
    stub = frontyard_pb2_grpc.FrontyardServiceStub(channel)
    fy = frontyard_pb2
    request = fy.CreateVisitRequest(life_event=fy.LIFE_EVENT_TENNYU, event_date=dt.date.today().isoformat())
    visit = (await stub.CreateVisit(request, timeout=10)).name
    member = fy.MemberInput(
        relationship="世帯主",
        name="負荷 試験",  # synthetic, like every persona
        furigana="フカ シケン",
        birth_date="1980-04-01",
        sex=fy.MEMBER_SEX_FEMALE,
        has_mn_card=True,
    )
    await stub.AddMember(fy.AddMemberRequest(visit=visit, member=member), timeout=10)
    pending = await stub.ListPendingQuestions(fy.ListPendingQuestionsRequest(visit=visit), timeout=10)
    for _ in range(100):
        if not pending.questions:
            break
        question = pending.questions[0]
        answer = fy.AnswerQuestionRequest(
            visit=visit, question_id=question.question_id, person_id=question.person_id
        )
        if question.kind == fy.ANSWER_KIND_COUNT:
            answer.count_value = 0
        elif question.kind == fy.ANSWER_KIND_CHOICE:
            answer.choice_value = question.choices[0] if question.choices else ""
        else:
            answer.bool_value = False
        pending = await stub.AnswerQuestion(answer, timeout=10)
    else:
        raise RuntimeError("the questionnaire did not end after 100 answers")
    evaluation = await stub.EvaluateVisit(fy.EvaluateVisitRequest(visit=visit), timeout=10)
    if not evaluation.procedures:
        raise RuntimeError("a 転入 visit produced no procedure")
    await stub.CompleteVisit(fy.CompleteVisitRequest(visit=visit, satisfaction=9), timeout=10)


#: Complete resident flows, each run in a loop beside the clients. TODO: card → certificate request →
#: payment → receipt once the card reader, payment terminal and form printer simulators join the soak.
FLOWS: dict[str, Flow] = {"visit": visit_flow}
FLOW_PAUSE_S = 0.1

DRIVER_PERIOD_S = 0.4
CALL_PAUSE_S = 0.05


@dataclass
class Tally:
    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    flows_done: int = 0


@dataclass
class Watcher:
    sequences: list[int] = field(default_factory=list)
    error: str = ""


def _config(directory: Path, printer_uri: str) -> Path:
    text = f"""
[daemon]
storage_dir = "storage"
log_level = "warning"
simulator_mode = true

[[endpoints]]
unix = "run/kiosk.sock"
role = "kiosk"
mode = "0660"

[[endpoints]]
unix = "run/admin.sock"
role = "admin"
mode = "0600"

[devices.receipt]
driver = "escpos"
uri = "{printer_uri}"
poll_interval_s = 0.1
"""
    path = directory / "daemon.toml"
    path.write_text(text, encoding="utf-8")
    return path


def _post(control: str, action: str, body: dict[str, object]) -> None:
    request = urllib.request.Request(f"{control}/{action}", data=json.dumps(body).encode(), method="POST")
    with urllib.request.urlopen(request, timeout=5):
        pass


def _logged_sequences(database: Path) -> list[int]:
    with contextlib.closing(sqlite3.connect(f"file:{database}?mode=ro", uri=True)) as db:
        return [row[0] for row in db.execute("SELECT sequence FROM events ORDER BY sequence")]


async def _watch(channel: grpc.aio.Channel, watcher: Watcher) -> None:
    stub = device_pb2_grpc.DeviceServiceStub(channel)
    try:
        async for event in stub.WatchEvents(device_pb2.WatchEventsRequest(after_sequence=0)):
            watcher.sequences.append(event.sequence)
    except grpc.aio.AioRpcError as error:
        if error.code() != grpc.StatusCode.CANCELLED:
            watcher.error = error.code().name


async def _call_status(channel: grpc.aio.Channel, tally: Tally, stop: asyncio.Event) -> None:
    stub = device_pb2_grpc.DeviceServiceStub(channel)
    turn = 0
    while not stop.is_set():
        began = time.perf_counter()
        try:
            if turn % 2:
                await stub.GetDevice(device_pb2.GetDeviceRequest(name="devices/receipt"), timeout=10)
            else:
                await stub.ListDevices(device_pb2.ListDevicesRequest(), timeout=10)
            tally.latencies.append(time.perf_counter() - began)
        except grpc.aio.AioRpcError as error:
            tally.errors.append(error.code().name)
        turn += 1
        await asyncio.sleep(CALL_PAUSE_S)


async def _drive_devices(control: str, stop: asyncio.Event) -> int:
    """Open and close the printer cover until ``stop``; returns how many changes it made."""
    changes = 0
    while not stop.is_set():
        await asyncio.to_thread(_post, control, "cover", {"open": changes % 2 == 0})
        changes += 1
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), DRIVER_PERIOD_S)
    if changes % 2:
        await asyncio.to_thread(_post, control, "cover", {"open": False})
    return changes


def _already_set() -> asyncio.Event:
    event = asyncio.Event()
    event.set()
    return event


async def _run_flow(
    name: str, flow: Flow, channel: grpc.aio.Channel, tally: Tally, stop: asyncio.Event
) -> None:
    while True:  # at least once, even when ``stop`` is already set (warm-up)
        try:
            await flow(channel)
            tally.flows_done += 1
        except Exception as error:  # a flow's failure is a soak error, whatever it is
            code = error.code().name if isinstance(error, grpc.aio.AioRpcError) else type(error).__name__
            tally.errors.append(f"{name}: {code}")
        if stop.is_set():
            return
        await asyncio.sleep(FLOW_PAUSE_S)


async def _caught_up(watchers: list[Watcher], last: int, limit_s: float) -> None:
    """Wait until every watcher has seen sequence ``last`` (or the time is up)."""
    deadline = time.monotonic() + limit_s
    for watcher in watchers:
        while (watcher.sequences[-1:] or [0])[0] < last and time.monotonic() < deadline:  # noqa: ASYNC110
            await asyncio.sleep(0.1)


async def _wait_for_state(channel: grpc.aio.Channel, state: int, limit_s: float) -> None:
    stub = device_pb2_grpc.DeviceServiceStub(channel)
    deadline = time.monotonic() + limit_s
    while time.monotonic() < deadline:
        device = await stub.GetDevice(device_pb2.GetDeviceRequest(name="devices/receipt"), timeout=5)
        if device.state == state:
            return
        await asyncio.sleep(0.1)
    raise TimeoutError("the receipt printer did not become ready")


async def _soak(
    socket: Path, control: str, database: Path, pid: int, seconds: float, clients: int, flows: list[str]
) -> Metrics:
    daemon = psutil.Process(pid)
    address = f"unix:{socket}"
    channels = [grpc.aio.insecure_channel(address) for _ in range(clients)]
    try:
        await _wait_for_state(channels[0], events_pb2.IDLE, 30)
        stop = asyncio.Event()
        tally = Tally()
        watchers = [Watcher() for _ in channels]
        watch_tasks = [asyncio.create_task(_watch(c, w)) for c, w in zip(channels, watchers, strict=True)]
        await asyncio.sleep(min(2.0, seconds / 5))  # warm-up: connections, caches, first events
        for name in flows:  # one of each flow first: the domain's catalogs and fonts load lazily
            await _run_flow(name, FLOWS[name], channels[0], tally, _already_set())
        rss_start = daemon.memory_info().rss
        began = time.monotonic()
        callers = [asyncio.create_task(_call_status(channel, tally, stop)) for channel in channels]
        flow_tasks = [
            asyncio.create_task(_run_flow(name, FLOWS[name], channels[i % clients], tally, stop))
            for i, name in enumerate(flows)
        ]
        driver = asyncio.create_task(_drive_devices(control, stop))
        rss_peak = rss_start
        while time.monotonic() - began < seconds:
            await asyncio.sleep(0.5)
            rss_peak = max(rss_peak, daemon.memory_info().rss)
        stop.set()
        changes = await driver
        await asyncio.gather(*callers, *flow_tasks)
        elapsed = time.monotonic() - began
        await asyncio.sleep(1.0)  # the last cover change reaches the log and the watchers
        expected = _logged_sequences(database)
        await _caught_up(watchers, expected[-1] if expected else 0, limit_s=15)
        rss_end = daemon.memory_info().rss
        for task in watch_tasks:
            task.cancel()
        await asyncio.gather(*watch_tasks, return_exceptions=True)
    finally:
        await asyncio.gather(*(channel.close(None) for channel in channels))
    lost = sum(len(set(expected) - set(w.sequences)) for w in watchers)
    repeated = sum(len(w.sequences) - len(set(w.sequences)) for w in watchers)
    out_of_order = sum(
        any(b <= a for a, b in zip(w.sequences, w.sequences[1:], strict=False)) for w in watchers
    )
    stream_errors = [w.error for w in watchers if w.error]
    latencies = sorted(tally.latencies)
    p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] if latencies else float("nan")
    errors = tally.errors + stream_errors
    return {
        "seconds": round(elapsed, 1),
        "clients": clients,
        "flows": ",".join(flows) or "none (TODO: resident flows)",
        "flows_completed": tally.flows_done,
        "calls": len(latencies),
        "calls_per_s": round(len(latencies) / elapsed, 1),
        "p50_ms": round(statistics.median(latencies) * 1000, 2) if latencies else float("nan"),
        "p99_ms": round(p99 * 1000, 2),
        "errors": len(errors),
        "error_kinds": ",".join(sorted(set(errors))) or "-",
        "device_changes": changes,
        "events_logged": len(expected),
        "events_delivered": sum(len(w.sequences) for w in watchers),
        "events_lost": lost,
        "events_repeated": repeated,
        "watchers_out_of_order": out_of_order,
        "rss_start_mb": round(rss_start / 2**20, 1),
        "rss_peak_mb": round(rss_peak / 2**20, 1),
        "rss_end_mb": round(rss_end / 2**20, 1),
        "rss_growth_pct": round((rss_end - rss_start) / rss_start * 100, 2),
    }


def soak(seconds: float, clients: int = 50, flows: list[str] | None = None) -> Metrics:
    """Run the daemon and the printer simulator, soak them for ``seconds``, stop them; the figures."""
    with tempfile.TemporaryDirectory(prefix="frontyard-soak-") as temporary:
        directory = Path(temporary)
        (directory / "printer").mkdir()
        with started(simulator_args("escpos_printer", directory / "printer")) as (_, printer, _):
            uri = f"{printer['endpoint']}?timeout=2"
            with started(daemon_args(_config(directory, uri))) as (process, _, _):
                return asyncio.run(
                    _soak(
                        directory / "run" / "kiosk.sock",
                        str(printer["control"]),
                        directory / "storage" / "events.sqlite3",
                        process.pid,
                        seconds,
                        clients,
                        flows or [],
                    )
                )


def run(quick: bool) -> Metrics:
    return soak(10 if quick else 60, flows=sorted(FLOWS))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.soak", description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument(
        "--flow", action="append", choices=sorted(FLOWS), help="resident flow to run (default: all)"
    )
    parser.add_argument("--no-flows", action="store_true", help="only the clients and the device driver")
    args = parser.parse_args(argv)
    flows = [] if args.no_flows else (args.flow or sorted(FLOWS))
    metrics = soak(args.seconds, args.clients, flows)
    print(json.dumps(metrics, ensure_ascii=False, sort_keys=True))
    failed = metrics["errors"] or metrics["events_lost"] or metrics["events_repeated"]
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
