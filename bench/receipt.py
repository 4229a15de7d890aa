"""ESC/POS receipt generation (raster, kanji) vs python-escpos text(); time to first byte at the simulator."""

from __future__ import annotations

import json
import statistics
import tempfile
import time
import urllib.request
import warnings
from datetime import datetime
from pathlib import Path
from typing import Any

from daemon.receipts import CertificateLine, RequestInput, request_receipt
from drivers.escpos import Receipt, encode_receipt, get_profile, open_device
from tests.support.processes import PYTHON, running

REQUEST = request_receipt(
    RequestInput(
        "指宿市",
        "A-012",
        (CertificateLine("住民票の写し", 2, 300), CertificateLine("印鑑登録証明書", 1, 300)),
        datetime(2026, 4, 1, 9, 30),
        qr_payload="R20260401-012.3F9A",
    )
)


def _rate(function: Any, repeats: int) -> tuple[float, int]:
    """Median seconds per call over ``repeats`` calls, and the bytes one call made."""
    size = len(function())
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return statistics.median(times), size


def _baseline_escpos_text(receipt: Receipt) -> bytes:
    """python-escpos's plain path: Dummy printer, set() + text() per line, native QR, cut."""
    from escpos.printer import Dummy

    printer = Dummy()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for line in receipt.text_lines():
            printer.set(align="left", bold=False)
            printer.text(line + "\n")
        printer.qr("R20260401-012.3F9A", native=True)
        printer.cut()
    return bytes(printer.output)


def _time_to_first_byte(repeats: int) -> tuple[float, float]:
    """Median seconds to the receipt's first byte at the simulator, and for the whole job."""
    with tempfile.TemporaryDirectory() as state_dir:
        args = [PYTHON, "-m", "simulators.escpos_printer", "--state-dir", state_dir]
        with running(args, Path(state_dir) / "sim.log") as sim:
            printer = open_device(f"{sim.ready['endpoint']}?profile=tm-m30-jp")
            first_bytes, totals = [], []
            try:
                printer.open()
                for _ in range(repeats):
                    wall = time.time()
                    outcome = printer.print_receipt(REQUEST)
                    totals.append(outcome.seconds)
                    with urllib.request.urlopen(f"{sim.ready['control']}/state", timeout=5) as response:
                        last = json.load(response)["receipts"][-1]
                    first_bytes.append(last["started_at"] - wall)
            finally:
                printer.close()
    return statistics.median(first_bytes), statistics.median(totals)


def run(quick: bool) -> dict[str, float | int | str]:
    repeats = 5 if quick else 40
    raster_s, raster_bytes = _rate(lambda: encode_receipt(REQUEST, get_profile("generic-80")).data, repeats)
    kanji_s, kanji_bytes = _rate(lambda: encode_receipt(REQUEST, get_profile("tm-m30-jp")).data, repeats)
    base_s, base_bytes = _rate(lambda: _baseline_escpos_text(REQUEST), repeats)
    ttfb, total = _time_to_first_byte(3 if quick else 15)
    return {
        "raster_receipt_ms": raster_s * 1000,
        "raster_bytes": raster_bytes,
        "raster_bytes_per_s": raster_bytes / raster_s,
        "kanji_receipt_ms": kanji_s * 1000,
        "kanji_bytes": kanji_bytes,
        "kanji_bytes_per_s": kanji_bytes / kanji_s,
        "baseline_escpos_text_ms": base_s * 1000,
        "baseline_bytes": base_bytes,
        "kanji_vs_baseline_time_ratio": kanji_s / base_s,
        "raster_vs_baseline_time_ratio": raster_s / base_s,
        "time_to_first_byte_ms": ttfb * 1000,
        "print_job_with_status_ms": total * 1000,
    }
