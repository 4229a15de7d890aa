"""The application outbox, persisted: a ``frontyard.outbox.OutboxStore`` kept in one SQLite file.

Layout under the outbox directory (0700)::

    outbox.sqlite3 (0600, secure_delete)
        applications          metadata: id, reception id, form id, title, counter, missing keys, status,
                              times (indexed by status), corrections (staff id, time, field keys);
                              no names or addresses
        application_contents  the filled form (JSON) and its PDF, read on demand by ``get`` only

Nothing about a package is kept in daemon memory: listing and status changes read the metadata table,
``get`` (GetApplication, export) reads one package's contents for that call and does not cache them.
This file and the exported package directories are the only places the daemon writes names and
addresses (the procedure needs them). ``secure_delete`` overwrites purged rows; exported packages are
purged after the retention period. Older files are migrated on open (the one-``packages``-table layout;
the correction columns).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import os
import sqlite3
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from frontyard.documents import FieldKind, FilledForm, FormField
from frontyard.outbox import (
    NEXT_STATUS,
    ApplicationPackage,
    PackageStatus,
    PackageSummary,
    check_correctable,
    check_transition,
    corrected_summary,
    purge_due,
    unknown_package,
)

_SCHEMA = (
    """CREATE TABLE IF NOT EXISTS applications (
        seq INTEGER PRIMARY KEY,
        package_id TEXT NOT NULL UNIQUE,
        reception_id TEXT NOT NULL,
        form_id TEXT NOT NULL,
        title TEXT NOT NULL,
        procedure_id TEXT NOT NULL,
        counter TEXT NOT NULL,
        missing TEXT NOT NULL,
        status TEXT NOT NULL,
        created_at TEXT NOT NULL,
        released_at TEXT,
        released_by TEXT NOT NULL DEFAULT '',
        exported_at TEXT,
        corrected_at TEXT,
        corrected_by TEXT NOT NULL DEFAULT '',
        corrected_fields TEXT NOT NULL DEFAULT '[]',
        forward_seq INTEGER
    )""",
    "CREATE INDEX IF NOT EXISTS applications_by_status ON applications (status, seq)",
    """CREATE TABLE IF NOT EXISTS application_contents (
        package_id TEXT PRIMARY KEY,
        form TEXT NOT NULL,
        pdf BLOB NOT NULL
    )""",
)
CACHE_KIB = 256
_SELECT_SUMMARIES = (
    "SELECT package_id, reception_id, form_id, title, procedure_id, counter, missing, status, created_at,"
    " released_at, released_by, exported_at, corrected_at, corrected_by, corrected_fields FROM applications"
)
_INSERT_SUMMARY = (
    "INSERT INTO applications (package_id, reception_id, form_id, title, procedure_id, counter, missing,"
    " status, created_at, released_at, released_by, exported_at, corrected_at, corrected_by,"
    " corrected_fields)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
# Columns added after the first release, with their definitions (added on open when missing).
_ADDED_COLUMNS = {
    "corrected_at": "TEXT",
    "corrected_by": "TEXT NOT NULL DEFAULT ''",
    "corrected_fields": "TEXT NOT NULL DEFAULT '[]'",
    "forward_seq": "INTEGER",
}
# The fleet forwarder's order of released applications (daemon.fleet): 1, 2, 3 … in order of release.
FORWARD_INDEX = "CREATE UNIQUE INDEX IF NOT EXISTS applications_by_forward_seq ON applications (forward_seq)"
# The last forward_seq given, kept apart from the rows: a purge that deletes the newest released rows
# must not let the next release reuse a sequence the back office has (it would drop the row as a copy).
FORWARD_COUNTER = (
    "CREATE TABLE IF NOT EXISTS forward_counter"
    " (id INTEGER PRIMARY KEY CHECK (id = 1), last INTEGER NOT NULL)",
    "INSERT OR IGNORE INTO forward_counter (id, last)"
    " SELECT 1, COALESCE(MAX(forward_seq), 0) FROM applications",
)


def _value_to_json(value: str | bool | dt.date | None) -> Any:
    if isinstance(value, dt.date):
        return {"date": value.isoformat()}
    return value


def _value_from_json(value: Any) -> str | bool | dt.date | None:
    if isinstance(value, dict):
        return dt.date.fromisoformat(value["date"])
    if value is None or isinstance(value, str | bool):
        return value
    raise ValueError("unexpected form value in the outbox")


def form_to_json(form: FilledForm) -> str:
    document = dataclasses.asdict(form)
    document["fields"] = [
        {**dataclasses.asdict(item), "kind": str(item.kind), "value": _value_to_json(item.value)}
        for item in form.fields
    ]
    return json.dumps(document, ensure_ascii=False)


def form_from_json(text: str) -> FilledForm:
    document = json.loads(text)
    fields = tuple(
        FormField(
            key=item["key"],
            label=item["label"],
            kind=FieldKind(item["kind"]),
            value=_value_from_json(item["value"]),
            furigana=item["furigana"],
            wareki=item["wareki"],
            choices=tuple(item["choices"]),
            required=item["required"],
        )
        for item in document["fields"]
    )
    return FilledForm(
        form_id=document["form_id"],
        title=document["title"],
        procedure_id=document["procedure_id"],
        counter=document["counter"],
        fields=fields,
        missing=tuple(document["missing"]),
        note=document["note"],
    )


def _time(text: str | None) -> dt.datetime | None:
    return dt.datetime.fromisoformat(text) if text else None


def _iso(moment: dt.datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


def _delete(db: sqlite3.Connection, package_ids: list[str]) -> None:
    """Delete packages and their contents, then commit the caller's transaction."""
    db.executemany("DELETE FROM application_contents WHERE package_id = ?", [(i,) for i in package_ids])
    db.executemany("DELETE FROM applications WHERE package_id = ?", [(i,) for i in package_ids])
    db.execute("COMMIT")


