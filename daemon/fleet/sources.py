"""The local streams the forwarder reads: each a SQLite store the daemon already commits to first.

| stream               | local file                 | local sequence                  | rows read            |
|----------------------|----------------------------|---------------------------------|----------------------|
| applications         | ``outbox/outbox.sqlite3``  | ``forward_seq`` (set on release)| released packages    |
| visits               | ``kpi.sqlite3``            | ``visits.id``                   | every visit          |
| payment_operations   | ``payments.sqlite3``       | ``history.id`` (append-only)    | every state change   |
| daily_closes         | ``payments.sqlite3``       | ``closes.number``               | every close + totals |
| device_events        | ``events.sqlite3``         | ``events.sequence``             | device state changes |
| audit_rows           | ``audit.sqlite3``          | ``audit.seq``                   | every chained row    |

Each source opens its file read-only (WAL: a reader never blocks the daemon's writers) and returns the
records after a watermark, in local order, with the new watermark: the last local sequence it looked at,
also when that row is not forwarded (an event that is not a device state change). A file that does not
exist yet has no rows.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import sqlite3
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kiosk.v1 import events_pb2

from backoffice import records
from backoffice.records import Stream, StreamRecord

from ..device_state import short_name
from ..visits.kpi_store import visit_from_json


@dataclass(frozen=True)
class Batch:
    records: tuple[StreamRecord, ...]
    watermark: int  # the last local sequence read (== the watermark given when nothing was new)


def _time(text: str | None) -> dt.datetime | None:
    if not text:
        return None
    moment = dt.datetime.fromisoformat(text)
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=dt.UTC)


def _epoch(seconds: float) -> dt.datetime:
    return dt.datetime.fromtimestamp(seconds, dt.UTC)


class Source:
    """One local stream; subclasses give the file, the sequence column and the row → record mapping."""

    stream: Stream
    table: str
    seq_column: str
    max_batch = 1_000_000  # a ceiling under the forwarder's batch_rows (applications carry PDFs)

    def __init__(self, path: Path, terminal_id: str) -> None:
        self.path = path
        self.terminal_id = terminal_id
        self._db: sqlite3.Connection | None = None

    def _connection(self) -> sqlite3.Connection | None:
        if self._db is None:
            if not self.path.exists():
                return None
            self._db = sqlite3.connect(
                f"file:{self.path}?mode=ro", uri=True, timeout=5.0, check_same_thread=False
            )
        return self._db

    def _query(self, sql: str, params: Iterable[Any]) -> list[tuple[Any, ...]]:
        db = self._connection()
        if db is None:
            return []
        try:
            return db.execute(sql, tuple(params)).fetchall()
        except sqlite3.OperationalError as exc:
            if "no such" in str(exc):  # the store has not created its table (or column) yet
                return []
            raise

    def pending(self, after: int) -> int:
        """Rows after ``after`` (the backlog; for events, every event, forwarded or not)."""
        # table and column names are class constants, never input
        sql = f"SELECT count(*) FROM {self.table} WHERE {self.seq_column} > ?"  # noqa: S608
        rows = self._query(sql, (after,))
        return int(rows[0][0]) if rows else 0

    def last_seq(self) -> int:
        """The highest local sequence in the store (0 when empty)."""
        sql = f"SELECT coalesce(max({self.seq_column}), 0) FROM {self.table}"  # noqa: S608
        rows = self._query(sql, ())
        return int(rows[0][0]) if rows else 0

    def read(self, after: int, limit: int) -> Batch:
        rows = self._rows(after, min(limit, self.max_batch))
        if not rows:
            return Batch((), after)
        found = [self._record(row) for row in rows]
        return Batch(tuple(record for record in found if record is not None), int(rows[-1][0]))

    def _rows(self, after: int, limit: int) -> list[tuple[Any, ...]]:
        raise NotImplementedError

    def _record(self, row: tuple[Any, ...]) -> StreamRecord | None:
        raise NotImplementedError

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None


class ApplicationSource(Source):
    stream, table, seq_column = Stream.APPLICATIONS, "applications", "forward_seq"
    max_batch = 20  # each with its PDF: keep one central transaction to a few MB

    def last_seq(self) -> int:
        """The last sequence given, also when the newest released rows have been purged since."""
        rows = self._query("SELECT last FROM forward_counter", ())
        return max(int(rows[0][0]) if rows else 0, super().last_seq())

    def _rows(self, after: int, limit: int) -> list[tuple[Any, ...]]:
        return self._query(
            "SELECT a.forward_seq, a.package_id, a.reception_id, a.form_id, a.title, a.procedure_id,"
            " a.counter, a.status, a.released_at, a.released_by, a.exported_at, a.corrected_at,"
            " a.corrected_by, a.corrected_fields, c.form, c.pdf FROM applications a"
            " LEFT JOIN application_contents c ON c.package_id = a.package_id"
            " WHERE a.forward_seq > ? ORDER BY a.forward_seq LIMIT ?",
            (after, limit),
        )

    def _record(self, row: tuple[Any, ...]) -> StreamRecord:
        released = _time(row[8])
        return records.ApplicationRecord(
            terminal_id=self.terminal_id,
            seq=int(row[0]),
            recorded_time=released or dt.datetime.now(dt.UTC),
            application_id=row[1],
            reception_id=row[2],
            form_id=row[3],
            title=row[4],
            procedure_ids=(row[5],),
            counter=row[6],
            status=row[7],
            released_time=released,
            released_by=row[9],
            package=json.loads(row[14]) if row[14] is not None else None,
            pdf=bytes(row[15]) if row[15] is not None else None,
            exported_time=_time(row[10]),
            corrected_time=_time(row[11]),
            corrected_by=row[12],
            corrections=json.loads(row[13]),
        )


class VisitSource(Source):
    stream, table, seq_column = Stream.VISITS, "visits", "id"

    def _rows(self, after: int, limit: int) -> list[tuple[Any, ...]]:
        return self._query("SELECT id, visit FROM visits WHERE id > ? ORDER BY id LIMIT ?", (after, limit))

    def _record(self, row: tuple[Any, ...]) -> StreamRecord:
        visit = visit_from_json(row[1])
        aware = [
            t if t.tzinfo else t.replace(tzinfo=dt.UTC) for t in (visit.arrived, visit.started, visit.done)
        ]
        return records.VisitRecord(
            terminal_id=self.terminal_id,
            seq=int(row[0]),
            recorded_time=aware[2],
            visit_id=visit.visit_id,
            period=visit.period,
            life_event=visit.life_event,
            counter=visit.counter,
            procedure_ids=visit.procedures,
            channel=visit.channel,
            arrived_time=aware[0],
            started_time=aware[1],
            finished_time=aware[2],
            wait_s=(visit.started - visit.arrived).total_seconds(),
            handle_s=(visit.done - visit.started).total_seconds(),
            forms_printed=visit.forms_printed,
            writes_baseline=visit.writes_baseline,
            writes_saved=max(visit.writes_baseline - visit.writes_ours, 0),
            satisfaction=visit.satisfaction,
        )


class PaymentOperationSource(Source):
    """The payment journal's ``history``: every payment and terminal-operation state change, in order."""

    stream, table, seq_column = Stream.PAYMENT_OPERATIONS, "history", "id"

    def _rows(self, after: int, limit: int) -> list[tuple[Any, ...]]:
        return self._query(
            "SELECT h.id, h.order_id, h.state, h.at, o.kind, o.amount, o.brand, p.amount, p.brand,"
            " p.sale_date FROM history h LEFT JOIN ops o ON o.seq = h.seq"
            " LEFT JOIN payments p ON p.order_id = h.order_id"
            " WHERE h.id > ? ORDER BY h.id LIMIT ?",
            (after, limit),
        )

    def _record(self, row: tuple[Any, ...]) -> StreamRecord:
        kind, _, op_state = str(row[2]).partition(":")
        is_op = bool(op_state)  # "refund:approved" is an operation's; "approved" the payment's
        amount = row[5] if is_op and row[5] is not None else row[7]
        return records.PaymentOperation(
            terminal_id=self.terminal_id,
            seq=int(row[0]),
            recorded_time=_epoch(row[3]),
            payment_id=row[1],
            operation=kind if is_op else "payment",
            amount_yen=int(amount or 0),
            brand=(row[6] if is_op else row[8]) or "",
            state=op_state if is_op else kind,
            sale_date=dt.date.fromisoformat(row[9]) if row[9] else None,
        )


