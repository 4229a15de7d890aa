"""gRPC overhead (GetDevice vs an echo service, metrics on), start-up, memory; migrating/backing up a year.

``migrate_s``: a state directory holding a year (``bench._year_data.YEAR``: 50,000 visits, 20,000
payments) written by the stores without a version stamp, as every release before versioning wrote
them, brought to the current version by ``prepare_storage`` (which backs everything up first).
``backup_s``: ``backup_storage`` of the same. Both are medians of several runs on fresh copies.
"""

from __future__ import annotations

import shutil
import statistics
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import grpc
import psutil
from kiosk.v1 import device_pb2, device_pb2_grpc

from daemon.backup import backup_storage
from daemon.config import load_config
from daemon.migrations import prepare_storage
from simulators.daemon_toml import DaemonToml, Device, Endpoint

from ._processes import daemon_args, simulator_args, started
from ._year_data import YEAR, fill


def _latencies(call: object, count: int) -> list[float]:
    samples = []
    for _ in range(count):
        began = time.perf_counter()
        call()  # type: ignore[operator]
        samples.append(time.perf_counter() - began)
    return samples


def _percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def _write_config(directory: Path, printer_uri: str) -> Path:
    return DaemonToml(
        storage_dir="state",
        simulator_mode=False,
        endpoints=[Endpoint("kiosk.sock", "kiosk")],
        devices=[Device("receipt", "escpos", printer_uri)],
        options={"metrics": {"listen": "127.0.0.1:0"}},
    ).write(directory / "daemon.toml")


def run(quick: bool = False) -> dict[str, float | int | str]:
    calls = 300 if quick else 2000
    rounds = 3 if quick else 5
    with tempfile.TemporaryDirectory(prefix="bench-grpc-") as temp:
        directory = Path(temp)
        with started(simulator_args("escpos_printer", directory)) as (_, printer, _):
            config = _write_config(directory, printer["endpoint"])
            startups = []
            for _ in range(rounds):
                with started(daemon_args(config)) as (_, _, seconds):
                    startups.append(seconds)
            echo_address = f"unix:{directory / 'echo.sock'}"
            with (
                started(daemon_args(config)) as (daemon, ready, _),
                started([sys.executable, "-m", "bench._echo_server", echo_address]) as (_, _, _),
            ):
                daemon_channel = grpc.insecure_channel(f"unix:{directory / 'kiosk.sock'}")
                echo_channel = grpc.insecure_channel(echo_address)
                stub = device_pb2_grpc.DeviceServiceStub(daemon_channel)
                request = device_pb2.GetDeviceRequest(name="devices/receipt")
                reply_size = stub.GetDevice(request).ByteSize()
                echo = echo_channel.unary_unary("/bench.Echo/Echo", None, None)
                payload = b"x" * reply_size
                daemon_p50s, echo_p50s, daemon_all = [], [], []
                for _ in range(rounds):  # interleaved, so both see the same machine load
                    daemon_samples = _latencies(lambda: stub.GetDevice(request), calls // rounds)
                    echo_samples = _latencies(lambda: echo(payload), calls // rounds)
                    daemon_p50s.append(statistics.median(daemon_samples))
                    echo_p50s.append(statistics.median(echo_samples))
                    daemon_all += daemon_samples
                time.sleep(0.5)
                rss_mb = psutil.Process(daemon.pid).memory_info().rss / 2**20
                with urllib.request.urlopen(ready["metrics"], timeout=5) as response:
                    metrics_lines = sum(1 for line in response if not line.startswith(b"#"))
                daemon_channel.close()
                echo_channel.close()
    migrate_s, backup_s = _migrate_and_backup(rounds=1 if quick else 3)
    daemon_p50 = statistics.median(daemon_p50s)
    echo_p50 = statistics.median(echo_p50s)
    return {
        "getdevice_p50_ms": daemon_p50 * 1000,
        "getdevice_p99_ms": _percentile(daemon_all, 0.99) * 1000,
        "echo_p50_ms": echo_p50 * 1000,
        "overhead_ratio_p50": daemon_p50 / echo_p50,
        "startup_s": statistics.median(startups),
        "rss_mb": rss_mb,
        "calls": calls,
        "metrics_samples": metrics_lines,
        "migrate_s": migrate_s,
        "backup_s": backup_s,
    }


def _migrate_and_backup(rounds: int) -> tuple[float, float]:
    """Median seconds to migrate a year of v1 stores (backup first included), and to back it up."""
    with tempfile.TemporaryDirectory(prefix="bench-migrate-") as temp:
        year = Path(temp) / "year"
        fill(year, YEAR)
        migrations, backups = [], []
        for round_number in range(rounds):
            copy = Path(temp) / f"run{round_number}"
            shutil.copytree(year, copy / "state")
            (copy / "daemon.toml").write_text('[daemon]\nstorage_dir = "state"\n', encoding="utf-8")
            config = load_config(copy / "daemon.toml")
            began = time.perf_counter()
            report = prepare_storage(config)
            migrations.append(time.perf_counter() - began)
            assert report.migrated, "nothing migrated: the year was not written at version 1"
            began = time.perf_counter()
            backup_storage(config, copy / "backup")
            backups.append(time.perf_counter() - began)
            shutil.rmtree(copy)
    return statistics.median(migrations), statistics.median(backups)
