"""An append-only SQLite table whose rows are hash-chained.

Each row holds the SHA-256 of the previous row's canonical bytes (``prev_hash``) and of its own
(``row_hash``). Editing, deleting or reordering a row in the file breaks the chain at that row, and
``verify`` names the first broken row. Triggers refuse UPDATE and DELETE through SQLite; whoever edits the
file by other means still cannot repair the chain without rewriting every later row.

A row never holds personal data: who is a staff id, what an action key, which a resource name
("applications/…", "payments/…"), why a purpose code; never a name, an address or a number.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import json
import sqlite3
from collections.abc import Iterator
from dataclasses import astuple, dataclass, fields
from pathlib import Path
from typing import TextIO

GENESIS_HASH = "0" * 64

_SCHEMA = """
CREATE TABLE IF NOT EXISTS audit (
    seq INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    who TEXT NOT NULL,
    action TEXT NOT NULL,
    resource TEXT NOT NULL,
    purpose TEXT NOT NULL,
    outcome TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    row_hash TEXT NOT NULL
);
CREATE TRIGGER IF NOT EXISTS audit_no_update BEFORE UPDATE ON audit
    BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER IF NOT EXISTS audit_no_delete BEFORE DELETE ON audit
    BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
"""


@dataclass(frozen=True)
class AuditEntry:
    """What an audited action records (before it is chained)."""

    who: str  # a staff id, or "" when nobody signed in (e.g. a failed sign-in for an unknown id)
    action: str  # an action key, e.g. "application.released"
    resource: str = ""  # a resource name, e.g. "applications/abc"
    purpose: str = ""  # a purpose code, e.g. the stated purpose of a 個人番号 read
    outcome: str = "ok"  # "ok" or the refusal's status code name


@dataclass(frozen=True)
class AuditRow:
    seq: int
    at: str
    who: str
    action: str
    resource: str
    purpose: str
    outcome: str
    prev_hash: str
    row_hash: str

    def canonical_bytes(self) -> bytes:
        """Every field but ``row_hash``, as sorted-key JSON: what ``row_hash`` is the SHA-256 of."""
        content = {f.name: getattr(self, f.name) for f in fields(self) if f.name != "row_hash"}
        return json.dumps(content, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def row_hash(row: AuditRow) -> str:
    return hashlib.sha256(row.canonical_bytes()).hexdigest()


@dataclass(frozen=True)
class Verification:
    rows: int
    first_broken_seq: int | None  # None: the chain is whole
    reason: str = ""

    @property
    def ok(self) -> bool:
        return self.first_broken_seq is None


COLUMNS = [f.name for f in fields(AuditRow)]
_INSERT = "INSERT INTO audit VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
_END_OF_TIME = "9999"  # sorts after every ISO timestamp


class AuditLog:
    """The daemon's audit table (``audit.sqlite3`` in its storage directory)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.executescript(_SCHEMA)

    def append(self, entry: AuditEntry, at: dt.datetime | None = None) -> AuditRow:
        when = (at or dt.datetime.now(dt.UTC)).isoformat(timespec="microseconds")
        self._db.execute("BEGIN IMMEDIATE")
        try:
            last = self._db.execute("SELECT seq, row_hash FROM audit ORDER BY seq DESC LIMIT 1").fetchone()
            seq, prev = (last[0] + 1, last[1]) if last else (1, GENESIS_HASH)
            draft = AuditRow(
                seq, when, entry.who, entry.action, entry.resource, entry.purpose, entry.outcome, prev, ""
            )
            row = AuditRow(**{**draft.__dict__, "row_hash": row_hash(draft)})
            self._db.execute(_INSERT, astuple(row))
            self._db.execute("COMMIT")
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        return row

    def rows(self, since: str = "", until: str = "") -> Iterator[AuditRow]:
        """Rows in file order (by seq); ``since``/``until`` are ISO dates or times, inclusive/exclusive."""
        query = "SELECT * FROM audit WHERE at >= ? AND at < ? ORDER BY seq"
        for values in self._db.execute(query, (since, until or _END_OF_TIME)):
            yield AuditRow(*values)

    def verify(self) -> Verification:
        return verify_rows(self.rows())

    def export_csv(self, out: TextIO, since: str = "", until: str = "") -> int:
        writer = csv.writer(out)
        writer.writerow(COLUMNS)
        count = 0
        for row in self.rows(since, until):
            writer.writerow(astuple(row))
            count += 1
        return count

    def close(self) -> None:
        self._db.close()


def verify_rows(rows: Iterator[AuditRow]) -> Verification:
    """Walk the chain in file order; the first row whose links or hash do not hold is reported."""
    expected_prev = GENESIS_HASH
    expected_seq = 1
    count = 0
    for row in rows:
        count += 1
        if row.seq != expected_seq:
            return Verification(count, row.seq, f"sequence jumps from {expected_seq - 1} to {row.seq}")
        if row.prev_hash != expected_prev:
            return Verification(count, row.seq, "prev_hash does not match the previous row")
        if row_hash(row) != row.row_hash:
            return Verification(count, row.seq, "row_hash does not match the row's content")
        expected_prev = row.row_hash
        expected_seq += 1
    return Verification(count, None)
