"""Start benchmark peers as real processes (the daemon, simulators, baselines) and stop them."""

from __future__ import annotations

import contextlib
import json
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any


@contextlib.contextmanager
def started(
    args: list[str], timeout: float = 30.0
) -> Iterator[tuple[subprocess.Popen[str], dict[str, Any], float]]:
    """Run ``args`` until it prints its JSON ready line; yields (process, ready, seconds to ready)."""
    began = time.perf_counter()
    process = subprocess.Popen(
        args, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL, text=True
    )
    assert process.stdout is not None
    try:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            line = process.stdout.readline()
            if not line and process.poll() is not None:
                raise RuntimeError(f"{args[:3]} exited with {process.returncode}")
            if line.startswith("{"):
                yield process, json.loads(line), time.perf_counter() - began
                break
        else:
            raise TimeoutError(f"{args[:3]} printed no ready line")
    finally:
        stop(process)
        process.stdout.close()


def stop(process: subprocess.Popen[Any]) -> None:
    """SIGTERM, up to 10 s to end, then SIGKILL."""
    process.terminate()
    try:
        process.wait(10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def daemon_args(config: Path) -> list[str]:
    return [sys.executable, "-m", "daemon", "--config", str(config)]


def simulator_args(name: str, state_dir: Path) -> list[str]:
    return [sys.executable, "-m", f"simulators.{name}", "--state-dir", str(state_dir)]
