"""Apply ``backoffice/schema/NNNN_name.sql`` in order, each once, recorded in ``frontyard.schema_version``.

Each file runs in its own transaction together with its ``schema_version`` row, so a failed file leaves
the database at the previous version. A second run with nothing new does nothing. Concurrent runs are
serialized with an advisory lock.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from pathlib import Path

import psycopg

_LOGGER = logging.getLogger(__name__)
SCHEMA_DIR = Path(__file__).parent / "schema"
_FILE_NAME = re.compile(r"^(\d{4})_([a-z0-9_]+)\.sql$")
_LOCK_KEY = 0x46595F4D  # "FY_M": one migrate at a time per database


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    path: Path


@dataclass(frozen=True)
class MigrateResult:
    before: int
    after: int
    applied: tuple[Migration, ...]


class MigrationError(Exception):
    """A migration file is misnamed, missing a version, or failed; the message is in Japanese and English."""


def migrations(schema_dir: Path = SCHEMA_DIR) -> tuple[Migration, ...]:
    """The migration files in version order; versions must be 1, 2, 3 … without gaps."""
    found: list[Migration] = []
    for path in sorted(schema_dir.glob("*.sql")):
        match = _FILE_NAME.match(path.name)
        if match is None:
            raise MigrationError(
                f"スキーマファイル名が不正です / schema file name must be NNNN_name.sql: {path.name}"
            )
        found.append(Migration(int(match.group(1)), match.group(2), path))
    for expected, migration in enumerate(found, start=1):
        if migration.version != expected:
            raise MigrationError(
                f"スキーマのバージョンが連続していません / schema versions must run 1, 2, 3 …: "
                f"expected {expected:04d}, found {migration.path.name}"
            )
    return tuple(found)


_VERSION_TABLE = """
CREATE SCHEMA IF NOT EXISTS frontyard;
CREATE TABLE IF NOT EXISTS frontyard.schema_version (
    version integer PRIMARY KEY,
    name text NOT NULL,
    applied_time timestamptz NOT NULL DEFAULT now()
)
"""


def current_version(connection: psycopg.Connection[tuple[object, ...]]) -> int:
    row = connection.execute("SELECT to_regclass('frontyard.schema_version')").fetchone()
    if row is None or row[0] is None:
        return 0
    (version,) = connection.execute(
        "SELECT COALESCE(MAX(version), 0) FROM frontyard.schema_version"
    ).fetchone() or (0,)
    return int(str(version))


def migrate(dsn: str, schema_dir: Path = SCHEMA_DIR) -> MigrateResult:
    """Bring the database at ``dsn`` to the newest schema version; what was applied."""
    files = migrations(schema_dir)
    with psycopg.connect(dsn, autocommit=True) as connection:
        connection.execute("SELECT pg_advisory_lock(%s)", (_LOCK_KEY,))
        try:
            before = current_version(connection)
            if before > len(files):
                raise MigrationError(
                    "データベースがこの版より新しいスキーマです / "
                    f"the database is at schema version {before}, "
                    f"newer than this release knows ({len(files)}): use a newer Frontyard"
                )
            applied: list[Migration] = []
            for migration in files[before:]:
                with connection.transaction():
                    connection.execute(_VERSION_TABLE)
                    connection.execute(migration.path.read_text(encoding="utf-8"))
                    connection.execute(
                        "INSERT INTO frontyard.schema_version (version, name) VALUES (%s, %s)",
                        (migration.version, migration.name),
                    )
                _LOGGER.info("applied back-office schema %04d_%s", migration.version, migration.name)
                applied.append(migration)
            return MigrateResult(before, before + len(applied), tuple(applied))
        finally:
            connection.execute("SELECT pg_advisory_unlock(%s)", (_LOCK_KEY,))