class DailyCloseSource(Source):
    stream, table, seq_column = Stream.DAILY_CLOSES, "closes", "number"

    def _rows(self, after: int, limit: int) -> list[tuple[Any, ...]]:
        return self._query(
            "SELECT number, at, reconciled FROM closes WHERE number > ? ORDER BY number LIMIT ?",
            (after, limit),
        )

    def _record(self, row: tuple[Any, ...]) -> StreamRecord:
        totals: dict[str, dict[str, int]] = {}
        for kind, brand, count, yen in self._query(
            "SELECT kind, brand, count(*), COALESCE(SUM(amount), 0) FROM ops"
            " WHERE close_number = ? AND state = 'approved' GROUP BY kind, brand ORDER BY kind, brand",
            (row[0],),
        ):
            entry = totals.setdefault(f"{kind}/{brand or '-'}", {"count": 0, "yen": 0})
            entry["count"] += int(count)
            entry["yen"] += int(yen)
        recorded = _epoch(row[1])
        return records.DailyClose(
            terminal_id=self.terminal_id,
            seq=int(row[0]),
            recorded_time=recorded,
            business_date=recorded.astimezone(_JST).date(),
            close_number=int(row[0]),
            sales_count=_sum(totals, "sale/", "count"),
            sales_yen=_sum(totals, "sale/", "yen"),
            refunds_count=_sum(totals, "refund/", "count") + _sum(totals, "void/", "count"),
            refunds_yen=_sum(totals, "refund/", "yen") + _sum(totals, "void/", "yen"),
            reconciled=bool(row[2]),
            totals=totals,
        )


