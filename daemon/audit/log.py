"""An append-only SQLite table whose rows are hash-chained.

Each row holds the SHA-256 of the previous row's canonical bytes (``prev_hash``) and of its own
(``row_hash``). Editing, deleting or reordering a row in the file breaks the chain at that row, and
``verify`` names the first broken row. Triggers refuse UPDATE and DELETE through SQLite; whoever edits the
file by other means still cannot repair the chain without rewriting every later row. Rows cut off the
end, or the whole file rolled back to an older copy, are caught by the heads anchored outside the file
(``daemon.audit.anchor``).

A row never holds personal data: who is a staff id, what an action key, which a resource name
("applications/…", "payments/…"), why a purpose code; never a name, an address or a number.
"""

from __future__ import annotations

import csv
import datetime as dt
import enum
import hashlib
import itertools
import json
import sqlite3
from collections.abc import Iterable, Iterator
from dataclasses import astuple, dataclass, fields
from pathlib import Path
from typing import TextIO

from .anchor import AuditAnchor, Head

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


class Problem(enum.Enum):
    """What ``verify`` found; each says in Japanese what an auditor should conclude."""

    ROW_CHANGED = "改ざんを検出しました(行の編集・削除・並べ替え)"
    TRUNCATED = "末尾の行が削除されたか、ファイルが古い写しに戻されています"
    ROLLED_BACK = "ファイルが古い写しに戻され、その後に書き足されています"
    NO_ANCHOR = "アンカーファイル(audit.anchor)がありません"


@dataclass(frozen=True)
class Verification:
    rows: int
    first_broken_seq: int | None  # None: the chain is whole
    reason: str = ""  # English, for the operator; ``problem.value`` is the Japanese summary
    problem: Problem | None = None

    @property
    def ok(self) -> bool:
        return self.first_broken_seq is None


COLUMNS = [f.name for f in fields(AuditRow)]
_INSERT = "INSERT INTO audit VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
_LAST = "SELECT seq, row_hash FROM audit ORDER BY seq DESC LIMIT 1"
_END_OF_TIME = "9999"  # sorts after every ISO timestamp


class AuditLog:
    """The daemon's audit table (``audit.sqlite3`` in its storage directory)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.anchor = AuditAnchor(anchor_path(path))
        self._db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=FULL")  # a row is on disk before its head is anchored
        self._db.executescript(_SCHEMA)

    def append(self, entry: AuditEntry, at: dt.datetime | None = None) -> AuditRow:
        when = (at or dt.datetime.now(dt.UTC)).isoformat(timespec="microseconds")
        with self.anchor.locked():
            self._db.execute("BEGIN IMMEDIATE")
            try:
                last = self._db.execute(_LAST).fetchone()
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
            self.anchor.record(Head(row.seq, row.row_hash))
        return row

    def check_end(self) -> Verification:
        """The quick check at every start: does the chain still reach the newest anchored head? (Rows cut
        off the end or a rolled-back file; ``verify`` walks everything.)"""
        newest = self.anchor.newest()
        last = self._db.execute(_LAST).fetchone()
        count = int(last[0]) if last else 0
        if newest is None or newest.seq < count:  # no anchor yet (an older file), or one row behind
            return Verification(count, None)
        if newest.seq > count:
            reason = f"the chain ends at row {count} but row {newest.seq} was written"
            return Verification(count, count + 1, reason, Problem.TRUNCATED)
        if newest.hash != last[1]:
            reason = f"row {count} is not the row that was written there (another copy of the file)"
            return Verification(count, count, reason, Problem.ROLLED_BACK)
        return Verification(count, None)

    def rows(self, since: str = "", until: str = "") -> Iterator[AuditRow]:
        """Rows in file order (by seq); ``since``/``until`` are ISO dates or times, inclusive/exclusive."""
        query = "SELECT * FROM audit WHERE at >= ? AND at < ? ORDER BY seq"
        for values in self._db.execute(query, (since, until or _END_OF_TIME)):
            yield AuditRow(*values)

    def verify(self) -> Verification:
        """The chain, then the anchored heads against it."""
        chain = verify_rows(self.rows())
        if not chain.ok:
            return chain
        return verify_heads(self.rows(), self.anchor.heads(), chain.rows)

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


def anchor_path(log_path: Path) -> Path:
    """``audit.anchor`` beside ``audit.sqlite3``."""
    return log_path.with_suffix(".anchor")


def verify_rows(rows: Iterator[AuditRow]) -> Verification:
    """Walk the chain in file order; the first row whose links or hash do not hold is reported."""
    expected_prev = GENESIS_HASH
    expected_seq = 1
    count = 0
    for row in rows:
        count += 1
        if row.seq != expected_seq:
            reason = f"sequence jumps from {expected_seq - 1} to {row.seq}"
            return Verification(count, row.seq, reason, Problem.ROW_CHANGED)
        if row.prev_hash != expected_prev:
            reason = "prev_hash does not match the previous row"
            return Verification(count, row.seq, reason, Problem.ROW_CHANGED)
        if row_hash(row) != row.row_hash:
            reason = "row_hash does not match the row's content"
            return Verification(count, row.seq, reason, Problem.ROW_CHANGED)
        expected_prev = row.row_hash
        expected_seq += 1
    return Verification(count, None)


def verify_heads(rows: Iterable[AuditRow], heads: list[Head], count: int) -> Verification:
    """A whole chain of ``count`` rows against the anchored heads: they must only go forward, each must
    name a row of the chain with its hash, and the newest must not lie beyond the chain's end."""
    if not heads:
        if count == 0:
            return Verification(0, None)
        reason = f"{count} rows but no anchored head (audit.anchor missing or emptied)"
        return Verification(count, 1, reason, Problem.NO_ANCHOR)
    for before, after in itertools.pairwise(heads):
        if after.seq <= before.seq:
            reason = (
                f"the anchored heads go back from row {before.seq} to row {after.seq}: the file was "
                "rolled back to an older copy and written again"
            )
            return Verification(count, after.seq, reason, Problem.ROLLED_BACK)
    newest = heads[-1]
    if newest.seq > count:
        reason = (
            f"the chain ends at row {count} but row {newest.seq} was written: "
            f"{newest.seq - count} rows cut off the end, or the file rolled back to an older copy"
        )
        return Verification(count, count + 1, reason, Problem.TRUNCATED)
    anchored = {head.seq: head.hash for head in heads}
    for row in rows:
        if anchored.get(row.seq, row.row_hash) != row.row_hash:
            reason = f"row {row.seq} is not the row that was written there (another copy of the file)"
            return Verification(count, row.seq, reason, Problem.ROLLED_BACK)
    return Verification(count, None)
