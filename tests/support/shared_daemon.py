"""Start the real daemon process outside a function-scoped fixture (module-scoped benches share one)."""

from __future__ import annotations

from pathlib import Path

from tests.fixtures.daemon import RunningDaemon, daemon_config
from tests.support.processes import PYTHON, start_with_ready_line


def start_shared_daemon(
    where: Path, devices: dict[str, tuple[str, str]], extra: str = "", env: dict[str, str] | None = None
) -> RunningDaemon:
    """The daemon on Unix sockets under ``where`` (storage in ``where/storage``); the caller stops it."""
    where.mkdir(parents=True, exist_ok=True)
    config = daemon_config(where, devices, extra)
    count = len(list(where.glob("daemon-*.log")))
    process = start_with_ready_line(
        [PYTHON, "-m", "daemon", "--config", str(config)], where / f"daemon-{count}.log", timeout=30, env=env
    )
    sockets = {role: where / "run" / f"{role}.sock" for role in ("kiosk", "staff", "admin")}
    return RunningDaemon(process, where, sockets)
