"""Card tap to 基本4情報 via pcscd + vpcd + virtual card: our 2-APDU path vs jpki/myna's 6 APDUs.

Each read starts from "card present": connect, prime (SELECT AP, SELECT PIN IEF, retry query), then the
PIN part. ``speedup_vs_6apdu`` compares the time after the PIN (what the resident waits for after "OK");
``…_card_to_info`` compares from card present. The baseline sends jpki/myna's sequence on a fresh
connection: SELECT AP, SELECT PIN EF, VERIFY, SELECT EF 0002, READ 7-byte head, READ rest. The
``…_at_5ms_per_apdu`` figures repeat it with the simulator delaying each answer like a contactless card.
Starts pcscd (if needed) and the simulator itself.
"""

from __future__ import annotations

import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from drivers.mynumber import open_device, text_ap
from drivers.mynumber.apdu import check, parse_response, read_binary, select_df, select_ef, verify
from drivers.mynumber.transport import PcscTransport
from simulators.personas import persona

REPO_ROOT = Path(__file__).resolve().parents[1]
PERSONA = "P1"
CARD_LATENCY_MS = 5  # a contactless card answers in milliseconds, not the simulator's microseconds


def _pcscd_has_reader(pattern: str) -> bool:
    try:
        return any(pattern in name for name in PcscTransport(pattern).list_readers())
    except Exception:
        return False


def _post(control: str, action: str, body: dict[str, object]) -> None:
    request = urllib.request.Request(f"{control}/{action}", data=json.dumps(body).encode(), method="POST")
    with urllib.request.urlopen(request, timeout=10):
        pass


def _baseline_read(transport: PcscTransport, pin: str) -> tuple[int, float, text_ap.BasicInfo]:
    """jpki/myna `text attrs`: 6 APDUs on a fresh connection; returns (APDUs, seconds after PIN, info)."""
    transport.connect()
    count = 0

    def send(command: bytes | bytearray) -> bytes:
        nonlocal count
        count += 1
        return check(parse_response(transport.transmit(command)), "baseline").data

    send(select_df(text_ap.AID))
    send(select_ef(text_ap.EF_PIN))
    pin_entered = time.perf_counter()
    send(verify(pin.encode()))
    send(select_ef(text_ap.EF_BASIC_INFO))
    head = send(read_binary(0, 7))
    rest = send(read_binary(7, 3 + head[2] - 7))
    info = text_ap.parse_basic_info(head + rest)
    after_pin = time.perf_counter() - pin_entered
    transport.disconnect(unpower=True)
    return count, after_pin, info


def run(quick: bool) -> dict[str, float | int | str]:
    reads = 30 if quick else 200
    member = persona(PERSONA)
    pin = member.text_pin or ""
    pcscd: subprocess.Popen[bytes] | None = None
    if not _pcscd_has_reader("Virtual PCD"):
        pcscd = subprocess.Popen(
            [shutil.which("pcscd") or "pcscd", "--foreground"], stderr=subprocess.DEVNULL
        )
        deadline = time.monotonic() + 15
        while not _pcscd_has_reader("Virtual PCD") and time.monotonic() < deadline:
            time.sleep(0.1)
    with tempfile.TemporaryDirectory() as state_dir:
        simulator = subprocess.Popen(
            [sys.executable, "-m", "simulators.mynumber_card", "--state-dir", state_dir],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            cwd=REPO_ROOT,
            text=True,
        )
        try:
            assert simulator.stdout is not None
            ready = json.loads(simulator.stdout.readline())
            _post(ready["control"], "insert", {"persona": PERSONA})
            time.sleep(0.6)
            figures = _measure(ready, reads, pin)
            _post(ready["control"], "latency", {"ms": CARD_LATENCY_MS})
            slow = _measure(ready, max(10, reads // 10), pin)
        finally:
            simulator.terminate()
            simulator.wait(10)
            if pcscd is not None:
                pcscd.terminate()
                pcscd.wait(10)
    figures["speedup_vs_6apdu_at_5ms_per_apdu"] = slow["speedup_vs_6apdu"]
    figures["median_ms_after_pin_at_5ms_per_apdu"] = slow["median_ms_after_pin"]
    figures["baseline_median_ms_after_pin_at_5ms_per_apdu"] = slow["baseline_median_ms_after_pin"]
    return figures


def _measure(ready: dict[str, str], reads: int, pin: str) -> dict[str, float | int | str]:
    reader = open_device(ready["endpoint"])
    ours: list[float] = []
    ours_after_pin: list[float] = []
    after_pin: list[int] = []
    for _ in range(reads):
        start = time.perf_counter()
        reader.pin_tries_left()  # primed while the resident types
        pin_entered = time.perf_counter()
        info = reader.read_basic_info(pin)
        done = time.perf_counter()
        ours.append(done - start)
        ours_after_pin.append(done - pin_entered)
        after_pin.append(reader.last_operation_apdus)
    reader.close()
    transport = PcscTransport(ready["reader"])
    baseline: list[float] = []
    baseline_after_pin: list[float] = []
    baseline_apdus = 0
    for _ in range(reads):
        start = time.perf_counter()
        baseline_apdus, seconds_after_pin, baseline_info = _baseline_read(transport, pin)
        baseline.append(time.perf_counter() - start)
        baseline_after_pin.append(seconds_after_pin)
    transport.close()
    assert info == baseline_info
    ms = 1000.0
    return {
        "reads": reads,
        "median_ms_card_to_basic_info": round(statistics.median(ours) * ms, 3),
        "median_ms_after_pin": round(statistics.median(ours_after_pin) * ms, 3),
        "apdus_after_pin": max(after_pin),
        "baseline_median_ms_card_to_basic_info": round(statistics.median(baseline) * ms, 3),
        "baseline_median_ms_after_pin": round(statistics.median(baseline_after_pin) * ms, 3),
        "baseline_apdus": baseline_apdus,
        "baseline_apdus_after_pin": baseline_apdus - 2,
        "speedup_vs_6apdu": round(
            statistics.median(baseline_after_pin) / statistics.median(ours_after_pin), 3
        ),
        "speedup_vs_6apdu_card_to_info": round(statistics.median(baseline) / statistics.median(ours), 3),
    }
