"""A certificate request from a card session, through the servicer, with the real resident sessions.

The service gets what ``create_server`` would give it: the real ``ResidentSessions`` and ``ReadingStore``,
an event publisher and a print submitter that record what they were given; the card's BasicInfo is a
synthetic resident.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from google.protobuf import text_format
from kiosk.v1 import certificate_pb2, common_pb2, events_pb2, visit_pb2

from daemon.camera.store import ReadingStore
from daemon.errors import FailedPrecondition
from daemon.options import FrontyardOptions
from daemon.services.frontyard import FrontyardServiceRunner
from daemon.sessions import ResidentSessions, SessionNotFound
from daemon.visits.settings import frontyard_settings
from drivers.escpos.document import QrCode, Receipt
from drivers.mynumber import BasicInfo, Sex

INFO = BasicInfo("見本 花子", "鹿児島県指宿市見本町1番地", dt.date(1983, 1, 20), Sex.FEMALE)


@dataclass
class RecordingPrinter:
    pdfs: list[tuple[bytes, str, int]] = field(default_factory=list)
    receipts: list[tuple[Receipt, str]] = field(default_factory=list)

    async def submit_pdf(
        self, pdf: bytes, *, title: str, pages: int, copies: int = 1, order_id: str = ""
    ) -> str:
        self.pdfs.append((pdf, title, pages))
        return f"jobs/{len(self.pdfs) + len(self.receipts)}"

    async def submit_receipt(self, receipt: Receipt, *, title: str, order_id: str = "") -> str:
        self.receipts.append((receipt, title))
        return f"jobs/{len(self.pdfs) + len(self.receipts)}"


@dataclass
class RecordingEvents:
    published: list[events_pb2.Event] = field(default_factory=list)

    def publish(self, event: events_pb2.Event) -> None:
        self.published.append(event)


@dataclass
class Parts:
    """What ``create_server`` hands the front-yard service, with recorders for events and printing."""

    events: RecordingEvents
    print_queue: RecordingPrinter
    sessions: ResidentSessions
    runner: FrontyardServiceRunner


@pytest.fixture
def daemon(tmp_path: Path) -> Parts:
    events, printer, sessions = RecordingEvents(), RecordingPrinter(), ResidentSessions(lambda event: None)
    runner = FrontyardServiceRunner(
        frontyard_settings(FrontyardOptions(), tmp_path / "var"),
        tmp_path / "var",
        events=events,
        printer=printer,
        sessions=sessions,
        readings=ReadingStore(),
    )
    return Parts(events, printer, sessions, runner)


async def test_request_is_filled_from_the_card_and_printed_with_a_reception_qr(daemon: Parts) -> None:
    runner = daemon.runner
    servicer = runner.certificates
    session = daemon.sessions.start()
    session.set_basic_info(INFO)
    request = await servicer.CreateCertificateRequest(
        certificate_pb2.CreateCertificateRequestRequest(
            session=session.name,
            kind=certificate_pb2.CERTIFICATE_KIND_JUMINHYO,
            options=["世帯全員"],
            copies=2,
        ),
        None,  # type: ignore[arg-type]
    )
    values = {f.key: f.value for f in request.form.fields}
    assert INFO.name in values.values() and INFO.address in values.values()
    assert "1983-01-20" in values.values()
    assert request.total_fee.yen == request.fee_per_copy.yen * 2 and request.order_id
    assert request.advice.reason in {"konbini_available", "outside_hours"}

    printed = await servicer.PrintCertificateRequest(
        certificate_pb2.PrintCertificateRequestRequest(name=request.name),
        None,  # type: ignore[arg-type]
    )
    assert len(printed.jobs) == 3 and printed.order_id == request.order_id
    assert daemon.print_queue.pdfs[0][1].startswith("交付請求書")
    slip, ticket = (receipt for receipt, _ in daemon.print_queue.receipts)
    qr = [block for block in slip.blocks if isinstance(block, QrCode)]
    assert [block.payload for block in qr] == [printed.reception_code]
    for receipt in (slip, ticket):
        assert INFO.name not in "\n".join(receipt.text_lines())
    assert f"{printed.ticket_number:03d}" in "\n".join(ticket.text_lines())

    resolved = await servicer.ResolveReception(
        certificate_pb2.ResolveReceptionRequest(code=printed.reception_code),
        None,  # type: ignore[arg-type]
    )
    assert resolved.certificate_request.name == request.name
    # Once on paper, the daemon no longer holds the resident's data, and will not print a blank form.
    held = runner.flows.desk.get(request.name)
    assert held.personal_data_forgotten
    assert all(item.value is None for item in held.form.fields)
    shown = text_format.MessageToString(resolved, as_utf8=True)
    assert INFO.name not in shown
    assert INFO.address not in shown
    with pytest.raises(FailedPrecondition) as again:
        await servicer.PrintCertificateRequest(
            certificate_pb2.PrintCertificateRequestRequest(name=request.name),
            None,  # type: ignore[arg-type]
        )
    assert again.value.reason == "certificate_request_printed"
    (row,) = runner.flows.kpis.report()
    assert row.samples == 1 and row.procedures == ("CERT_JUMINHYO",)
    runner.flows.close()


async def test_a_card_member_joins_a_visit_and_an_ended_session_is_refused(daemon: Parts) -> None:
    runner = daemon.runner
    servicer = runner.visits
    session = daemon.sessions.start()
    session.set_basic_info(INFO)
    visit = await servicer.CreateVisit(
        visit_pb2.CreateVisitRequest(life_event=visit_pb2.LIFE_EVENT_TENNYU, event_date="2025-09-09"),
        None,  # type: ignore[arg-type]
    )
    visit = await servicer.AddMember(
        visit_pb2.AddMemberRequest(visit=visit.name, from_card_session=session.name),
        None,  # type: ignore[arg-type]
    )
    (member,) = visit.members
    assert (member.name, member.birth_date, member.sex, member.from_card, member.has_mn_card) == (
        INFO.name, "1983-01-20", common_pb2.SEX_FEMALE, True, True,
    )  # fmt: skip
    assert visit.facts.old_address == INFO.address and member.relationship == "世帯主"
    daemon.sessions.end(session.name)
    with pytest.raises(SessionNotFound):
        await servicer.AddMember(
            visit_pb2.AddMemberRequest(visit=visit.name, from_card_session=session.name, relationship="妻"),
            None,  # type: ignore[arg-type]
        )
    assert [e.visit_changed.change for e in daemon.events.published] == ["created"]
    runner.flows.close()
