"""The payment journal: SQLite in WAL mode with ``synchronous=FULL``, so a committed row survives ``kill -9``.

Tables: ``payments`` (one row per order id), ``ops`` (one row per terminal command, keyed by the
sequence number the daemon allocated before asking the terminal), ``history`` (every state change),
``closes`` (daily closes) and ``meta`` (the next sequence number). The journal holds no personal data:
order ids, amounts, 科目, brand, approval and trace numbers, a masked card number.

Thread-safe: one connection guarded by a lock; writes run on the payment terminal's worker thread,
reads on the asyncio loop.
"""

from __future__ import annotations

import json
import logging
import sqlite3
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from .model import (
    UNSETTLED_OPS,
    FeeLine,
    OpKind,
    OpState,
    Payment,
    PaymentState,
    SaleOrder,
    TerminalOp,
    check_transition,
)

_LOGGER = logging.getLogger(__name__)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS payments (
    order_id TEXT PRIMARY KEY, amount INTEGER NOT NULL, method TEXT NOT NULL, lines TEXT NOT NULL,
    state TEXT NOT NULL, sale_seq INTEGER NOT NULL, brand TEXT NOT NULL DEFAULT '',
    approval TEXT NOT NULL DEFAULT '', masked_pan TEXT NOT NULL DEFAULT '', trace INTEGER,
    reason TEXT NOT NULL DEFAULT '', instruction TEXT NOT NULL DEFAULT '',
    staff_slip TEXT NOT NULL DEFAULT '', staff_note TEXT NOT NULL DEFAULT '',
    issued_job TEXT NOT NULL DEFAULT '', sale_date TEXT NOT NULL DEFAULT '',
    created REAL NOT NULL, updated REAL NOT NULL, issue_failed INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS ops (
    seq INTEGER PRIMARY KEY, order_id TEXT NOT NULL, kind TEXT NOT NULL, state TEXT NOT NULL,
    amount INTEGER NOT NULL, brand TEXT NOT NULL DEFAULT '', approval TEXT NOT NULL DEFAULT '',
    trace INTEGER, result_code INTEGER, close_number INTEGER,
    created REAL NOT NULL, updated REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS ops_by_order ON ops (order_id);
CREATE INDEX IF NOT EXISTS ops_by_state ON ops (state);
CREATE TABLE IF NOT EXISTS history (
    id INTEGER PRIMARY KEY, order_id TEXT NOT NULL, seq INTEGER, state TEXT NOT NULL,
    reason TEXT NOT NULL, at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS closes (
    number INTEGER PRIMARY KEY, at REAL NOT NULL, terminal_batch INTEGER NOT NULL,
    reconciled INTEGER NOT NULL, csv_path TEXT NOT NULL
);
"""

_PAYMENT_COLUMNS = {
    "brand": "brand",
    "approval_number": "approval",
    "masked_pan": "masked_pan",
    "trace_number": "trace",
    "reason": "reason",
    "refund_instruction": "instruction",
    "staff_slip": "staff_slip",
    "staff_note": "staff_note",
    "issued_job": "issued_job",
    "sale_date": "sale_date",
    "issue_failed": "issue_failed",
}
_OP_COLUMNS = {
    "brand": "brand",
    "approval_number": "approval",
    "trace_number": "trace",
    "result_code": "result_code",
}
_UNSETTLED = tuple(state.value for state in UNSETTLED_OPS)


class JournalError(Exception):
    """The journal refuses a change (unknown order, duplicate order)."""


class PaymentJournal:
    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=FULL")
        self._db.executescript(_SCHEMA)
        self._migrate()
        self._lock = threading.RLock()

    def _migrate(self) -> None:
        """Journals written before ``issue_failed`` was a column kept it in the free-text reason."""
        columns = {row[1] for row in self._db.execute("PRAGMA table_info(payments)")}
        if "issue_failed" not in columns:
            self._db.execute("ALTER TABLE payments ADD COLUMN issue_failed INTEGER NOT NULL DEFAULT 0")
            self._db.execute("UPDATE payments SET issue_failed = 1 WHERE reason = 'issue_failed'")

    def close(self) -> None:
        with self._lock:
            self._db.close()

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    # ---- sequence numbers ---------------------------------------------------------------------------

    def _allocate(self, db: sqlite3.Connection) -> int:
        row = db.execute("SELECT value FROM meta WHERE key = 'next_seq'").fetchone()
        seq = int(row[0]) if row else 1
        db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('next_seq', ?)", (seq + 1,))
        return seq

    def next_sequence(self) -> int:
        with self._lock:
            row = self._db.execute("SELECT value FROM meta WHERE key = 'next_seq'").fetchone()
        return int(row[0]) if row else 1

    def reserve_above(self, sequence_number: int) -> None:
        """Never allocate ``sequence_number`` or below (the terminal already used it)."""
        with self._transaction() as db:
            row = db.execute("SELECT value FROM meta WHERE key = 'next_seq'").fetchone()
            if (int(row[0]) if row else 1) <= sequence_number:
                db.execute(
                    "INSERT OR REPLACE INTO meta (key, value) VALUES ('next_seq', ?)", (sequence_number + 1,)
                )

    # ---- writes -------------------------------------------------------------------------------------

    def create_sale(self, order: SaleOrder) -> tuple[Payment, TerminalOp]:
        """Journal a new sale attempt (a new order, or a declined/cancelled one paid again)."""
        now = time.time()
        lines = json.dumps([line.__dict__ for line in order.lines], ensure_ascii=False)
        with self._transaction() as db:
            seq = self._allocate(db)
            existing = db.execute(
                "SELECT state FROM payments WHERE order_id = ?", (order.order_id,)
            ).fetchone()
            if existing is None:
                db.execute(
                    "INSERT INTO payments (order_id, amount, method, lines, state, sale_seq, created,"
                    " updated) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        order.order_id,
                        order.amount_yen,
                        order.method,
                        lines,
                        PaymentState.CREATED,
                        seq,
                        now,
                        now,
                    ),
                )
            else:
                check_transition(PaymentState(existing[0]), PaymentState.CREATED)
                db.execute(
                    "UPDATE payments SET amount = ?, method = ?, lines = ?, state = ?, sale_seq = ?,"
                    " brand = '', approval = '', masked_pan = '', trace = NULL, reason = '', updated = ?"
                    " WHERE order_id = ?",
                    (order.amount_yen, order.method, lines, PaymentState.CREATED, seq, now, order.order_id),
                )
            self._insert_op(db, seq, order.order_id, OpKind.SALE, order.amount_yen, now)
            self._history(db, order.order_id, seq, PaymentState.CREATED, "", now)
        return self.payment(order.order_id), self.op(seq)

    def create_op(self, order_id: str, kind: OpKind, amount_yen: int) -> TerminalOp:
        """Journal a void or refund command before the terminal is asked."""
        now = time.time()
        with self._transaction() as db:
            seq = self._allocate(db)
            self._insert_op(db, seq, order_id, kind, amount_yen, now)
            self._history(db, order_id, seq, f"{kind}:{OpState.CREATED}", "", now)
        return self.op(seq)

    def _insert_op(
        self, db: sqlite3.Connection, seq: int, order_id: str, kind: OpKind, amount: int, now: float
    ) -> None:
        db.execute(
            "INSERT INTO ops (seq, order_id, kind, state, amount, created, updated)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            (seq, order_id, kind, OpState.CREATED, amount, now, now),
        )

    def _history(
        self, db: sqlite3.Connection, order_id: str, seq: int | None, state: str, reason: str, now: float
    ) -> None:
        db.execute(
            "INSERT INTO history (order_id, seq, state, reason, at) VALUES (?, ?, ?, ?, ?)",
            (order_id, seq, state, reason, now),
        )

    def update_op(
        self,
        seq: int,
        state: OpState,
        *,
        payment_state: PaymentState | None = None,
        reason: str | None = None,
        payment_fields: dict[str, Any] | None = None,
        **fields: Any,
    ) -> TerminalOp:
        """Change a terminal operation's state, and its payment's in the same transaction."""
        now = time.time()
        sets = "".join(f", {_OP_COLUMNS[key]} = ?" for key in fields)
        with self._transaction() as db:
            row = db.execute("SELECT order_id, kind FROM ops WHERE seq = ?", (seq,)).fetchone()
            if row is None:
                raise JournalError(f"no terminal operation with sequence number {seq}")
            db.execute(
                f"UPDATE ops SET state = ?, updated = ?{sets} WHERE seq = ?",  # noqa: S608 fixed columns
                (state, now, *fields.values(), seq),
            )
            self._history(db, row[0], seq, f"{row[1]}:{state}", "", now)
            if payment_state is not None or reason is not None or payment_fields:
                self._update_payment(db, row[0], payment_state, reason, payment_fields or {}, now)
        return self.op(seq)

    def update_payment(
        self, order_id: str, state: PaymentState | None = None, *, reason: str | None = None, **fields: Any
    ) -> Payment:
        """Change a payment's state (checked against the state machine) and/or its fields."""
        with self._transaction() as db:
            self._update_payment(db, order_id, state, reason, fields, time.time())
        return self.payment(order_id)

    def _update_payment(
        self,
        db: sqlite3.Connection,
        order_id: str,
        state: PaymentState | None,
        reason: str | None,
        fields: dict[str, Any],
        now: float,
    ) -> None:
        row = db.execute("SELECT state, sale_seq FROM payments WHERE order_id = ?", (order_id,)).fetchone()
        if row is None:
            raise JournalError("no payment for this order")
        old = PaymentState(row[0])
        columns: dict[str, Any] = {_PAYMENT_COLUMNS[key]: value for key, value in fields.items()}
        if reason is not None:
            columns["reason"] = reason
        changed = state is not None and state != old
        if state is not None and changed:
            check_transition(old, state)
            columns["state"] = state
        columns["updated"] = now
        sets = ", ".join(f"{column} = ?" for column in columns)
        sql = f"UPDATE payments SET {sets} WHERE order_id = ?"  # noqa: S608 columns from a fixed map
        db.execute(sql, (*columns.values(), order_id))
        if state is not None and changed:
            self._history(db, order_id, row[1], state, reason or "", now)

    def record_close(self, terminal_batch: int, reconciled: bool, csv_path: str, seqs: Iterable[int]) -> int:
        with self._transaction() as db:
            row = db.execute("SELECT COALESCE(MAX(number), 0) FROM closes").fetchone()
            number = int(row[0]) + 1
            db.execute(
                "INSERT INTO closes (number, at, terminal_batch, reconciled, csv_path)"
                " VALUES (?, ?, ?, ?, ?)",
                (number, time.time(), terminal_batch, int(reconciled), csv_path),
            )
            db.executemany("UPDATE ops SET close_number = ? WHERE seq = ?", [(number, seq) for seq in seqs])
        return number

    def set_close_csv(self, number: int, csv_path: str) -> None:
        with self._transaction() as db:
            db.execute("UPDATE closes SET csv_path = ? WHERE number = ?", (csv_path, number))

    # ---- reads --------------------------------------------------------------------------------------

    def _rows(self, sql: str, args: tuple[Any, ...] = ()) -> list[dict[str, Any]]:
        with self._lock:
            cursor = self._db.execute(sql, args)
            names = [column[0] for column in cursor.description]
            return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]

    def find_payment(self, order_id: str) -> Payment | None:
        rows = self._rows("SELECT * FROM payments WHERE order_id = ?", (order_id,))
        return self._payment(rows[0]) if rows else None

    def payment(self, order_id: str) -> Payment:
        found = self.find_payment(order_id)
        if found is None:
            raise JournalError("no payment for this order")
        return found

    def payments(
        self, states: Iterable[PaymentState] = (), *, after: str = "", limit: int = 1000
    ) -> list[Payment]:
        wanted = [state.value for state in states]
        where = "order_id > ?"
        args: list[Any] = [after]
        if wanted:
            where += f" AND state IN ({', '.join('?' * len(wanted))})"
            args += wanted
        sql = f"SELECT * FROM payments WHERE {where} ORDER BY order_id LIMIT ?"  # noqa: S608 placeholders
        return [self._payment(row) for row in self._rows(sql, (*args, limit))]

    def op(self, seq: int) -> TerminalOp:
        rows = self._rows("SELECT * FROM ops WHERE seq = ?", (seq,))
        if not rows:
            raise JournalError(f"no terminal operation with sequence number {seq}")
        return _op(rows[0])

    def ops(self, *, order_id: str | None = None, unclosed: bool = False) -> list[TerminalOp]:
        where, args = ["1"], []
        if order_id is not None:
            where.append("order_id = ?")
            args.append(order_id)
        if unclosed:
            where.append("close_number IS NULL")
        sql = f"SELECT * FROM ops WHERE {' AND '.join(where)} ORDER BY seq"  # noqa: S608 placeholders
        rows = self._rows(sql, tuple(args))
        return [_op(row) for row in rows]

    def unsettled_ops(self) -> list[TerminalOp]:
        marks = ", ".join("?" * len(_UNSETTLED))
        sql = f"SELECT * FROM ops WHERE state IN ({marks}) ORDER BY seq"  # noqa: S608 placeholders
        rows = self._rows(sql, _UNSETTLED)
        return [_op(row) for row in rows]

    def max_sequence(self) -> int:
        with self._lock:
            row = self._db.execute("SELECT COALESCE(MAX(seq), 0) FROM ops").fetchone()
        return int(row[0])

    def _payment(self, row: Any) -> Payment:
        marks = ", ".join("?" * len(_UNSETTLED))
        with self._lock:
            pending = self._db.execute(
                f"SELECT COUNT(*) FROM ops WHERE order_id = ? AND state IN ({marks})",  # noqa: S608
                (row["order_id"], *_UNSETTLED),
            ).fetchone()[0]
        return Payment(
            order_id=row["order_id"],
            amount_yen=row["amount"],
            method=row["method"],
            state=PaymentState(row["state"]),
            sale_sequence_number=row["sale_seq"],
            lines=tuple(FeeLine(**item) for item in json.loads(row["lines"])),
            brand=row["brand"],
            approval_number=row["approval"],
            masked_pan=row["masked_pan"],
            trace_number=row["trace"],
            reason=row["reason"],
            refund_instruction=row["instruction"],
            staff_slip=row["staff_slip"],
            staff_note=row["staff_note"],
            issued_job=row["issued_job"],
            sale_date=row["sale_date"],
            issue_failed=bool(row["issue_failed"]),
            created=row["created"],
            updated=row["updated"],
            settlement_pending=bool(pending),
        )


def _op(row: Any) -> TerminalOp:
    return TerminalOp(
        sequence_number=row["seq"],
        order_id=row["order_id"],
        kind=OpKind(row["kind"]),
        state=OpState(row["state"]),
        amount_yen=row["amount"],
        brand=row["brand"],
        approval_number=row["approval"],
        trace_number=row["trace"],
        result_code=row["result_code"],
        close_number=row["close_number"],
        created=row["created"],
        updated=row["updated"],
    )
