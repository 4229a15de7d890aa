"""What running as an installed appliance adds around a serving daemon, in one place for ``main.serve``.

* the Prometheus endpoint (``daemon.metrics``), when ``[options.metrics]`` is present;
* hot-plug: a configured device that appears later is opened at once (``daemon.hotplug``);
* systemd: ``READY=1`` once every endpoint listens, watchdog pings from the event loop,
  ``STOPPING=1`` on the way out (``daemon.systemd``; nothing happens outside systemd).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass

from . import systemd
from .hotplug import HotPlug
from .metrics import Metrics, read_metrics_settings
from .server import Daemon

_LOGGER = logging.getLogger(__name__)


@dataclass
class Appliance:
    metrics_url: str = ""
    hotplug: str = ""


@contextlib.asynccontextmanager
async def appliance_services(daemon: Daemon) -> AsyncIterator[Appliance]:
    """Start the extras after ``daemon.start()``; stop them before ``daemon.stop()``."""
    settings = read_metrics_settings(daemon.config.options)
    metrics = None
    if settings is not None:
        metrics = Metrics(
            settings,
            devices=daemon.registry,
            events=daemon.events,
            storage_dir=daemon.config.storage_dir,
            fleet=daemon.fleet.status if daemon.fleet is not None else None,
        )
    if metrics is not None:
        try:
            metrics.start()
        except OSError as exc:  # the port is taken: serve the kiosk anyway, say why metrics are missing
            _LOGGER.error(
                "metrics endpoint not started / メトリクスを開始できません",
                extra={"address": f"{metrics.settings.host}:{metrics.settings.port}", "error": str(exc)},
            )
            metrics = None
    hotplug = HotPlug(daemon.registry)
    hotplug.start()
    watchdog: asyncio.Task[None] | None = None
    interval = systemd.watchdog_interval_s()
    if interval is not None:
        watchdog = asyncio.get_running_loop().create_task(systemd.ping_watchdog(interval), name="watchdog")
    systemd.notify("READY=1\nSTATUS=serving")
    try:
        yield Appliance(metrics_url=metrics.url if metrics else "", hotplug=hotplug.mode)
    finally:
        systemd.notify("STOPPING=1")
        if watchdog is not None:
            watchdog.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await watchdog
        hotplug.stop()
        if metrics is not None:
            await metrics.stop()
