"""A state directory filled like a busy counter's year, through the stores' own code (no personal data).

``fill(storage_dir, YEAR)`` writes visits (kpi.sqlite3), payments with their terminal ops
(payments.sqlite3), print jobs (print-jobs.sqlite3), events (events.sqlite3), a few audit rows
(audit.sqlite3) and one directory account (staff.sqlite3, no password hash) with the stores' current
code, which writes its current layout without a version stamp (``user_version`` 0): the input of the
migration benchmark and of the migration fixtures (``tests/fixtures/migrations``). Durability is
switched off while filling: this is test data, and a year of fsyncs would take minutes. Payments beyond
the first ``PAYMENTS_BY_CODE`` are SQL copies of those rows (order ids ``<id>#<k>``, shifted sequence
numbers), which takes seconds, not minutes.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from kiosk.v1 import events_pb2

from daemon.audit.log import AuditEntry, AuditLog
from daemon.events import EventLog
from daemon.payments.journal import PaymentJournal
from daemon.payments.model import FeeLine, OpState, PaymentState, SaleOrder
from daemon.printing.journal import JobJournal
from daemon.printing.model import JobKind, JobState
from daemon.staff.accounts import StaffAccounts
from daemon.staff.roles import StaffRole
from daemon.visits.kpi_store import PersistentKpiRecorder
from daemon.visits.outbox_store import PersistentOutbox
from frontyard.kpi import Visit


@dataclass(frozen=True)
class Volume:
    visits: int
    payments: int
    jobs: int
    events: int


YEAR = Volume(visits=50_000, payments=20_000, jobs=5_000, events=20_000)
SAMPLE = Volume(visits=12, payments=6, jobs=4, events=10)
PAYMENTS_BY_CODE = 1_000
_START = dt.datetime(2026, 4, 1, 8, 30, tzinfo=dt.UTC)


def _visit(number: int) -> Visit:
    arrived = _START + dt.timedelta(minutes=10 * number)
    return Visit(
        visit_id=f"R{number:06d}",
        period="改革後",
        counter="SHIMIN",
        procedures=("juminhyo",) if number % 3 else ("juminhyo", "inkan"),
        arrived=arrived,
        started=arrived + dt.timedelta(minutes=3),
        done=arrived + dt.timedelta(minutes=9),
        printed=arrived + dt.timedelta(minutes=8),
        forms_printed=1,
        writes_baseline=3,
        writes_ours=1,
    )


def fill(storage_dir: Path, volume: Volume) -> None:
    storage_dir.mkdir(parents=True, exist_ok=True)
    kpis = PersistentKpiRecorder(storage_dir / "kpi.sqlite3")
    kpis._db.execute("PRAGMA synchronous = OFF")
    kpis._db.execute("PRAGMA journal_mode = MEMORY")  # not kept in the file: only speeds up filling
    with contextlib.closing(kpis):
        for number in range(volume.visits):
            kpis.record(_visit(number))
    payments = PaymentJournal(storage_dir / "payments.sqlite3")
    payments._db.execute("PRAGMA synchronous = OFF")
    with contextlib.closing(payments):
        for number in range(min(volume.payments, PAYMENTS_BY_CODE)):
            line = FeeLine("juminhyo", "住民票の写し", 1 + number % 2, 300)
            _payment, op = payments.create_sale(
                SaleOrder(f"orders/{number:06d}", line.amount_yen, "credit", (line,))
            )
            payments.update_op(op.sequence_number, OpState.SENT, payment_state=PaymentState.SENT)
            if number % 10 == 9:
                payments.update_op(op.sequence_number, OpState.DECLINED, payment_state=PaymentState.DECLINED)
            else:
                payments.update_op(op.sequence_number, OpState.APPROVED, payment_state=PaymentState.APPROVED)
    _copy_payments(storage_dir / "payments.sqlite3", volume.payments)
    jobs = JobJournal(storage_dir / "print-jobs.sqlite3")
    jobs._db.execute("PRAGMA synchronous = OFF")
    for number in range(volume.jobs):
        job = jobs.add(
            device="receipt", kind=JobKind.RECEIPT, title="整理券", order_id=f"orders/{number:06d}",
            total=1, copies=1, payload=b"receipt",
        )  # fmt: skip
        if number % 4:
            jobs.update(job.id, state=JobState.COMPLETED, done=1)
    jobs.close()
    events = EventLog(storage_dir / "events.sqlite3")
    for number in range(volume.events):
        state = events_pb2.DeviceStateChanged(state=events_pb2.DeviceState.DEVICE_STATE_IDLE)
        events.publish(events_pb2.Event(device=f"devices/d{number % 4}", state_changed=state))
    events.close()
    PersistentOutbox(storage_dir / "outbox").close()
    _fill_staff_and_audit(storage_dir)


def _fill_staff_and_audit(storage_dir: Path) -> None:
    """One directory account (a fictional staff id) and the audit rows its creation leaves."""
    with contextlib.closing(StaffAccounts(storage_dir / "staff.sqlite3")) as accounts:
        accounts.add("S0001", "試験 職員", frozenset({StaffRole.COUNTER}), "", directory=True)
    with contextlib.closing(AuditLog(storage_dir / "audit.sqlite3")) as audit:
        for outcome in ("started", "ok"):
            audit.append(AuditEntry("os:root", "account.added", "staff/S0001", outcome=outcome))


def _copy_payments(path: Path, wanted: int) -> None:
    """Grow the journal to ``wanted`` payments by copying the first ones with new keys, in one transaction."""
    # Key columns per table: the copy gets "<order_id>#<k>" and sequence numbers shifted by k × max(seq).
    keys = {
        "payments": {"order_id": "order_id || '#{k}'", "sale_seq": "sale_seq + {shift}"},
        "ops": {"order_id": "order_id || '#{k}'", "seq": "seq + {shift}"},
        "history": {"id": "NULL", "order_id": "order_id || '#{k}'", "seq": "seq + {shift}"},
    }
    with contextlib.closing(sqlite3.connect(path, isolation_level=None)) as db:
        (base,) = db.execute("SELECT count(*) FROM payments").fetchone()
        (max_seq,) = db.execute("SELECT max(seq) FROM ops").fetchone()
        if base == 0 or wanted <= base:
            return
        db.execute("BEGIN")
        copies = -(-wanted // base) - 1
        for k in range(1, copies + 1):
            shift = k * max_seq
            limit = min(base, wanted - k * base)
            originals = "SELECT order_id FROM payments WHERE order_id NOT LIKE '%#%' ORDER BY order_id"
            orders = f"{originals} LIMIT {limit}"
            for table, replaced in keys.items():
                columns = [row[1] for row in db.execute(f"PRAGMA table_info({table})")]
                select = ", ".join(replaced.get(c, c).format(k=k, shift=shift) for c in columns)
                db.execute(
                    f"INSERT INTO {table} ({', '.join(columns)}) SELECT {select} FROM {table}"
                    f" WHERE order_id IN ({orders})"
                )
        db.execute("UPDATE meta SET value = ? WHERE key = 'next_seq'", (copies * max_seq + max_seq + 1,))
        db.execute("COMMIT")
