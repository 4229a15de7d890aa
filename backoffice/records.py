"""The rows of the central database, one dataclass per table: what a terminal sends, what the console reads.

Every stream record starts with ``terminal_id``, ``seq`` (the terminal's own sequence for that stream) and
``recorded_time`` (the local commit), and ends with ``received_time`` (set by the database; ``None`` when
sending). A terminal inserts with ``INSERT … ON CONFLICT (terminal_id, seq) DO NOTHING`` (``insert_sql``),
so a row sent twice is stored once. The shapes are documented in docs/FLEET.md; the tables are
``backoffice/schema/``.

| stream               | record              | personal data                                    |
|----------------------|---------------------|--------------------------------------------------|
| applications         | ApplicationRecord   | ``package`` and ``pdf`` until export + retention |
| visits               | VisitRecord         | none (a reception id, times and counts)          |
| payment_operations   | PaymentOperation    | none, and never card data                        |
| daily_closes         | DailyClose          | none                                             |
| device_events        | DeviceEventRecord   | none                                             |
| audit_rows           | AuditRowRecord      | none (staff numbers and resource names)          |
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
from dataclasses import dataclass, field
from typing import Any

SCHEMA = "frontyard"


class Stream(enum.StrEnum):
    """A forwarded stream; its value is the central table's name."""

    APPLICATIONS = "applications"
    VISITS = "visits"
    PAYMENT_OPERATIONS = "payment_operations"
    DAILY_CLOSES = "daily_closes"
    DEVICE_EVENTS = "device_events"
    AUDIT_ROWS = "audit_rows"


@dataclass(frozen=True)
class ApplicationRecord:
    """A released application: its summary, the package (a JSON object) and the filled-in PDF."""

    terminal_id: str
    seq: int
    recorded_time: dt.datetime
    application_id: str  # the outbox package id
    reception_id: str
    form_id: str
    title: str
    procedure_ids: tuple[str, ...]
    counter: str
    status: str
    released_time: dt.datetime | None
    released_by: str
    package: dict[str, Any] | None  # personal data: cleared after export + retention
    pdf: bytes | None  # personal data: cleared after export + retention
    exported_time: dt.datetime | None = None
    corrected_time: dt.datetime | None = None
    corrected_by: str = ""
    corrections: list[Any] = field(default_factory=list)
    received_time: dt.datetime | None = None


@dataclass(frozen=True)
class VisitRecord:
    """One visit's KPI row (効果検証): times and counts, never a person."""

    terminal_id: str
    seq: int
    recorded_time: dt.datetime
    visit_id: str  # the reception id
    period: str  # e.g. 改革後
    life_event: str
    counter: str
    procedure_ids: tuple[str, ...]
    channel: str  # kiosk, counter, ...
    arrived_time: dt.datetime
    started_time: dt.datetime
    finished_time: dt.datetime
    wait_s: float
    handle_s: float
    forms_printed: int
    writes_baseline: int
    writes_saved: int
    satisfaction: float | None = None
    received_time: dt.datetime | None = None


@dataclass(frozen=True)
class PaymentOperation:
    """One payment terminal operation as journaled (amounts in yen; no PAN, no approval code)."""

    terminal_id: str
    seq: int
    recorded_time: dt.datetime
    payment_id: str  # the order id
    operation: str  # sale, refund, reversal, ...
    amount_yen: int
    brand: str
    state: str
    sale_date: dt.date | None = None
    received_time: dt.datetime | None = None


@dataclass(frozen=True)
class DailyClose:
    """A terminal's 日計 (end-of-day close) with its totals."""

    terminal_id: str
    seq: int
    recorded_time: dt.datetime
    business_date: dt.date
    close_number: int
    sales_count: int
    sales_yen: int
    refunds_count: int
    refunds_yen: int
    reconciled: bool
    totals: dict[str, Any] = field(default_factory=dict)
    received_time: dt.datetime | None = None


@dataclass(frozen=True)
class DeviceEventRecord:
    """A device state change or fault (the fleet board's live feed)."""

    terminal_id: str
    seq: int
    recorded_time: dt.datetime
    slot: str
    device_kind: str
    state: str
    fault: str
    event_time: dt.datetime
    received_time: dt.datetime | None = None


