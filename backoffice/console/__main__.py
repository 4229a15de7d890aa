"""``frontyard-console``: the back-office console and the retention purge of the central database.

    frontyard-console serve --database DSN --state-dir DIR [--port 8090] [--export-dir DIR]
    frontyard-console purge --database DSN [--retention-days 30] [--export-dir DIR]

(``frontyard-backoffice serve`` and ``frontyard-backoffice purge`` are the same commands.)

DSN is a libpq connection string for a login of the ``frontyard_backoffice`` role (made with
``frontyard-backoffice add-login``); give its password through ``passfile=`` or ``PGPASSFILE``, never on
the command line. Staff accounts live in ``DIR/staff.sqlite3``: ``frontyard-staff --storage DIR add …``.
The console binds loopback only; put a TLS reverse proxy in front for the office network.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from pathlib import Path

import psycopg

from ..retention import DEFAULT_RETENTION_DAYS, purge
from .server import LOOPBACK, ConsoleOptions, serve


def _months(text: str) -> frozenset[int]:
    months = frozenset(int(part) for part in text.split(",") if part.strip())
    if not months <= set(range(1, 13)):
        raise argparse.ArgumentTypeError("months are 1 to 12 / 月は1〜12で指定してください")
    return months


def _parser(prog: str) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=prog,
        description=__doc__.split("\n\n")[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=__doc__.split("\n\n", 2)[2],
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    database_help = "libpq connection string of the central database, as a frontyard_backoffice login"
    run = commands.add_parser("serve", help="serve the back-office console on loopback")
    run.add_argument("--database", required=True, metavar="DSN", help=database_help)
    run.add_argument("--state-dir", required=True, type=Path, help="staff accounts and the audit log")
    run.add_argument("--export-dir", type=Path, help="exported applications (default STATE_DIR/export)")
    run.add_argument("--host", default="127.0.0.1", help="listen address, loopback only")
    run.add_argument("--port", type=int, default=8090, help="0 picks a free port")
    run.add_argument(
        "--stale-after", type=float, default=30.0, help="seconds of silence before a terminal is stale"
    )
    run.add_argument("--busy-months", type=_months, default=frozenset({3, 4}), help="繁忙期, e.g. 3,4")
    run.add_argument(
        "--staff-idle-timeout", type=int, default=900, help="seconds before an unused session ends"
    )
    run.add_argument("-v", "--verbose", action="store_true", help="debug logging on stderr")
    clean = commands.add_parser("purge", help="clear personal data of applications exported long enough ago")
    clean.add_argument("--database", required=True, metavar="DSN", help=database_help)
    clean.add_argument("--retention-days", type=int, default=DEFAULT_RETENTION_DAYS, help="days after export")
    clean.add_argument("--export-dir", type=Path, help="also remove exported package directories this old")
    return parser


def main(argv: list[str] | None = None, prog: str = "frontyard-console") -> int:
    """``prog`` names the command in help and errors (``frontyard-backoffice`` delegates here)."""
    args = _parser(prog).parse_args(argv)
    if args.command == "purge":
        try:
            result = purge(args.database, args.retention_days, args.export_dir)
        except psycopg.OperationalError:
            print("データベースに接続できません / cannot connect to the central database", file=sys.stderr)
            return 1
        except ValueError as error:
            print(str(error), file=sys.stderr)
            return 2
        cleared = f"{result.applications} applications, {result.directories} directories"
        print(f"個人情報を削除しました / cleared: {cleared}")
        return 0
    if args.host not in LOOPBACK:
        print("ループバックのみで待ち受けます / the console binds loopback only", file=sys.stderr)
        return 2
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.WARNING, stream=sys.stderr)
    options = ConsoleOptions(
        database=args.database,
        state_dir=args.state_dir,
        export_dir=args.export_dir or args.state_dir / "export",
        stale_after_s=args.stale_after,
        staff_idle_timeout_s=args.staff_idle_timeout,
        busy_months=args.busy_months,
    )
    asyncio.run(serve(options, args.host, args.port))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
