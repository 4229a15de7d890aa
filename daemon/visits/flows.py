"""The front-yard flows that span several stores: printing, completing a visit, exporting the outbox.

``Frontyard`` owns the visit book, the certificate desk, the reception codes, the persistent outbox and
the KPI recorder, and publishes ``VisitChanged`` / ``ApplicationChanged`` events (ids only).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import functools
import logging
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import ParamSpec, TypeVar

from kiosk.v1 import application_pb2, events_pb2, visit_pb2

from backoffice.records import Stream
from daemon.fleet.watermarks import FILE_NAME as WATERMARKS_FILE
from daemon.fleet.watermarks import Watermarks
from daemon.receipts import CertificateLine, RequestInput, TicketInput, numbered_ticket, request_receipt
from frontyard import exporter
from frontyard.certificates import certificate_type
from frontyard.corrections import FieldCorrection, correct_form
from frontyard.documents import Checklist, FilledForm
from frontyard.forms import fill_forms
from frontyard.kpi import Visit
from frontyard.lifeevents import Evaluation, build_checklist
from frontyard.municipality import load_municipality
from frontyard.outbox import ApplicationPackage, PackageSummary, check_correctable
from frontyard.reception import ReceptionCodes, ReceptionTicket
from frontyard.render import render_forms
from frontyard.writing import WritingCount, count_writes

from ..errors import FailedPrecondition
from ..ports import EventPublisher, PrintSubmitter
from .book import VisitBook, VisitRecord, reception_id
from .desk import CertificateDesk, CertificateRecord
from .kpi_store import PersistentKpiRecorder
from .licence_members import without_glyphs
from .messages import STATUSES
from .outbox_store import PersistentOutbox
from .printing import count_pages, submit_pdf, submit_receipt
from .secret import load_or_create_secret
from .settings import FrontyardSettings

_LOGGER = logging.getLogger(__name__)
_P = ParamSpec("_P")
_T = TypeVar("_T")
CERTIFICATE_COUNTER = "市民課"


def now() -> dt.datetime:
    return dt.datetime.now().astimezone()


@dataclass(frozen=True)
class Documents:
    evaluation: Evaluation
    checklist: Checklist
    forms: tuple[FilledForm, ...]
    writing: WritingCount


@dataclass(frozen=True)
class Printed:
    jobs: tuple[str, ...]
    ticket: ReceptionTicket
    forms: int = 0
    pages: int = 0


class Frontyard:
    def __init__(
        self, settings: FrontyardSettings, storage_dir: Path, events: EventPublisher, printer: PrintSubmitter
    ) -> None:
        self.settings = settings
        self.storage_dir = storage_dir
        self.events = events
        self.printer = printer
        self.municipality = load_municipality(settings.municipality)
        self.book = VisitBook(self.municipality, settings.visit_ttl)
        self.desk = CertificateDesk(self.municipality, settings.visit_ttl)
        self.codes = ReceptionCodes(load_or_create_secret(settings.secret_file))
        self.outbox = PersistentOutbox(settings.outbox_dir)
        self.kpis = PersistentKpiRecorder(storage_dir / "kpi.sqlite3")
        # One worker for evaluation, reportlab rendering and the stores' writes: the event loop stays free
        # for status calls, renders do not pile up on 2 cores, and one thread means one malloc arena.
        self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="frontyard")

    async def off_loop(self, function: Callable[_P, _T], *args: _P.args, **kwargs: _P.kwargs) -> _T:
        """Run CPU-heavy or blocking ``function`` on the front-yard worker thread."""
        call = functools.partial(function, *args, **kwargs)
        return await asyncio.get_running_loop().run_in_executor(self._worker, call)

    def close(self) -> None:
        self._worker.shutdown(wait=True)
        self.outbox.close()
        self.kpis.close()

    # --- events ------------------------------------------------------------------------------------------

    def visit_changed(self, record: VisitRecord, change: str) -> None:
        message = visit_pb2.VisitChanged(visit=record.name, change=change, reception_id=record.reception_id)
        self.events.publish(events_pb2.Event(visit_changed=message))

    def application_changed(self, package: PackageSummary) -> None:
        message = application_pb2.ApplicationChanged(
            application=f"applications/{package.package_id}",
            status=STATUSES[package.status],
            reception_id=package.reception_id,
        )
        self.events.publish(events_pb2.Event(application_changed=message))

    # --- visits ------------------------------------------------------------------------------------------

    def documents(self, name: str) -> tuple[VisitRecord, Documents]:
        record, evaluation = self.book.evaluation(name)
        qr = record.reception.payload if record.reception else ""
        checklist = build_checklist(evaluation, qr)
        forms = fill_forms(evaluation, self.municipality)
        return record, Documents(evaluation, checklist, forms, count_writes(evaluation, self.municipality))

    def _reception(self, record: VisitRecord) -> ReceptionTicket:
        if record.reception is None:
            record.reception = self.codes.issue(self.settings.reception_counter)
        return record.reception

    async def print_visit(self, name: str) -> Printed:
        record, _ = await self.off_loop(self.book.evaluation, name)
        ticket = self._reception(record)
        record, documents, pdf = await self.off_loop(self._render_visit, name)
        title = f"{documents.checklist.title} {reception_id(ticket)}"
        job = await submit_pdf(self.printer, pdf, title)
        self.book.mark_printed(name, ticket, len(documents.forms), now())
        self.visit_changed(record, "printed")
        _LOGGER.info("visit documents submitted", extra={"visit": record.name, "forms": len(documents.forms)})
        return Printed((job,), ticket, len(documents.forms), count_pages(pdf))

    def _render_visit(self, name: str) -> tuple[VisitRecord, Documents, bytes]:
        """Evaluate, fill and render the visit's print-out (CPU-heavy: runs on a worker thread)."""
        record, documents = self.documents(name)
        return record, documents, render_forms(documents.forms, documents.checklist)

    def _file_applications(
        self, forms: tuple[FilledForm, ...], pdfs: list[bytes], reception: str, done: dt.datetime
    ) -> list[PackageSummary]:
        """Put each form with its PDF in the outbox (worker thread: SQLite writes)."""
        return [self.outbox.add(form, pdf, reception, done) for form, pdf in zip(forms, pdfs, strict=True)]

    async def complete_visit(self, name: str, ratings: tuple[float, float, float]) -> tuple[str, ...]:
        record, documents = await self.off_loop(self.documents, name)
        ticket = self._reception(record)
        pdfs = await self.off_loop(lambda: [render_forms([form]) for form in documents.forms])
        forms = tuple(without_glyphs(form) for form in documents.forms)  # the PDFs keep licence 外字 images
        record = self.book.take(name)
        done = now()
        created = await self.off_loop(self._file_applications, forms, pdfs, reception_id(ticket), done)
        del pdfs
        satisfaction, time_rating, ease_rating = (value if value > 0 else None for value in ratings)
        visit = Visit(
            visit_id=reception_id(ticket),
            period=self.settings.kpi_period,
            counter="書かない窓口",
            procedures=documents.evaluation.ids(),
            arrived=record.arrived,
            started=record.started,
            done=max(done, record.started),
            card_read=record.card_read,
            printed=record.printed,
            forms_printed=record.forms_printed,
            writes_baseline=documents.writing.baseline.total,
            writes_ours=documents.writing.ours.total,
            satisfaction=satisfaction,
            time_rating=time_rating,
            ease_rating=ease_rating,
            life_event=record.household.event.value,
            channel=self.settings.channel,
        )
        await self.off_loop(self.kpis.record, visit)
        for package in created:
            self.application_changed(package)
        self.visit_changed(record, "completed")
        _LOGGER.info("visit completed", extra={"visit": record.name, "applications": len(created)})
        return tuple(f"applications/{package.package_id}" for package in created)

    def cancel_visit(self, name: str) -> None:
        record = self.book.take(name)
        self.visit_changed(record, "cancelled")

    # --- certificates --------------------------------------------------------------------------------------

    async def print_certificate(self, record: CertificateRecord) -> Printed:
        if record.personal_data_forgotten:
            raise FailedPrecondition(
                "this certificate request was printed already; reprint its jobs with RetryJob",
                reason="certificate_request_printed",
                message_ja="この請求書は印刷済みです。職員にお申し出ください。",
            )
        if record.reception is None:
            record.reception = self.codes.issue(self.settings.reception_counter)
        ticket = record.reception
        number = reception_id(ticket)
        pdf = await self.off_loop(render_forms, [record.form])
        jobs = [await submit_pdf(self.printer, pdf, f"交付請求書 {number}")]
        issued = now()
        counter = self.municipality.counter(CERTIFICATE_COUNTER).name
        kind = certificate_type(record.kind)
        slip = request_receipt(
            RequestInput(
                municipality=self.municipality.name,
                reception_number=f"{ticket.serial:04d}",
                certificates=(CertificateLine(kind.name_ja, record.copies, record.fee.window),),
                received_at=issued,
                qr_payload=ticket.payload,
                counter=counter,
            )
        )
        jobs.append(await submit_receipt(self.printer, slip, f"受付票 {number}"))
        ticket_slip = numbered_ticket(TicketInput(self.municipality.name, ticket.serial, counter, issued))
        jobs.append(await submit_receipt(self.printer, ticket_slip, f"整理券 {number}"))
        if record.printed is None:
            record.printed = issued
            self.kpis.record(
                Visit(
                    visit_id=number,
                    period=self.settings.kpi_period,
                    counter="らくらく窓口",
                    procedures=(f"CERT_{record.kind.name}",),
                    arrived=record.created,
                    started=record.created,
                    done=max(issued, record.created),
                    card_read=record.created,
                    printed=max(issued, record.created),
                    forms_printed=1,
                    channel=self.settings.channel,
                )
            )
        self.desk.forget_personal_data(record)
        return Printed(tuple(jobs), ticket, 1, 1)

    # --- outbox -----------------------------------------------------------------------------------------

    def correct(self, name: str, staff_id: str, corrections: Sequence[FieldCorrection]) -> ApplicationPackage:
        """Apply staff corrections and render the form again (worker thread: reportlab and SQLite)."""
        package_id = name.removeprefix("applications/")
        package = self.outbox.get(package_id)
        check_correctable(package.summary)
        form = correct_form(package.form, corrections)
        pdf = render_forms([form])
        summary = self.outbox.correct(package_id, form, pdf, staff_id, now())
        return ApplicationPackage(summary, form, pdf)

    def release(self, name: str, staff_id: str) -> PackageSummary:
        package = self.outbox.release(name.removeprefix("applications/"), staff_id, now())
        self.application_changed(package)
        return package

    def export(self) -> tuple[tuple[str, ...], int]:
        moment = now()
        paths = exporter.export_released(self.outbox, self.settings.export_dir, moment)
        for path in paths:
            self.application_changed(self.outbox.summary(path.name))
        return tuple(f"applications/{path.name}" for path in paths), self.purge(moment)

    def purge(self, moment: dt.datetime) -> int:
        days = self.settings.retention_days
        removed = set(self.outbox.purge(moment, days))
        if self.settings.fleet_terminal_id:  # the back office exports: purge what it has, after retention
            watermarks = Watermarks(self.storage_dir / WATERMARKS_FILE, self.settings.fleet_terminal_id)
            forwarded = watermarks.get(Stream.APPLICATIONS)
            removed |= set(self.outbox.purge_forwarded(moment, days, forwarded))
        removed |= set(exporter.purge_exported(self.settings.export_dir, moment, days))
        return len(removed)
