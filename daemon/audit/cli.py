"""``frontyard-audit``: check the audit log's chain, or export a period as CSV for the auditor.

    frontyard-audit --storage DIR verify          (or --config daemon.toml)
    frontyard-audit --storage DIR export --from 2026-04-01 --to 2026-05-01 [--out FILE]

``verify`` exits 0 when the chain is whole and reaches the newest head anchored in ``audit.anchor``; 1
otherwise, naming the first broken (or first missing) row and what happened: a row changed, rows cut off
the end, the file rolled back to an older copy, or the anchor missing. Files it creates (SQLite's
``-wal``/``-shm`` left by an interrupted run) belong to the owner of the storage directory, also when
root runs it (``daemon.storage_owner``).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..config import load_config
from ..storage_owner import NewFiles
from .log import AuditLog, anchor_path

AUDIT_FILE = "audit.sqlite3"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="frontyard-audit", description=__doc__.splitlines()[0])
    where = parser.add_mutually_exclusive_group(required=True)
    where.add_argument("--storage", type=Path, help="the daemon's storage directory")
    where.add_argument("--config", type=Path, help="the daemon's configuration (its storage_dir is used)")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("verify", help="check the hash chain; report the first broken row")
    export = commands.add_parser("export", help="write the rows of a period as CSV")
    export.add_argument("--from", dest="since", default="", help="ISO date or time, inclusive")
    export.add_argument("--to", dest="until", default="", help="ISO date or time, exclusive")
    export.add_argument("--out", type=Path, help="CSV file (default: standard output)")
    return parser


def storage_dir(storage: Path | None, config: Path | None) -> Path:
    if storage is not None:
        return storage
    assert config is not None  # argparse requires one of the two
    return load_config(config).storage_dir


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    directory = storage_dir(args.storage, args.config)
    path = directory / AUDIT_FILE
    if not path.exists():
        print(f"監査ログがありません / no audit log at {path}", file=sys.stderr)
        return 2
    created = NewFiles.before(directory, path, anchor_path(path))
    log = AuditLog(path)
    created.hand_over()  # the -wal/-shm it opened with, should this run be cut short
    try:
        if args.command == "verify":
            result = log.verify()
            if result.ok:
                print(f"OK: {result.rows} rows, chain intact / 改ざんは検出されませんでした")
                return 0
            problem = result.problem.value if result.problem else ""
            print(
                f"BROKEN at row {result.first_broken_seq}: {result.reason} / "
                f"{result.first_broken_seq} 行目: {problem}",
                file=sys.stderr,
            )
            return 1
        if args.out is not None:
            with args.out.open("w", encoding="utf-8", newline="") as out:
                count = log.export_csv(out, args.since, args.until)
        else:
            count = log.export_csv(sys.stdout, args.since, args.until)
        print(f"exported {count} rows", file=sys.stderr)
        return 0
    finally:
        log.close()
        created.hand_over()


if __name__ == "__main__":
    raise SystemExit(main())