_JST = dt.timezone(dt.timedelta(hours=9), "JST")


def _sum(totals: Mapping[str, Mapping[str, int]], prefix: str, key: str) -> int:
    return sum(entry[key] for name, entry in totals.items() if name.startswith(prefix))


class DeviceEventSource(Source):
    """Device state changes from the event log (other events move the watermark but are not sent)."""

    stream, table, seq_column = Stream.DEVICE_EVENTS, "events", "sequence"

    def __init__(self, path: Path, terminal_id: str, kinds: Mapping[str, str]) -> None:
        super().__init__(path, terminal_id)
        self.kinds = kinds  # slot -> driver kind

    def _rows(self, after: int, limit: int) -> list[tuple[Any, ...]]:
        return self._query(
            "SELECT sequence, payload FROM events WHERE sequence > ? ORDER BY sequence LIMIT ?",
            (after, limit),
        )

    def _record(self, row: tuple[Any, ...]) -> StreamRecord | None:
        event = events_pb2.Event.FromString(bytes(row[1]))
        if not event.HasField("state_changed"):
            return None
        change = event.state_changed
        slot = event.device.removeprefix("devices/")
        moment = event.event_time.ToDatetime(tzinfo=dt.UTC)
        return records.DeviceEventRecord(
            terminal_id=self.terminal_id,
            seq=int(row[0]),
            recorded_time=moment,
            slot=slot,
            device_kind=self.kinds.get(slot, slot),
            state=short_name(change.state),  # "ERROR", as the central database has always stored
            fault=change.reason or ",".join(change.status_reasons),
            event_time=moment,
        )


class AuditRowSource(Source):
    stream, table, seq_column = Stream.AUDIT_ROWS, "audit", "seq"

    def _rows(self, after: int, limit: int) -> list[tuple[Any, ...]]:
        return self._query(
            "SELECT seq, at, who, action, resource, purpose, outcome, prev_hash, row_hash FROM audit"
            " WHERE seq > ? ORDER BY seq LIMIT ?",
            (after, limit),
        )

    def _record(self, row: tuple[Any, ...]) -> StreamRecord:
        moment = _time(row[1]) or dt.datetime.now(dt.UTC)
        return records.AuditRowRecord(
            terminal_id=self.terminal_id,
            seq=int(row[0]),
            recorded_time=moment,
            actor_id=row[2],
            action=row[3],
            resource=row[4],
            purpose=row[5],
            outcome=row[6],
            action_time=moment,
            prev_hash=row[7],
            row_hash=row[8],
        )


@dataclass(frozen=True)
class LocalFiles:
    """Where a daemon's stores are (``daemon.migrations.store_files`` names the same files)."""

    storage_dir: Path
    outbox: Path

    def sources(self, terminal_id: str, kinds: Mapping[str, str]) -> tuple[Source, ...]:
        storage = self.storage_dir
        return (
            ApplicationSource(self.outbox, terminal_id),
            VisitSource(storage / "kpi.sqlite3", terminal_id),
            PaymentOperationSource(storage / "payments.sqlite3", terminal_id),
            DailyCloseSource(storage / "payments.sqlite3", terminal_id),
            DeviceEventSource(storage / "events.sqlite3", terminal_id, kinds),
            AuditRowSource(storage / "audit.sqlite3", terminal_id),
        )


def close_all(sources: Iterable[Source]) -> None:
    for source in sources:
        with contextlib.suppress(sqlite3.Error):
            source.close()
