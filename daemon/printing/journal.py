"""The print journal: one SQLite table of jobs (WAL, synchronous=FULL), written before the printer acts.

Each state change is one committed transaction. A job's payload (receipt document or PDF, which may hold
personal data) is kept only while the job can still print: reaching COMPLETED or CANCELLED sets it to
NULL in the same transaction, with ``secure_delete`` on (freed pages are zeroed) and the WAL truncated
afterwards, so the bytes do not linger on disk.
"""

from __future__ import annotations

import datetime as dt
import logging
import sqlite3
import threading
import time
from pathlib import Path
from typing import Any

from .model import FINAL_STATES, Job, JobKind, JobState

_LOGGER = logging.getLogger(__name__)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS jobs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    device TEXT NOT NULL,
    kind TEXT NOT NULL,
    state TEXT NOT NULL,
    title TEXT NOT NULL,
    order_id TEXT NOT NULL,
    done INTEGER NOT NULL DEFAULT 0,
    total INTEGER NOT NULL,
    copies INTEGER NOT NULL DEFAULT 1,
    reason TEXT NOT NULL DEFAULT '',
    message TEXT NOT NULL DEFAULT '',
    message_ja TEXT NOT NULL DEFAULT '',
    ipp_job_id INTEGER,
    attempts INTEGER NOT NULL DEFAULT 0,
    created REAL NOT NULL,
    updated REAL NOT NULL,
    payload BLOB
);
CREATE INDEX IF NOT EXISTS jobs_by_device_state ON jobs (device, state, id);
"""

_COLUMNS = (
    "id, device, kind, state, title, order_id, done, total, copies, reason, message, message_ja, "
    "ipp_job_id, attempts, created, updated, payload IS NOT NULL"
)
_UPDATABLE = frozenset(
    {"state", "done", "total", "reason", "message", "message_ja", "ipp_job_id", "attempts", "payload"}
)


def _time(seconds: float) -> dt.datetime:
    return dt.datetime.fromtimestamp(seconds, dt.UTC)


def _job(row: tuple[Any, ...]) -> Job:
    return Job(
        id=row[0],
        device=row[1],
        kind=JobKind(row[2]),
        state=JobState(row[3]),
        title=row[4],
        order_id=row[5],
        done=row[6],
        total=row[7],
        copies=row[8],
        reason=row[9],
        message=row[10],
        message_ja=row[11],
        ipp_job_id=row[12],
        attempts=row[13],
        create_time=_time(row[14]),
        update_time=_time(row[15]),
        has_payload=bool(row[16]),
    )


class JobJournal:
    """Thread-safe; every method is one short transaction.

    SQL text is built only from the constant column list and the ``_UPDATABLE`` names (S608 noqa);
    every value is a bound parameter.
    """

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=FULL")
        self._db.execute("PRAGMA secure_delete=ON")
        self._db.executescript(_SCHEMA)
        self._lock = threading.Lock()

    def add(
        self,
        *,
        device: str,
        kind: JobKind,
        title: str,
        order_id: str,
        total: int,
        copies: int,
        payload: bytes,
    ) -> Job:
        now = time.time()
        with self._lock:
            cursor = self._db.execute(
                "INSERT INTO jobs (device, kind, state, title, order_id, total, copies, created, updated, "
                "payload) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    device,
                    kind.value,
                    JobState.QUEUED.value,
                    title,
                    order_id,
                    total,
                    copies,
                    now,
                    now,
                    payload,
                ),
            )
            job_id = cursor.lastrowid
        assert job_id is not None
        return self.get(job_id)

    def remove_unsent(self, job_id: int) -> None:
        """Take back a job no printer has seen (still QUEUED, never attempted): its submit failed."""
        with self._lock:
            self._db.execute("DELETE FROM jobs WHERE id = ? AND state = 'queued' AND attempts = 0", (job_id,))

    def get(self, job_id: int) -> Job:
        """The job; ``KeyError`` when there is none."""
        with self._lock:
            row = self._db.execute(f"SELECT {_COLUMNS} FROM jobs WHERE id = ?", (job_id,)).fetchone()  # noqa: S608
        if row is None:
            raise KeyError(job_id)
        return _job(row)

    def payload(self, job_id: int) -> bytes | None:
        with self._lock:
            row = self._db.execute("SELECT payload FROM jobs WHERE id = ?", (job_id,)).fetchone()
        return None if row is None or row[0] is None else bytes(row[0])

    def update(self, job_id: int, **changes: Any) -> Job:
        """Change some columns (a final state also drops the payload); returns the job as stored."""
        unknown = set(changes) - _UPDATABLE
        if unknown:
            raise ValueError(f"cannot update {sorted(unknown)}")
        state = changes.get("state")
        if state is not None:
            changes["state"] = JobState(state).value
            if state in FINAL_STATES:
                changes["payload"] = None
        changes["updated"] = time.time()
        assignments = ", ".join(f"{column} = ?" for column in changes)
        with self._lock:
            self._db.execute(f"UPDATE jobs SET {assignments} WHERE id = ?", (*changes.values(), job_id))  # noqa: S608
            if "payload" in changes and changes["payload"] is None:
                self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        return self.get(job_id)

    def unsettled(self, device: str | None = None) -> list[Job]:
        """QUEUED, PRINTING and HELD jobs (of one device), oldest first."""
        query = f"SELECT {_COLUMNS} FROM jobs WHERE state IN ('queued', 'printing', 'held')"  # noqa: S608
        parameters: tuple[Any, ...] = ()
        if device is not None:
            query += " AND device = ?"
            parameters = (device,)
        with self._lock:
            rows = self._db.execute(query + " ORDER BY id", parameters).fetchall()
        return [_job(row) for row in rows]

    def list(self, state: JobState | None, before_id: int | None, limit: int) -> list[Job]:
        """Jobs newest first, optionally in one state and with id below ``before_id``."""
        clauses: list[str] = []
        parameters: list[Any] = []
        if state is not None:
            clauses.append("state = ?")
            parameters.append(state.value)
        if before_id is not None:
            clauses.append("id < ?")
            parameters.append(before_id)
        where = f" WHERE {' AND '.join(clauses)}" if clauses else ""
        with self._lock:
            rows = self._db.execute(
                f"SELECT {_COLUMNS} FROM jobs{where} ORDER BY id DESC LIMIT ?",  # noqa: S608
                (*parameters, limit),
            ).fetchall()
        return [_job(row) for row in rows]

    def purge_payloads(self, failed_older_than: float) -> int:
        """Drop payloads no job can use: final jobs, and FAILED jobs untouched for that many seconds."""
        cutoff = time.time() - failed_older_than
        with self._lock:
            cursor = self._db.execute(
                "UPDATE jobs SET payload = NULL WHERE payload IS NOT NULL AND "
                "(state IN ('completed', 'cancelled') OR (state = 'failed' AND updated < ?))",
                (cutoff,),
            )
            if cursor.rowcount:
                self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        if cursor.rowcount:
            _LOGGER.info("print payloads purged", extra={"count": cursor.rowcount})
        return cursor.rowcount

    def close(self) -> None:
        with self._lock:
            self._db.close()
