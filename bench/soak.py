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
import datetime as dt
import json
import shutil
import socket as sockets
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import grpc
import psutil
from kiosk.v1 import (
    card_pb2,
    card_pb2_grpc,
    device_pb2,
    device_pb2_grpc,
    events_pb2,
    frontyard_pb2,
    frontyard_pb2_grpc,
    payment_pb2,
    payment_pb2_grpc,
)

from bench._processes import daemon_args, simulator_args, started
from simulators.personas import persona

Metrics = dict[str, float | int | str]
CARD_PERSONA = "P1"
READER_URI = "pcsc://Virtual%20PCD%2000%2000"


@dataclass
class Rig:
    """What flows reach besides the daemon: the card simulator's control API (certificate flow only)."""

    card_control: str = ""


Flow = Callable[[grpc.aio.Channel, Rig], Awaitable[None]]


async def visit_flow(channel: grpc.aio.Channel, rig: Rig) -> None:
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


async def _card_presence(events: AsyncIterator[card_pb2.CardEvent], presence: int) -> card_pb2.CardEvent:
    async for event in events:
        if event.presence == presence:
            return event
    raise RuntimeError(f"WatchCard ended before {card_pb2.CardPresence.Name(presence)}")


async def certificate_flow(channel: grpc.aio.Channel, rig: Rig) -> None:
    """Card in → PIN status → basic info → 交付請求書 created and printed → sale → commit → card out."""
    card = card_pb2_grpc.CardServiceStub(channel)
    desk = frontyard_pb2_grpc.FrontyardServiceStub(channel)
    payments = payment_pb2_grpc.PaymentServiceStub(channel)
    fy = frontyard_pb2
    watch = card.WatchCard(card_pb2.WatchCardRequest(), timeout=60)
    events = aiter(watch)
    try:
        await asyncio.wait_for(_card_presence(events, card_pb2.NO_CARD), 15)  # the current state first
        await asyncio.to_thread(_post, rig.card_control, "insert", {"persona": CARD_PERSONA})
        session = (await asyncio.wait_for(_card_presence(events, card_pb2.MY_NUMBER_CARD), 15)).session
        status = await card.GetPinStatus(card_pb2.GetPinStatusRequest(), timeout=10)
        if status.text_tries_left < 3:
            raise RuntimeError(f"text PIN tries left: {status.text_tries_left}")
        pin = persona(CARD_PERSONA).text_pin or ""
        await card.ReadBasicInfo(card_pb2.ReadBasicInfoRequest(pin=pin), timeout=20)
        create = fy.CreateCertificateRequestRequest(
            session=session, kind=fy.CERTIFICATE_KIND_JUMINHYO, copies=1
        )
        request = await desk.CreateCertificateRequest(create, timeout=20)
        printed = await desk.PrintCertificateRequest(
            fy.PrintCertificateRequestRequest(name=request.name), timeout=30
        )
        line = payment_pb2.FeeLine(
            fee_code="juminhyo",
            subject="住民票",
            quantity=request.copies,
            unit_price_yen=request.fee_per_copy,
        )
        sale = payment_pb2.SaleRequest(
            order_id=request.order_id,
            amount_yen=request.total_fee,
            lines=[line],
            method=payment_pb2.PAYMENT_METHOD_CREDIT,
        )
        paid = payment_pb2.Payment()
        async for update in payments.Sale(sale, timeout=30):
            if update.HasField("payment"):
                paid = update.payment
        if paid.state != payment_pb2.PAYMENT_APPROVED:
            raise RuntimeError(f"sale ended {payment_pb2.PaymentState.Name(paid.state)}")
        commit = payment_pb2.CommitPaymentRequest(
            name=f"payments/{request.order_id}", issued_job=printed.jobs[0], timeout_s=30
        )
        committed = await payments.CommitPayment(commit, timeout=40)
        if committed.state != payment_pb2.PAYMENT_COMMITTED:
            raise RuntimeError(f"commit ended {payment_pb2.PaymentState.Name(committed.state)}")
    finally:  # the card comes out whatever happened, so the next run starts from an empty reader
        await asyncio.to_thread(_post, rig.card_control, "remove", {})
        with contextlib.suppress(Exception):
            await asyncio.wait_for(_card_presence(events, card_pb2.NO_CARD), 15)
        watch.cancel()


#: Complete resident flows, each run in a loop beside the clients.
FLOWS: dict[str, Flow] = {"visit": visit_flow, "certificate": certificate_flow}
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


def _config(directory: Path, printer_uri: str, more_devices: str) -> Path:
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
{more_devices}
[options.printing]
hold_poll_s = 0.2
follow_poll_s = 0.1
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
        await _wait_for_state(channels[0], events_pb2.IDLE, 30)
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
def _private_pcscd(directory: Path) -> Iterator[tuple[Path, int]]:
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
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@contextlib.contextmanager
def _certificate_devices(directory: Path) -> Iterator[tuple[str, dict[str, str], Rig]]:
    """pcscd, card, form printer and terminal simulators; yields (device tables, daemon env, rig)."""
    with contextlib.ExitStack() as stack:
        pcscd_socket, port = stack.enter_context(_private_pcscd(directory / "pcscd"))
        card_args = [*simulator_args("mynumber_card", directory / "card"), "--port", str(port)]
        _, card, _ = stack.enter_context(started(card_args))
        forms_args = [*simulator_args("ipp_printer", directory / "forms"), "--ppm", "600"]
        _, forms, _ = stack.enter_context(started(forms_args))
        _, terminal, _ = stack.enter_context(started(simulator_args("zvt_terminal", directory / "zvt")))
        tables = f"""
[devices.card]
driver = "mynumber"
uri = "{READER_URI}"

[devices.forms]
driver = "ipp"
uri = "{forms["endpoint"]}"

[devices.payment]
driver = "zvt"
uri = "{terminal["endpoint"]}?t1=1&t3=2&t4=1"
"""
        yield tables, {"PCSCLITE_CSOCK_NAME": str(pcscd_socket)}, Rig(card_control=str(card["control"]))


def soak(seconds: float, clients: int = 50, flows: list[str] | None = None) -> Metrics:
    """Run the daemon and the simulators the flows need, soak them for ``seconds``, stop them; the figures."""
    flows = flows or []
    with tempfile.TemporaryDirectory(prefix="frontyard-soak-") as temporary, contextlib.ExitStack() as stack:
        directory = Path(temporary)
        (directory / "printer").mkdir()
        tables, env, rig = "", dict[str, str](), Rig()
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
