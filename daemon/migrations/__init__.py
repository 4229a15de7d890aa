"""Versioned schema migrations for every SQLite store, applied at start with a backup first.

Each store file carries its schema version in ``PRAGMA user_version``. Version 1 is the layout the
stores created before versioning existed (their files have ``user_version`` 0 and are read as 1);
``SCHEMAS`` lists the steps after it. At start, ``prepare_storage``:

1. reads every existing store's version; a version newer than this release knows is refused
   (``StorageTooNew``, in Japanese and English: a downgrade would lose data);
2. when any store is behind, copies every store with SQLite's online backup into
   ``<storage_dir>/backups/pre-migration-<UTC time>/`` (``daemon.backup``), then
3. applies the missing steps, each store in one transaction with its new ``user_version``.

Files that do not exist yet are created by their store; ``finish_new_stores`` then brings them to the
current version without a backup (there was nothing to lose).

| store        | file                              | versions                                         |
|--------------|-----------------------------------|--------------------------------------------------|
| events       | ``events.sqlite3``                | 1; 2 ``meta`` table (reserved sequence numbers)  |
| print-jobs   | ``print-jobs.sqlite3``            | 1; 2 index jobs by state (metrics)               |
| payments     | ``payments.sqlite3``              | 1; 2 ``issue_failed`` column; 3 index by state   |
| kpi          | ``kpi.sqlite3``                   | 1                                                |
| outbox       | ``outbox/outbox.sqlite3``         | 1 (its pre-1 layouts are converted by the store);|
|              |                                   | 2 ``forward_seq`` (the fleet forwarder's order); |
|              |                                   | 3 ``forward_counter`` (the last one given)       |
| audit        | ``audit.sqlite3``                 | 1 (``audit.anchor`` is backed up beside it)      |
| staff        | ``staff.sqlite3``                 | 1                                                |

A new schema change is a new ``Step`` at the end of its store's tuple plus a fixture of the previous
version in ``tests/fixtures/migrations`` (``python -m tests.fixtures.migrations.make``).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import re
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

from ..backup import backup_storage
from ..config import Config
from ..storage_files import read_version, store_paths

_LOGGER = logging.getLogger(__name__)


@dataclass(frozen=True)
class Step:
    """Schema version ``version`` is reached by running ``sql`` (one or more statements)."""

    version: int
    summary: str
    sql: str


@dataclass(frozen=True)
class StoreSchema:
    name: str
    steps: tuple[Step, ...] = ()

    @property
    def latest(self) -> int:
        return self.steps[-1].version if self.steps else 1


SCHEMAS: tuple[StoreSchema, ...] = (
    StoreSchema(
        "events",
        (
            Step(
                2,
                "meta table: sequence numbers reserved durably in blocks",
                "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL)",
            ),
        ),
    ),
    StoreSchema(
        "print-jobs",
        (Step(2, "index jobs by state", "CREATE INDEX IF NOT EXISTS jobs_by_state ON jobs (state)"),),
    ),
    StoreSchema(
        "payments",
        (
            Step(
                2,
                "issue_failed column (it was a free-text reason)",
                "ALTER TABLE payments ADD COLUMN issue_failed INTEGER NOT NULL DEFAULT 0;"
                "UPDATE payments SET issue_failed = 1 WHERE reason = 'issue_failed'",
            ),
            Step(3, "index by state", "CREATE INDEX IF NOT EXISTS payments_by_state ON payments (state)"),
        ),
    ),
    StoreSchema("kpi"),
    StoreSchema(
        "outbox",
        (
            Step(
                2,
                "forward_seq: released applications in order of release, for the fleet forwarder",
                "ALTER TABLE applications ADD COLUMN forward_seq INTEGER;"
                "UPDATE applications SET forward_seq = seq WHERE released_at IS NOT NULL;"
                "CREATE UNIQUE INDEX IF NOT EXISTS applications_by_forward_seq ON applications (forward_seq)",
            ),
            Step(
                3,
                "forward_counter: the last forward_seq given, so a purge never lets one be reused",
                "CREATE TABLE IF NOT EXISTS forward_counter"
                " (id INTEGER PRIMARY KEY CHECK (id = 1), last INTEGER NOT NULL);"
                "INSERT OR IGNORE INTO forward_counter (id, last)"
                " SELECT 1, COALESCE(MAX(forward_seq), 0) FROM applications",
            ),
        ),
    ),
    StoreSchema("audit"),
    StoreSchema("staff"),
)


class StorageTooNew(Exception):
    """A store written by a newer Frontyard; the message says what to do, in Japanese and English."""


@dataclass(frozen=True)
class StoreFile:
    schema: StoreSchema
    path: Path


@dataclass
class MigrationReport:
    """What ``prepare_storage`` did: versions before, the backup directory, and stores still to create."""

    versions: dict[str, int] = field(default_factory=dict)
    migrated: list[str] = field(default_factory=list)
    backup_dir: Path | None = None
    missing: list[StoreFile] = field(default_factory=list)


def store_files(config: Config) -> list[StoreFile]:
    """Every store of this configuration, in ``SCHEMAS`` order."""
    paths = store_paths(config)
    return [StoreFile(schema, paths[schema.name]) for schema in SCHEMAS]


def migrate_file(store: StoreFile) -> int:
    """Apply the steps ``store`` lacks, in one transaction; returns the version before."""
    with contextlib.closing(sqlite3.connect(store.path, isolation_level=None, timeout=10)) as db:
        db.execute("BEGIN IMMEDIATE")
        try:
            (before,) = db.execute("PRAGMA user_version").fetchone()
            for step in store.schema.steps:
                if step.version > max(int(before), 1):
                    for statement in filter(str.strip, step.sql.split(";")):
                        if not _column_already_added(db, statement):
                            db.execute(statement)
            # PRAGMA cannot take a bound parameter; latest is an int from SCHEMAS.
            db.execute(f"PRAGMA user_version = {int(store.schema.latest)}")
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise
    return max(int(before), 1)


def _refuse_newer(store: StoreFile, version: int) -> StorageTooNew:
    return StorageTooNew(
        f"{store.path}: schema version {version} is newer than this Frontyard knows "
        f"({store.schema.latest}); it was written by a newer release. Install that release again, or "
        f"restore a backup made by this one (frontyard-daemon restore DIR).\n"
        f"  {store.path}: データ形式の版 {version} はこの Frontyard（版 {store.schema.latest}）より新しく、"
        f"新しいリリースで作成されたものです。そのリリースを入れ直すか、この版のバックアップを復元してください。"
    )


def prepare_storage(config: Config, *, now: dt.datetime | None = None) -> MigrationReport:
    """Check every store, back them up when one is behind, migrate; see the module docstring."""
    report = MigrationReport()
    behind: list[StoreFile] = []
    for store in store_files(config):
        if not store.path.exists():
            report.missing.append(store)
            continue
        version = read_version(store.path)
        report.versions[store.schema.name] = version
        if version > store.schema.latest:
            raise _refuse_newer(store, version)
        if version < store.schema.latest or _unversioned(store.path):
            behind.append(store)
    if not behind:
        return report
    needs_backup = any(report.versions[store.schema.name] < store.schema.latest for store in behind)
    if needs_backup:
        stamp = (now or dt.datetime.now(dt.UTC)).strftime("%Y%m%dT%H%M%SZ")
        report.backup_dir = config.storage_dir / "backups" / f"pre-migration-{stamp}"
        backup_storage(config, report.backup_dir)
    for store in behind:
        before = migrate_file(store)
        if before < store.schema.latest:
            report.migrated.append(store.schema.name)
            _LOGGER.info(
                "store migrated",
                extra={"store": store.schema.name, "from": before, "to": store.schema.latest},
            )
    return report


def finish_new_stores(report: MigrationReport) -> None:
    """Bring the stores created during this start to the current version (no backup: they were empty)."""
    for store in report.missing:
        if store.path.exists():
            migrate_file(store)


def _unversioned(path: Path) -> bool:
    with contextlib.closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as db:
        (version,) = db.execute("PRAGMA user_version").fetchone()
    return int(version) == 0


_ADD_COLUMN = re.compile(r"\s*ALTER\s+TABLE\s+(\w+)\s+ADD\s+COLUMN\s+(\w+)", re.IGNORECASE)


def _column_already_added(db: sqlite3.Connection, statement: str) -> bool:
    """An ``ADD COLUMN`` whose column exists: a file written after the column came, before versioning."""
    match = _ADD_COLUMN.match(statement)
    if match is None:
        return False
    table, column = match.groups()
    # The table name comes from a constant Step in SCHEMAS, never from input.
    return column in {row[1] for row in db.execute(f"PRAGMA table_info({table})")}
