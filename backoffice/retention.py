"""Retention of personal data in the central database: an application's package (the filled form) and
its PDF are cleared once it has been exported and ``retention_days`` have passed, like the terminal's own
outbox (``daemon.visits.outbox_store.purge``); the exported package directories go after the same time
(``frontyard.exporter.purge_exported``).

The row itself stays (ids, times, who did what, no personal data): a terminal that forwards the same
application again hits ``ON CONFLICT DO NOTHING`` and cannot bring the package back. PostgreSQL keeps
the old row versions until VACUUM; autovacuum reclaims them (``VACUUM`` the table to be sure at once).

    frontyard-backoffice purge --database DSN --retention-days 30 [--export-dir DIR]
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg

from frontyard import exporter

_LOGGER = logging.getLogger(__name__)

DEFAULT_RETENTION_DAYS = 30

PURGE_SQL = """
UPDATE frontyard.applications SET package = NULL, pdf = NULL
 WHERE status = 'exported' AND exported_time <= %s AND (package IS NOT NULL OR pdf IS NOT NULL)
RETURNING application_id
"""


@dataclass(frozen=True)
class PurgeResult:
    applications: int  # central rows whose package and PDF were cleared
    directories: int  # exported package directories removed


def purge_personal_data(
    connection: psycopg.Connection[Any], retention_days: int, now: dt.datetime | None = None
) -> tuple[str, ...]:
    """Clear the package and PDF of applications exported ``retention_days`` ago or more; their ids."""
    if retention_days < 0:
        raise ValueError("retention days must be 0 or more / 保存日数は0以上にしてください")
    limit = (now or dt.datetime.now(dt.UTC)) - dt.timedelta(days=retention_days)
    with connection.transaction():
        cleared = tuple(row[0] for row in connection.execute(PURGE_SQL, (limit,)))
    _LOGGER.info("cleared personal data of %d exported applications", len(cleared))
    return cleared


def purge(
    database: str, retention_days: int, export_dir: Path | None = None, now: dt.datetime | None = None
) -> PurgeResult:
    moment = now or dt.datetime.now(dt.UTC)
    with psycopg.connect(database, connect_timeout=10) as connection:
        cleared = purge_personal_data(connection, retention_days, moment)
    removed = exporter.purge_exported(export_dir, moment, retention_days) if export_dir else ()
    return PurgeResult(len(cleared), len(removed))
