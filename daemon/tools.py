"""The daemon's maintenance commands: ``frontyard-daemon discover|backup|restore``.

frontyard-daemon discover [--json] [--probe-serial]   what is attached, and a proposed configuration
frontyard-daemon backup --config PATH DIR             copy every store while the daemon serves
frontyard-daemon restore --config PATH DIR            put a backup back (the daemon stopped)
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from .backup import BackupError, backup_storage, restore_storage
from .config import ConfigError, load_config

COMMANDS = ("discover", "backup", "restore")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="frontyard-daemon", description="Frontyard maintenance commands.")
    commands = parser.add_subparsers(dest="command", required=True)
    discover = commands.add_parser("discover", help="list attached devices and propose a configuration")
    discover.add_argument("--json", action="store_true", help="one JSON object instead of text and TOML")
    discover.add_argument(
        "--probe-serial", action="store_true", help="send a ZVT status enquiry on each serial port"
    )
    for name, help_text in (
        ("backup", "copy every store into DIR"),
        ("restore", "restore the stores from DIR"),
    ):
        command = commands.add_parser(name, help=help_text)
        command.add_argument("--config", type=Path, required=True, help="the TOML configuration file")
        command.add_argument("directory", type=Path, metavar="DIR")
    return parser


def main(argv: list[str]) -> int:
    args = _parser().parse_args(argv)
    if args.command == "discover":
        from .discover.cli import run_discover

        return int(run_discover(as_json=args.json, probe_serial=args.probe_serial))
    try:
        config = load_config(args.config)
    except ConfigError as exc:
        print(f"frontyard-daemon: configuration error / 設定ファイルの誤り:\n  {exc}", file=sys.stderr)
        return 2
    try:
        if args.command == "backup":
            files = backup_storage(config, args.directory)
        else:
            files = restore_storage(config, args.directory)
    except BackupError as exc:
        print(f"frontyard-daemon {args.command}: {exc}", file=sys.stderr)
        return 1
    print(json.dumps({args.command: str(args.directory), "files": [file.relative for file in files]}))
    return 0
