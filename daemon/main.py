"""``frontyard-daemon --config PATH``: run the device daemon until SIGTERM or SIGINT."""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import signal
import sys
import time
from pathlib import Path

from . import tools
from .appliance import appliance_services
from .config import ConfigError, load_config
from .logs import configure_logging
from .migrations import StorageTooNew
from .server import Daemon, create_server

_LOGGER = logging.getLogger(__name__)


def parse_arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="frontyard-daemon",
        description="Frontyard device daemon: drives the kiosk's card reader, printers, payment terminal and "
        "camera, and serves the kiosk.v1 gRPC API on the endpoints of the configuration.",
        epilog="Configuration reference: README.md (section Configuration). Example: config/example.toml. "
        "Logs are JSON lines on stderr, without personal data.",
    )
    parser.add_argument("--config", type=Path, required=True, help="the TOML configuration file")
    parser.add_argument("--check", action="store_true", help="validate the configuration and exit")
    parser.add_argument(
        "--log-level", choices=["debug", "info", "warning", "error"], help="override the config"
    )
    return parser.parse_args(argv)


async def serve(daemon: Daemon, started: float) -> None:
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    await daemon.start()
    async with appliance_services(daemon) as appliance:  # metrics, hot-plug, systemd READY and watchdog
        # One line on stdout when serving, for supervisors and tests; logs stay on stderr.
        ready = {
            "daemon": "serving",
            "endpoints": daemon.addresses,
            "startup_s": round(time.monotonic() - started, 3),
            "metrics": appliance.metrics_url,
        }
        print(json.dumps(ready), flush=True)
        await stop.wait()
    _LOGGER.info("stopping: finishing running operations")
    await daemon.stop()


def main(argv: list[str] | None = None) -> int:
    started = time.monotonic()
    arguments = sys.argv[1:] if argv is None else argv
    if arguments and arguments[0] in tools.COMMANDS:  # discover | backup | restore
        return tools.main(arguments)
    args = parse_arguments(argv)
    try:
        config = load_config(args.config)
    except ConfigError as exc:
        print(f"frontyard-daemon: configuration error / 設定ファイルの誤り:\n  {exc}", file=sys.stderr)
        return 2
    if args.check:
        print(f"{args.config}: OK ({len(config.devices)} devices, {len(config.endpoints)} endpoints)")
        return 0
    configure_logging(args.log_level or config.log_level)
    try:  # every option was checked by load_config: what fails here is storage, or a bug (a traceback)
        daemon = create_server(config)
    except OSError as exc:
        print(
            f"frontyard-daemon: cannot use storage / 保存先を使えません {config.storage_dir}: {exc}",
            file=sys.stderr,
        )
        return 1
    except StorageTooNew as exc:
        print(f"frontyard-daemon: {exc}", file=sys.stderr)
        return 1
    asyncio.run(serve(daemon, started))
    return 0


if __name__ == "__main__":
    sys.exit(main())
