"""Start real processes for integration tests, wait until they are ready, and always stop them."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.support.waiting import wait_until

REPO_ROOT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _accepts(host: str, port: int) -> bool:
    with contextlib.suppress(OSError), socket.create_connection((host, port), timeout=0.2):
        return True
    return False


def wait_for_port(port: int, host: str = "127.0.0.1", timeout: float = 10.0) -> None:
    wait_until(lambda: _accepts(host, port), timeout=timeout, what=f"something listening on {host}:{port}")


def wait_for_path(path: Path, timeout: float = 10.0) -> None:
    wait_until(path.exists, timeout=timeout, what=f"{path} to appear")


def stop_process(process: subprocess.Popen[Any], sig: int = signal.SIGTERM, timeout: float = 10.0) -> int:
    """Signal ``process`` if it still runs, wait ``timeout``, then kill it; its return code."""
    if process.poll() is None:
        process.send_signal(sig)
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout)
    return process.returncode


@dataclass
class RunningProcess:
    process: subprocess.Popen[str]
    ready: dict[str, Any]
    log_path: Path

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 10.0) -> int:
        stop_process(self.process, sig, timeout)
        if self.process.stdout is not None:
            self.process.stdout.close()
        return self.process.returncode

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")


def start_with_ready_line(
    args: list[str], log_path: Path, timeout: float = 20.0, env: dict[str, str] | None = None
) -> RunningProcess:
    """Start ``args`` and wait for its JSON ready line on stdout; stderr goes to ``log_path``.

    The ready line is one JSON object on one line, e.g.
    ``{"simulator": "escpos", "endpoint": "tcp://127.0.0.1:9100", "control": "http://127.0.0.1:9101"}``.
    """
    log_file = log_path.open("w", encoding="utf-8")
    process = subprocess.Popen(
        args,
        stdout=subprocess.PIPE,
        stderr=log_file,
        stdin=subprocess.DEVNULL,
        text=True,
        cwd=REPO_ROOT,
        env={**os.environ, **(env or {})},
    )
    log_file.close()
    assert process.stdout is not None
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            if process.poll() is not None:
                process.stdout.close()
                raise RuntimeError(f"{args} exited with {process.returncode}: {log_path.read_text()}")
            continue
        with contextlib.suppress(json.JSONDecodeError):
            ready = json.loads(line)
            if isinstance(ready, dict):
                return RunningProcess(process, ready, log_path)
    process.kill()
    process.wait()
    process.stdout.close()
    raise TimeoutError(f"{args} printed no ready line after {timeout} s: {log_path.read_text()}")


@contextlib.contextmanager
def running(args: list[str], log_path: Path, timeout: float = 20.0) -> Iterator[RunningProcess]:
    proc = start_with_ready_line(args, log_path, timeout)
    try:
        yield proc
    finally:
        proc.stop()