def _summary(row: tuple[Any, ...]) -> PackageSummary:
    return PackageSummary(
        package_id=row[0],
        reception_id=row[1],
        form_id=row[2],
        title=row[3],
        procedure_id=row[4],
        counter=row[5],
        missing=tuple(json.loads(row[6])),
        status=PackageStatus(row[7]),
        created_at=dt.datetime.fromisoformat(row[8]),
        released_at=_time(row[9]),
        released_by=row[10],
        exported_at=_time(row[11]),
        corrected_at=_time(row[12]),
        corrected_by=row[13],
        corrected_fields=tuple(json.loads(row[14])),
    )


class PersistentOutbox:
    """An ``OutboxStore`` whose packages live only in SQLite; every change is committed before it returns."""

    def __init__(self, directory: Path) -> None:
        directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        os.chmod(directory, 0o700)
        path = directory / "outbox.sqlite3"
        if not path.exists():
            os.close(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600))
        self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self._lock = threading.Lock()
        with self._locked() as db:
            db.execute("PRAGMA secure_delete = ON")
            db.execute(f"PRAGMA cache_size = -{CACHE_KIB}")  # PDFs pass through: keep the page cache small
            for statement in _SCHEMA:
                db.execute(statement)
            self._migrate(db)

    @contextmanager
    def _locked(self) -> Iterator[sqlite3.Connection]:
        """The connection, for one thread at a time; an open transaction is rolled back on error."""
        with self._lock:
            try:
                yield self._db
            except BaseException:
                if self._db.in_transaction:
                    self._db.execute("ROLLBACK")
                raise

    def _migrate(self, db: sqlite3.Connection) -> None:
        present = {row[1] for row in db.execute("PRAGMA table_info(applications)")}
        for column, definition in _ADDED_COLUMNS.items():
            if column not in present:
                db.execute(f"ALTER TABLE applications ADD COLUMN {column} {definition}")
        db.execute(FORWARD_INDEX)
        for statement in FORWARD_COUNTER:
            db.execute(statement)
        self._migrate_one_table_layout(db)

    def _migrate_one_table_layout(self, db: sqlite3.Connection) -> None:
        """Move packages of the earlier one-table layout into the split tables, one row at a time."""
        found = db.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'packages'")
        if found.fetchone() is None:
            return
        db.execute("BEGIN IMMEDIATE")
        ids = [row[0] for row in db.execute("SELECT package_id FROM packages ORDER BY created_at, rowid")]
        for package_id in ids:
            row = db.execute(
                "SELECT reception_id, status, created_at, released_at, released_by, exported_at, form, pdf"
                " FROM packages WHERE package_id = ?",
                (package_id,),
            ).fetchone()
            form = form_from_json(row[6])
            summary = dataclasses.replace(
                PackageSummary.of(package_id, row[0], form, dt.datetime.fromisoformat(row[2])),
                status=PackageStatus(row[1]),
                released_at=_time(row[3]),
                released_by=row[4],
                exported_at=_time(row[5]),
            )
            self._insert(db, summary, row[6], bytes(row[7]))
        db.execute("DROP TABLE packages")
        db.execute("COMMIT")

    @staticmethod
    def _insert(db: sqlite3.Connection, summary: PackageSummary, form_json: str, pdf: bytes) -> None:
        db.execute(
            _INSERT_SUMMARY,
            (
                summary.package_id,
                summary.reception_id,
                summary.form_id,
                summary.title,
                summary.procedure_id,
                summary.counter,
                json.dumps(list(summary.missing)),
                str(summary.status),
                summary.created_at.isoformat(),
                _iso(summary.released_at),
                summary.released_by,
                _iso(summary.exported_at),
                _iso(summary.corrected_at),
                summary.corrected_by,
                json.dumps(list(summary.corrected_fields)),
            ),
        )
        db.execute(
            "INSERT INTO application_contents (package_id, form, pdf) VALUES (?, ?, ?)",
            (summary.package_id, form_json, pdf),
        )

    # --- OutboxStore -------------------------------------------------------------------------------------

    def add(self, form: FilledForm, pdf: bytes, reception_id: str, now: dt.datetime) -> PackageSummary:
        summary = PackageSummary.of(uuid.uuid4().hex, reception_id, form, now)
        form_json = form_to_json(form)
        with self._locked() as db:
            db.execute("BEGIN IMMEDIATE")
            self._insert(db, summary, form_json, pdf)
            db.execute("COMMIT")
        return summary

    def _summary(self, db: sqlite3.Connection, package_id: str) -> PackageSummary:
        row = db.execute(_SELECT_SUMMARIES + " WHERE package_id = ?", (package_id,)).fetchone()
        if row is None:
            raise unknown_package()
        return _summary(row)

    def summary(self, package_id: str) -> PackageSummary:
        with self._locked() as db:
            return self._summary(db, package_id)

    def get(self, package_id: str) -> ApplicationPackage:
        """The whole package, read from disk for this call (not cached)."""
        with self._locked() as db:
            summary = self._summary(db, package_id)
            row = db.execute(
                "SELECT form, pdf FROM application_contents WHERE package_id = ?", (package_id,)
            ).fetchone()
        if row is None:
            raise unknown_package()
        return ApplicationPackage(summary, form_from_json(row[0]), bytes(row[1]))

    def list(self, status: PackageStatus | None = None) -> tuple[PackageSummary, ...]:
        """Summaries in creation order (the status index serves the filtered listing)."""
        with self._locked() as db:
            if status is None:
                rows = db.execute(_SELECT_SUMMARIES + " ORDER BY seq").fetchall()
            else:
                rows = db.execute(
                    _SELECT_SUMMARIES + " WHERE status = ? ORDER BY seq",
                    (str(status),),
                ).fetchall()
        return tuple(_summary(row) for row in rows)

    def _advance(self, package_id: str, expected: PackageStatus, **changes: Any) -> PackageSummary:
        with self._locked() as db:
            db.execute("BEGIN IMMEDIATE")
            summary = self._summary(db, package_id)
            check_transition(summary, expected)
            updated = dataclasses.replace(summary, status=NEXT_STATUS[expected], **changes)
            db.execute(
                "UPDATE applications SET status = ?, released_at = ?, released_by = ?, exported_at = ?"
                " WHERE package_id = ?",
                (
                    str(updated.status),
                    _iso(updated.released_at),
                    updated.released_by,
                    _iso(updated.exported_at),
                    package_id,
                ),
            )
            if updated.status == PackageStatus.RELEASED:  # next in the fleet forwarder's order
                db.execute("UPDATE forward_counter SET last = last + 1")
                db.execute(
                    "UPDATE applications SET forward_seq = (SELECT last FROM forward_counter)"
                    " WHERE package_id = ?",
                    (package_id,),
                )
            db.execute("COMMIT")
        return updated

    def correct(
        self, package_id: str, form: FilledForm, pdf: bytes, staff_id: str, now: dt.datetime
    ) -> PackageSummary:
        """Replace an application's form and PDF while it awaits its check (one transaction)."""
        form_json = form_to_json(form)
        with self._locked() as db:
            db.execute("BEGIN IMMEDIATE")
            summary = self._summary(db, package_id)
            check_correctable(summary)
            row = db.execute(
                "SELECT form FROM application_contents WHERE package_id = ?", (package_id,)
            ).fetchone()
            updated = corrected_summary(summary, form_from_json(row[0]), form, staff_id, now)
            db.execute(
                "UPDATE applications SET missing = ?, corrected_at = ?, corrected_by = ?,"
                " corrected_fields = ? WHERE package_id = ?",
                (
                    json.dumps(list(updated.missing)),
                    _iso(updated.corrected_at),
                    updated.corrected_by,
                    json.dumps(list(updated.corrected_fields)),
                    package_id,
                ),
            )
            db.execute(
                "UPDATE application_contents SET form = ?, pdf = ? WHERE package_id = ?",
                (form_json, pdf, package_id),
            )
            db.execute("COMMIT")
        return updated

    def release(self, package_id: str, staff_id: str, now: dt.datetime) -> PackageSummary:
        """Staff checked the application: it may go on."""
        return self._advance(package_id, PackageStatus.AWAITING_CHECK, released_at=now, released_by=staff_id)

    def mark_exported(self, package_id: str, now: dt.datetime) -> PackageSummary:
        return self._advance(package_id, PackageStatus.RELEASED, exported_at=now)

    def purge(self, now: dt.datetime, retention_days: int) -> tuple[str, ...]:
        """Delete exported packages older than ``retention_days`` (overwritten on disk); returns their ids."""
        with self._locked() as db:
            db.execute("BEGIN IMMEDIATE")
            rows = db.execute(
                _SELECT_SUMMARIES + " WHERE status = ? ORDER BY seq",
                (str(PackageStatus.EXPORTED),),
            ).fetchall()
            old = [
                summary.package_id
                for summary in map(_summary, rows)
                if purge_due(summary, now, retention_days)
            ]
            _delete(db, old)
        return tuple(old)

    def purge_forwarded(self, now: dt.datetime, retention_days: int, forwarded: int) -> tuple[str, ...]:
        """With ``[fleet]`` (the back office exports): delete released packages the back office has
        (``forward_seq`` ≤ ``forwarded``, the forwarder's watermark) released over ``retention_days`` ago."""
        cutoff = now - dt.timedelta(days=retention_days)
        with self._locked() as db:
            db.execute("BEGIN IMMEDIATE")
            rows = db.execute(
                "SELECT package_id, released_at FROM applications WHERE status = ? AND forward_seq <= ?",
                (str(PackageStatus.RELEASED), forwarded),
            ).fetchall()
            old = [package_id for package_id, released in rows if (_time(released) or now) <= cutoff]
            _delete(db, old)
        return tuple(old)

    def close(self) -> None:
        with self._lock:
            self._db.close()
