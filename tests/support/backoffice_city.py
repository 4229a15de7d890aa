"""A small city in the central database for the back-office console's tests, inserted through the
``backoffice.records`` shapes (``insert_sql``/``insert_values``, ``HEARTBEAT_SQL``) as the terminals would.

Three offices, one terminal each: 本庁 (all well), 山川支所 (its form printer out of paper) and 開聞支所
(silent for ten minutes: stale). Applications from 本庁 and 山川 await the back office's check (one with a
missing phone number); visits in the busy season (March) and the quiet one (June) with certificates at
the kiosk and the counter; payments and daily closes for ``CLOSE_DAY``, 開聞's close ¥300 short.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

import psycopg

from backoffice.records import (
    HEARTBEAT_SQL,
    ApplicationRecord,
    DailyClose,
    PaymentOperation,
    StreamRecord,
    TerminalHeartbeat,
    VisitRecord,
    heartbeat_values,
    insert_sql,
    insert_values,
    stream_of,
)
from daemon.visits.outbox_store import form_to_json
from frontyard.documents import FieldKind, FilledForm, FormField

JST = dt.timezone(dt.timedelta(hours=9))
CLOSE_DAY = dt.date(2026, 3, 10)
TERMINALS = {"honcho-01": "本庁", "yamakawa-01": "山川支所", "kaimon-01": "開聞支所"}
STALE_TERMINAL = "kaimon-01"
FAULTY_TERMINAL = "yamakawa-01"
SHORT_CLOSE_YEN = 300  # 開聞's close is this much below its forwarded operations
FILER_NAME = "指宿 太郎"  # personal data in the packages: never in a log, gone after retention


@dataclass(frozen=True)
class SeededApplication:
    terminal_id: str
    seq: int
    application_id: str
    missing_phone: bool

    @property
    def key(self) -> str:
        return f"{self.terminal_id}/{self.seq}"


def form(missing_phone: bool) -> FilledForm:
    phone = None if missing_phone else "0993-22-2111"
    return FilledForm(
        form_id="juminhyo-tennyu",
        title="住民異動届",
        procedure_id="TENNYU",
        counter="市民課 1番窓口",
        fields=(
            FormField("filer.name", "氏名", FieldKind.NAME, FILER_NAME, furigana="いぶすき たろう"),
            FormField("filer.phone", "電話番号", FieldKind.PHONE, phone),
        ),
        missing=("filer.phone",) if missing_phone else (),
    )


def heartbeat(terminal_id: str, seen: dt.datetime, *, paper_out: bool = False) -> TerminalHeartbeat:
    forms = (
        {"kind": "form_printer", "state": "ERROR", "fault": "media_empty"}
        if paper_out
        else {
            "kind": "form_printer",
            "state": "IDLE",
            "fault": "",
        }
    )
    devices: dict[str, Any] = {"card": {"kind": "card_reader", "state": "IDLE", "fault": ""}, "forms": forms}
    return TerminalHeartbeat(terminal_id, TERMINALS[terminal_id], seen, 0, devices)


def insert(connection: psycopg.Connection[Any], *records: StreamRecord) -> None:
    for record in records:
        connection.execute(insert_sql(stream_of(record)), insert_values(record))


def upsert(connection: psycopg.Connection[Any], beat: TerminalHeartbeat) -> None:
    connection.execute(HEARTBEAT_SQL, heartbeat_values(beat))


def _application(terminal_id: str, seq: int, missing_phone: bool, now: dt.datetime) -> ApplicationRecord:
    filled = form(missing_phone)
    application_id = f"{seq:02d}{terminal_id.encode().hex()}".ljust(32, "0")[:32]
    return ApplicationRecord(
        terminal_id=terminal_id,
        seq=seq,
        recorded_time=now,
        application_id=application_id,
        reception_id=f"20260310-SHIMIN-{seq:04d}",
        form_id=filled.form_id,
        title=filled.title,
        procedure_ids=(filled.procedure_id,),
        counter=filled.counter,
        status="released",
        released_time=now,
        released_by="T0009",
        package=json.loads(form_to_json(filled)),
        pdf=b"%PDF-1.4 test\n",
    )


def _visit(
    terminal_id: str,
    seq: int,
    day: dt.date,
    channel: str,
    wait_s: float,
    handle_s: float,
    period: str = "改革後",
) -> VisitRecord:
    started = dt.datetime.combine(day, dt.time(10, 0), JST)
    return VisitRecord(
        terminal_id=terminal_id,
        seq=seq,
        recorded_time=started,
        visit_id=f"V{seq:04d}",
        period=period,
        life_event="",
        counter="市民課",
        procedure_ids=("CERT_JUMINHYO",),
        channel=channel,
        arrived_time=started - dt.timedelta(seconds=wait_s),
        started_time=started,
        finished_time=started + dt.timedelta(seconds=handle_s),
        wait_s=wait_s,
        handle_s=handle_s,
        forms_printed=1,
        writes_baseline=5,
        writes_saved=4,
    )


def _payments(terminal_id: str, seq: int) -> list[PaymentOperation]:
    at = dt.datetime.combine(CLOSE_DAY, dt.time(11, 0), JST)
    base = PaymentOperation(terminal_id, seq, at, "order-1", "sale", 300, "visa", "approved", CLOSE_DAY)
    return [
        base,
        dataclasses.replace(base, seq=seq + 1, payment_id="order-2", amount_yen=450),
        dataclasses.replace(base, seq=seq + 2, payment_id="order-3", amount_yen=450, state="declined"),
    ]


def seed_city(admin_dsn: str) -> list[SeededApplication]:
    """Fill a migrated database (as the superuser); the applications that await the back office."""
    now = dt.datetime.now(dt.UTC)
    seeded = []
    with psycopg.connect(admin_dsn, autocommit=True) as connection:
        for terminal_id in TERMINALS:
            seen = now - dt.timedelta(minutes=10) if terminal_id == STALE_TERMINAL else now
            upsert(connection, heartbeat(terminal_id, seen, paper_out=terminal_id == FAULTY_TERMINAL))
            seq = 1
            for day, channel, wait_s, handle_s in (
                (dt.date(2026, 3, 10), "kiosk", 120.0, 400.0),
                (dt.date(2026, 3, 11), "counter", 180.0, 440.0),
                (dt.date(2026, 6, 10), "kiosk", 60.0, 300.0),
            ):
                insert(connection, _visit(terminal_id, seq, day, channel, wait_s, handle_s))
                seq += 1
            if terminal_id == "honcho-01":  # one visit measured before the reform (改革前)
                insert(
                    connection,
                    _visit(terminal_id, seq, dt.date(2025, 3, 10), "counter", 574.0, 443.0, "改革前"),
                )
            insert(connection, *_payments(terminal_id, 1))
            short = SHORT_CLOSE_YEN if terminal_id == STALE_TERMINAL else 0
            at = dt.datetime.combine(CLOSE_DAY, dt.time(18, 0), JST)
            insert(connection, DailyClose(terminal_id, 1, at, CLOSE_DAY, 1, 2, 750 - short, 0, 0, short == 0))
        for terminal_id, seq, missing in (
            ("honcho-01", 1, True),
            ("honcho-01", 2, False),
            ("yamakawa-01", 1, False),
        ):
            record = _application(terminal_id, seq, missing, now)
            insert(connection, record)
            seeded.append(SeededApplication(terminal_id, seq, record.application_id, missing))
    return seeded


def add_console_login(admin_dsn: str, role: str, password: str) -> None:
    """A frontyard_backoffice login, as ``frontyard-backoffice add-login`` makes it."""
    from backoffice.terminals import add_backoffice_login

    add_backoffice_login(admin_dsn, role, password)
