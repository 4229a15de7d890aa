"""One terminal's real local stores in a directory, as the fleet forwarder reads them (tests and bench).

stores = TerminalStores.open(tmp_path / "storage")
stores.kpi.record(visit); stores.outbox.add(sample_form(), pdf, reception_id, now)
sources = stores.sources("t1")      # daemon.fleet.sources over these files
stores.close()
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Self

from daemon.audit.log import AuditLog
from daemon.events import EventLog
from daemon.fleet.sources import LocalFiles, Source
from daemon.payments.journal import PaymentJournal
from daemon.visits.kpi_store import PersistentKpiRecorder
from daemon.visits.outbox_store import PersistentOutbox
from frontyard.documents import FieldKind, FilledForm, FormField


def sample_form() -> FilledForm:
    """A form without personal data, for the applications tests and the bench release (made fresh each
    time: a module-level form would outlive the tests that check no form stays in memory)."""
    consent = FormField("consent", "同意", FieldKind.CHECKBOX, True)
    return FilledForm("juki-tennyu", "住民異動届", "JUKI_TENNYU", "市民課", (consent,))


@dataclass
class TerminalStores:
    storage: Path
    events: EventLog
    audit: AuditLog
    payments: PaymentJournal
    kpi: PersistentKpiRecorder
    outbox: PersistentOutbox

    @classmethod
    def open(cls, storage: Path) -> Self:
        return cls(
            storage,
            EventLog(storage / "events.sqlite3"),
            AuditLog(storage / "audit.sqlite3"),
            PaymentJournal(storage / "payments.sqlite3"),
            PersistentKpiRecorder(storage / "kpi.sqlite3"),
            PersistentOutbox(storage / "outbox"),
        )

    def sources(self, terminal_id: str) -> tuple[Source, ...]:
        files = LocalFiles(self.storage, self.storage / "outbox" / "outbox.sqlite3")
        return files.sources(terminal_id, {"receipt": "receipt_printer"})

    def close(self) -> None:
        for store in (self.events, self.audit, self.payments, self.kpi, self.outbox):
            store.close()