@dataclass(frozen=True)
class AuditRowRecord:
    """A row of the terminal's audit chain, unchanged (``seq`` is the chain's own)."""

    terminal_id: str
    seq: int
    recorded_time: dt.datetime
    actor_id: str
    action: str
    resource: str
    purpose: str
    outcome: str
    action_time: dt.datetime
    prev_hash: str
    row_hash: str
    received_time: dt.datetime | None = None


@dataclass(frozen=True)
class TerminalHeartbeat:
    """A terminal's own row in ``terminals``, upserted every few seconds."""

    terminal_id: str
    office: str
    last_seen_time: dt.datetime
    backlog_rows: int
    devices: dict[str, Any]  # slot -> {"kind": ..., "state": ..., "fault": ...}


StreamRecord = (
    ApplicationRecord | VisitRecord | PaymentOperation | DailyClose | DeviceEventRecord | AuditRowRecord
)

RECORD_TYPES: dict[Stream, type[Any]] = {
    Stream.APPLICATIONS: ApplicationRecord,
    Stream.VISITS: VisitRecord,
    Stream.PAYMENT_OPERATIONS: PaymentOperation,
    Stream.DAILY_CLOSES: DailyClose,
    Stream.DEVICE_EVENTS: DeviceEventRecord,
    Stream.AUDIT_ROWS: AuditRowRecord,
}
_JSON_FIELDS = frozenset({"package", "corrections", "totals", "devices"})
_SET_BY_DATABASE = frozenset({"received_time"})


def sent_columns(stream: Stream) -> tuple[str, ...]:
    """The columns a terminal sends for ``stream``, in the record's field order."""
    return tuple(f.name for f in dataclasses.fields(RECORD_TYPES[stream]) if f.name not in _SET_BY_DATABASE)


def insert_sql(stream: Stream) -> str:
    """The idempotent insert of one record of ``stream`` (``%s`` placeholders in ``sent_columns`` order)."""
    # names come from the Stream enum and the record's fields; values are always parameters
    columns = sent_columns(stream)
    placeholders = ", ".join(["%s"] * len(columns))
    table = f"{SCHEMA}.{stream.value}"
    return f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({placeholders}) ON CONFLICT (terminal_id, seq) DO NOTHING"  # noqa: E501, S608


def _jsonb(value: Any) -> Any:
    """``value`` as jsonb (psycopg is imported here: a daemon without ``[fleet]`` never loads it)."""
    from psycopg.types.json import Jsonb

    return Jsonb(value)


def _sql_value(name: str, value: Any) -> Any:
    if name in _JSON_FIELDS and value is not None:
        return _jsonb(value)
    if isinstance(value, tuple):
        return list(value)
    return value


def insert_values(record: StreamRecord) -> tuple[Any, ...]:
    """The values of ``record`` for ``insert_sql`` (JSON fields wrapped, tuples as arrays)."""
    return tuple(
        _sql_value(f.name, getattr(record, f.name))
        for f in dataclasses.fields(record)
        if f.name not in _SET_BY_DATABASE
    )


def stream_of(record: StreamRecord) -> Stream:
    for stream, record_type in RECORD_TYPES.items():
        if isinstance(record, record_type):
            return stream
    raise TypeError(f"not a stream record: {type(record).__name__}")


HEARTBEAT_SQL = (
    "INSERT INTO frontyard.terminals (terminal_id, office, last_seen_time, backlog_rows, devices)"
    " VALUES (%s, %s, %s, %s, %s) ON CONFLICT (terminal_id) DO UPDATE SET office = EXCLUDED.office,"
    " last_seen_time = EXCLUDED.last_seen_time, backlog_rows = EXCLUDED.backlog_rows,"
    " devices = EXCLUDED.devices"
)


def heartbeat_values(heartbeat: TerminalHeartbeat) -> tuple[Any, ...]:
    return (
        heartbeat.terminal_id,
        heartbeat.office,
        heartbeat.last_seen_time,
        heartbeat.backlog_rows,
        _jsonb(heartbeat.devices),
    )


def from_row(stream: Stream, row: dict[str, Any]) -> StreamRecord:
    """A record of ``stream`` from a ``dict_row`` of ``SELECT *`` (arrays become tuples)."""
    record_type = RECORD_TYPES[stream]
    names = {f.name for f in dataclasses.fields(record_type)}
    values = {name: tuple(value) if name.endswith("_ids") else value for name, value in row.items()}
    return record_type(**{name: values[name] for name in names if name in values})  # type: ignore[no-any-return]
