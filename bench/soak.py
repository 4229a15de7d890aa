"""Soak: 50+ clients watch events and poll device status while the devices change; errors, lost events, RSS.

``python -m bench soak [--quick]`` (60 s, or 10 s; every flow) or ``python -m bench.soak --seconds N
--clients N [--flow NAME | --no-flows]``. The daemon runs as a real process on a Unix socket with the
ESC/POS printer simulator as its device; a driver loop opens and closes the simulated cover through its
control API, so state-change events flow all the time. Each client keeps one ``WatchEvents`` stream from
sequence 0 and calls ``ListDevices`` / ``GetDevice`` in a loop. At the end every watcher's sequences are
compared with the daemon's own event log (SQLite): each must be the log exactly, none lost or repeated.

Resident flows plug in through ``FLOWS`` (name -> coroutine on a kiosk channel and the rig); each enabled
flow runs in a loop beside the clients and its failures count as errors. ``certificate`` also starts a
private pcscd (own mount namespace and socket, so a developer's pcscd is untouched), the card, A4 form
printer and payment terminal simulators, and gives the daemon those devices.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import sqlite3
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import grpc
import psutil
from kiosk.v1 import (
    device_pb2,
    device_pb2_grpc,
    events_pb2,
)

from bench._processes import daemon_args, simulator_args, started
from bench._soak_flows import FLOWS, Rig, post_control
from bench._soak_rig import _certificate_devices
from simulators.daemon_toml import DaemonToml, Device, Endpoint

Metrics = dict[str, float | int | str]


FLOW_PAUSE_S = 0.1

DRIVER_PERIOD_S = 0.4
CALL_PAUSE_S = 0.05


@dataclass
class Tally:
    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    flows_done: dict[str, int] = field(default_factory=dict)


@dataclass
class Watcher:
    sequences: list[int] = field(default_factory=list)
    error: str = ""


def _config(directory: Path, printer_uri: str, more_devices: list[Device]) -> Path:
    return DaemonToml(
        storage_dir="storage",
        log_level="warning",
        endpoints=[Endpoint("run/kiosk.sock", "kiosk", "0660"), Endpoint("run/admin.sock", "admin", "0600")],
        devices=[Device("receipt", "escpos", printer_uri, poll_interval_s=0.1), *more_devices],
        options={"printing": {"hold_poll_s": 0.2, "follow_poll_s": 0.1}},
    ).write(directory / "daemon.toml")


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
        await asyncio.to_thread(post_control, control, "cover", {"open": changes % 2 == 0})
        changes += 1
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), DRIVER_PERIOD_S)
    if changes % 2:
        await asyncio.to_thread(post_control, control, "cover", {"open": False})
    return changes


def _already_set() -> asyncio.Event:
    event = asyncio.Event()
    event.set()
    return event


async def _run_flow(
    name: str, channel: grpc.aio.Channel, rig: Rig, tally: Tally, stop: asyncio.Event
) -> None:
    while True:  # at least once, even when ``stop`` is already set (warm-up)
        try:
            await FLOWS[name](channel, rig)
            tally.flows_done[name] = tally.flows_done.get(name, 0) + 1
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
    socket: Path,
    control: str,
    rig: Rig,
    database: Path,
    pid: int,
    seconds: float,
    clients: int,
    flows: list[str],
) -> Metrics:
    daemon = psutil.Process(pid)
    address = f"unix:{socket}"
    channels = [grpc.aio.insecure_channel(address) for _ in range(clients)]
    try:
        await _wait_for_state(channels[0], events_pb2.DEVICE_STATE_IDLE, 30)
        stop = asyncio.Event()
        tally = Tally()
        watchers = [Watcher() for _ in channels]
        watch_tasks = [asyncio.create_task(_watch(c, w)) for c, w in zip(channels, watchers, strict=True)]
        await asyncio.sleep(min(2.0, seconds / 5))  # warm-up: connections, caches, first events
        for name in flows:  # one of each flow first: the domain's catalogs and fonts load lazily
            await _run_flow(name, channels[0], rig, tally, _already_set())
        tally.flows_done = {}  # count the runs in the measured time only; warm-up errors still count
        rss_start = daemon.memory_info().rss
        began = time.monotonic()
        callers = [asyncio.create_task(_call_status(channel, tally, stop)) for channel in channels]
        flow_tasks = [
            asyncio.create_task(_run_flow(name, channels[i % clients], rig, tally, stop))
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
        "flows": ",".join(flows) or "none",
        "flows_completed": sum(tally.flows_done.values()),
        "flows_completed_by_flow": ",".join(f"{k}={v}" for k, v in sorted(tally.flows_done.items())) or "-",
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
    """Run the daemon and the simulators the flows need, soak them for ``seconds``, stop them; the figures."""
    flows = flows or []
    with tempfile.TemporaryDirectory(prefix="frontyard-soak-") as temporary, contextlib.ExitStack() as stack:
        directory = Path(temporary)
        (directory / "printer").mkdir()
        tables, env, rig = list[Device](), dict[str, str](), Rig()
        if "certificate" in flows:
            tables, env, rig = stack.enter_context(_certificate_devices(directory))
        _, printer, _ = stack.enter_context(started(simulator_args("escpos_printer", directory / "printer")))
        config = _config(directory, f"{printer['endpoint']}?timeout=2", tables)
        # ``env`` execs the daemon, so the pid is the daemon's own (for RSS)
        command = ["env", *(f"{key}={value}" for key, value in env.items()), *daemon_args(config)]
        process, _, _ = stack.enter_context(started(command))
        return asyncio.run(
            _soak(
                directory / "run" / "kiosk.sock",
                str(printer["control"]),
                rig,
                directory / "storage" / "events.sqlite3",
                process.pid,
                seconds,
                clients,
                flows,
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
