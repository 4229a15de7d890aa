"""The flows of the privacy proof, each through the daemon's gRPC API as the kiosk or staff would run them."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable
from typing import Any, cast

import grpc
from kiosk.v1 import (
    application_pb2,
    camera_pb2,
    camera_pb2_grpc,
    card_pb2,
    card_pb2_grpc,
    certificate_pb2,
    common_pb2,
    device_pb2,
    device_pb2_grpc,
    payment_pb2,
    payment_pb2_grpc,
    printer_pb2,
    printer_pb2_grpc,
    visit_pb2,
)

from simulators.licence_card.personas import LicencePersona
from simulators.personas import Persona
from tests.support import fault_steps as steps
from tests.support.frontyard import FrontyardStub, answer_everything
from tests.support.waiting import read_until

from .conftest import PrivacyBench

SEXES = {"male": common_pb2.SEX_MALE, "female": common_pb2.SEX_FEMALE}


def wait_for(read: Callable[[], Any], ok: Callable[[Any], bool], timeout: float = 20) -> Any:
    return read_until(read, ok, timeout=timeout)


def card(bench: PrivacyBench, role: str = "kiosk") -> card_pb2_grpc.CardServiceStub:
    return card_pb2_grpc.CardServiceStub(bench.running().channel(role))


def frontyard(bench: PrivacyBench, role: str = "kiosk") -> FrontyardStub:
    return FrontyardStub(bench.running().channel(role))


def payments(bench: PrivacyBench, role: str = "kiosk") -> payment_pb2_grpc.PaymentServiceStub:
    return payment_pb2_grpc.PaymentServiceStub(bench.running().channel(role))


def insert(bench: PrivacyBench, member: Persona) -> str:
    assert bench.watch is not None
    bench.card.post("insert", persona=member.id)
    return str(bench.watch.expect(card_pb2.CARD_PRESENCE_MY_NUMBER_CARD).session)


def remove(bench: PrivacyBench) -> None:
    assert bench.watch is not None
    bench.card.post("remove")
    bench.watch.expect(card_pb2.CARD_PRESENCE_NO_CARD)


def wrong_pin(right: str) -> str:
    return "0000" if right != "0000" else "1111"


def read_basic_info(bench: PrivacyBench, member: Persona) -> card_pb2.BasicInfo:
    assert card(bench).GetPinStatus(card_pb2.GetPinStatusRequest()).text_tries_left == 3
    try:
        card(bench).ReadBasicInfo(card_pb2.ReadBasicInfoRequest(pin=wrong_pin(member.text_pin or "")))
        raise AssertionError("a wrong PIN was accepted")
    except grpc.RpcError:
        pass
    info: card_pb2.BasicInfo = card(bench).ReadBasicInfo(card_pb2.ReadBasicInfoRequest(pin=member.text_pin))
    assert info.name == member.full_name, "the card simulator does not use the personas copy"
    return info


def sale(bench: PrivacyBench, order_id: str, copies: int, fee: int) -> payment_pb2.Payment:
    line = payment_pb2.FeeLine(
        fee_code="juminhyo", subject="住民票", quantity=copies, unit_price=common_pb2.Money(yen=fee)
    )
    request = payment_pb2.SaleRequest(
        order_id=order_id,
        amount=common_pb2.Money(yen=copies * fee),
        lines=[line],
        method=payment_pb2.PAYMENT_METHOD_CREDIT,
    )
    last = payment_pb2.Payment()
    for update in payments(bench).Sale(request, timeout=30):
        if update.HasField("payment"):
            last = update.payment
    return last


def card_holder_flow(bench: PrivacyBench, member: Persona) -> None:
    """Card in → PIN status → wrong PIN → basic info → 個人番号 (staff) → JPKI → 交付請求書 → pay → out."""
    bench.zvt.control("script", {"outcomes": ["approve"]})
    session = insert(bench, member)
    read_basic_info(bench, member)
    note = f"{member.family_name}\u3000{member.given_name}様 転入 確認"  # a name in the note: kept nowhere
    purpose = card_pb2.ReadMyNumberRequest(
        pin=member.text_pin, purpose="jumin_kihon_daicho", purpose_note=note
    )
    assert card(bench, "staff").ReadMyNumber(purpose).my_number == member.my_number
    auth = card(bench).AuthenticateResident(card_pb2.AuthenticateResidentRequest(pin=member.auth_pin))
    assert auth.signature_valid
    request = frontyard(bench).CreateCertificateRequest(
        certificate_pb2.CreateCertificateRequestRequest(
            session=session, kind=certificate_pb2.CERTIFICATE_KIND_JUMINHYO, copies=1
        )
    )
    printed = frontyard(bench).PrintCertificateRequest(
        certificate_pb2.PrintCertificateRequestRequest(name=request.name)
    )
    assert printed.jobs
    paid = sale(bench, request.order_id, request.copies, request.fee_per_copy.yen)
    assert paid.state == payment_pb2.PAYMENT_STATE_APPROVED, payment_pb2.PaymentState.Name(paid.state)
    remove(bench)


def tennyu_visit(
    bench: PrivacyBench, household: tuple[Persona, ...], address: str, old: str, phone: str
) -> list[str]:
    """転入 of the reference household: card holders from card sessions, children typed; → applications."""
    kiosk = frontyard(bench)
    visit = kiosk.CreateVisit(
        visit_pb2.CreateVisitRequest(life_event=visit_pb2.LIFE_EVENT_TENNYU, event_date="2025-09-09")
    )
    for member in household:
        if member.has_card:
            session = insert(bench, member)
            read_basic_info(bench, member)
            kiosk.AddMember(
                visit_pb2.AddMemberRequest(
                    visit=visit.name, from_card_session=session, relationship=member.relationship
                )
            )
            remove(bench)
        else:
            typed = visit_pb2.MemberInput(
                relationship=member.relationship,
                name=member.full_name,
                furigana=f"{member.family_kana}\u3000{member.given_kana}",
                birth_date=member.birth_date,
                sex=SEXES[member.sex],
            )
            kiosk.AddMember(visit_pb2.AddMemberRequest(visit=visit.name, member=typed))
    facts = visit_pb2.HouseholdFacts(new_address=address, old_address=old, phone=phone)
    kiosk.SetHouseholdFacts(visit_pb2.SetHouseholdFactsRequest(visit=visit.name, facts=facts))
    answer_everything(kiosk, visit.name)
    evaluation = kiosk.EvaluateVisit(visit_pb2.EvaluateVisitRequest(visit=visit.name))
    assert evaluation.forms, "the 転入 visit needs forms"
    printed = kiosk.PrintVisitDocuments(visit_pb2.PrintVisitDocumentsRequest(visit=visit.name))
    assert printed.jobs
    completed = kiosk.CompleteVisit(
        visit_pb2.CompleteVisitRequest(visit=visit.name, satisfaction=8, ease_rating=4)
    )
    return list(completed.applications)


def release_and_export(bench: PrivacyBench) -> application_pb2.ExportApplicationsResponse:
    staff = frontyard(bench, "staff")
    waiting = staff.ListApplications(
        application_pb2.ListApplicationsRequest(status=application_pb2.APPLICATION_STATUS_AWAITING_CHECK)
    )
    for application in waiting.applications:
        staff.ReleaseApplication(
            application_pb2.ReleaseApplicationRequest(name=application.name, staff_id="pv-0001")
        )
    return staff.ExportApplications(application_pb2.ExportApplicationsRequest())


def read_licence(bench: PrivacyBench, member: Persona) -> camera_pb2.DocumentReading:
    bench.camera.post("place", {"document": "licence", "persona": member.id})
    staff = camera_pb2_grpc.CameraServiceStub(bench.running().channel("staff"))
    try:
        return staff.ReadDocument(camera_pb2.ReadDocumentRequest(), timeout=60)
    finally:
        bench.camera.post("remove")


def paper_out_mid_receipt(bench: PrivacyBench) -> steps.Outcome:
    run = steps.receipt_fault(steps.escpos_set("roll", remaining_mm=15), steps.escpos_set("refill"))
    return cast(steps.Outcome, run(cast(Any, bench)))


def unknown_payment(bench: PrivacyBench) -> payment_pb2.Payment:
    """A terminal answer lost: the payment is UNKNOWN and a staff slip is printed."""
    bench.zvt.control("script", {"outcomes": ["unknown"]})
    try:
        final = sale(bench, f"privacy-unknown-{time.monotonic_ns()}", 1, 300)
    finally:
        bench.zvt.control("clear", {})
    get = payments(bench).GetPayment
    request = payment_pb2.GetPaymentRequest(name=final.name)
    return cast(
        payment_pb2.Payment, wait_for(lambda: get(request, timeout=5), lambda p: p.staff_slip != "", 15)
    )


def wait_for_print_jobs(bench: PrivacyBench, timeout: float = 60) -> list[printer_pb2.Job]:
    """Every print job in a final state (their payloads are deleted then)."""
    stub = printer_pb2_grpc.PrinterServiceStub(bench.running().channel("staff"))
    final = {printer_pb2.JOB_STATE_COMPLETED, printer_pb2.JOB_STATE_CANCELLED, printer_pb2.JOB_STATE_FAILED}
    jobs: list[printer_pb2.Job] = wait_for(
        lambda: list(stub.ListJobs(printer_pb2.ListJobsRequest(page_size=500), timeout=5).jobs),
        lambda jobs: all(job.state in final for job in jobs),
        timeout,
    )
    return jobs


def licence_flow(bench: PrivacyBench, licence: LicencePersona) -> visit_pb2.Visit:
    """A 運転免許証 on the reader: PIN status, ReadLicence, a 転入 member by licence, evaluation, cancel."""
    assert bench.watch is not None
    bench.card.post("insert_licence", persona=licence.id)
    event = bench.watch.expect(card_pb2.CARD_PRESENCE_DRIVERS_LICENCE)
    stub = card(bench)
    stub.GetLicencePinStatus(card_pb2.GetLicencePinStatusRequest())
    if licence.pin:
        with contextlib.suppress(grpc.RpcError):  # a wrong PIN first: its error must not leak either
            stub.ReadLicence(card_pb2.ReadLicenceRequest(pin=wrong_pin(licence.pin)))
    read = stub.ReadLicence(card_pb2.ReadLicenceRequest(pin=licence.pin or ""))
    assert read.session == event.session
    kiosk = frontyard(bench)
    visit = kiosk.CreateVisit(
        visit_pb2.CreateVisitRequest(life_event=visit_pb2.LIFE_EVENT_TENNYU, event_date="2025-09-09")
    )
    visit = kiosk.AddMember(visit_pb2.AddMemberRequest(visit=visit.name, from_licence_session=read.session))
    kiosk.EvaluateVisit(visit_pb2.EvaluateVisitRequest(visit=visit.name))
    kiosk.CancelVisit(visit_pb2.CancelVisitRequest(visit=visit.name))
    remove(bench)
    return visit


# --- names typed where the API takes an identifier or free text (issue 21) ----------------------------


def typed_names(bench: PrivacyBench) -> list[str]:
    """What staff type by mistake: each card holder's name with U+3000, without a space, and in kana."""
    names = []
    for member in bench.holders:
        names += [
            f"{member.family_name}\u3000{member.given_name}",
            f"{member.family_name}{member.given_name}",
        ]
        names.append(f"{member.family_kana}\u3000{member.given_kana}")
    return names


class Refusals:
    """Calls that must be refused without repeating the name they carry; ``problems`` lists each miss."""

    def __init__(self, names: list[str]) -> None:
        self.names = names
        self.turn = 0
        self.problems: list[str] = []
        self.calls = 0

    def name(self) -> str:
        self.turn += 1
        return self.names[self.turn % len(self.names)]

    def refused(self, what: str, call: Callable[[str], Any], code: grpc.StatusCode) -> None:
        name = self.name()
        self.calls += 1
        try:
            call(name)
        except grpc.RpcError as error:
            if error.code() != code:
                self.problems.append(f"{what}: {error.code()} (expected {code})")
            if name in str(error.details()) or name in repr(error.trailing_metadata()):
                self.problems.append(f"{what}: the error repeats the name")
            return
        self.problems.append(f"{what}: accepted")


def names_in_every_field(bench: PrivacyBench) -> Refusals:
    """Every identifier field of every service with a name in it; each call must be INVALID_ARGUMENT."""
    daemon = bench.running()
    kiosk, staff = frontyard(bench), frontyard(bench, "staff")
    invalid = grpc.StatusCode.INVALID_ARGUMENT
    run = Refusals(typed_names(bench))
    visit = kiosk.CreateVisit(
        visit_pb2.CreateVisitRequest(life_event=visit_pb2.LIFE_EVENT_TENNYU, event_date="2025-09-09")
    )
    for what, call in _frontyard_calls(kiosk, visit.name).items():
        run.refused(what, call, invalid)
    kiosk.CancelVisit(visit_pb2.CancelVisitRequest(visit=visit.name))
    waiting = staff.ListApplications(
        application_pb2.ListApplicationsRequest(status=application_pb2.APPLICATION_STATUS_AWAITING_CHECK)
    )
    application = waiting.applications[0].name
    for what, call in _staff_calls(staff, application).items():
        run.refused(what, call, invalid)
    stubs = (
        card(bench, "staff"),
        device_pb2_grpc.DeviceServiceStub(daemon.channel("staff")),
        camera_pb2_grpc.CameraServiceStub(daemon.channel("staff")),
        printer_pb2_grpc.PrinterServiceStub(daemon.channel("staff")),
    )
    for what, call in _device_calls(*stubs).items():
        run.refused(what, call, invalid)
    sales_before = _terminal_sales(bench)
    for what, call in _payment_calls(payments(bench, "staff")).items():
        run.refused(what, call, invalid)
    if _terminal_sales(bench) != sales_before:
        run.problems.append("a refused sale reached the terminal")
    return run


def _terminal_sales(bench: PrivacyBench) -> int:
    return len([r for r in bench.zvt.control("log")["log"] if r["kind"] == "SALE"])


def _frontyard_calls(stub: FrontyardStub, visit: str) -> dict[str, Callable[[str], Any]]:
    facts = visit_pb2.HouseholdFacts
    return {
        "GetVisit.name": lambda n: stub.GetVisit(visit_pb2.GetVisitRequest(name=n)),
        "AddMember.visit": lambda n: stub.AddMember(
            visit_pb2.AddMemberRequest(visit=n, relationship="世帯主")
        ),
        "AddMember.from_card_session": lambda n: stub.AddMember(
            visit_pb2.AddMemberRequest(visit=visit, from_card_session=n)
        ),
        "AddMember.from_licence_session": lambda n: stub.AddMember(
            visit_pb2.AddMemberRequest(visit=visit, from_licence_session=n)
        ),
        "AddMember.from_document_reading": lambda n: stub.AddMember(
            visit_pb2.AddMemberRequest(visit=visit, from_document_reading=n)
        ),
        "AddMember.relationship": lambda n: stub.AddMember(
            visit_pb2.AddMemberRequest(visit=visit, member=visit_pb2.MemberInput(), relationship=n)
        ),
        "AddMember.member.relationship": lambda n: stub.AddMember(
            visit_pb2.AddMemberRequest(visit=visit, member=visit_pb2.MemberInput(relationship=n))
        ),
        "SetHouseholdFacts.head_person_id": lambda n: stub.SetHouseholdFacts(
            visit_pb2.SetHouseholdFactsRequest(visit=visit, facts=facts(head_person_id=n))
        ),
        "ListPendingQuestions.visit": lambda n: stub.ListPendingQuestions(
            visit_pb2.ListPendingQuestionsRequest(visit=n)
        ),
        "AnswerQuestion.question_id": lambda n: stub.AnswerQuestion(
            visit_pb2.AnswerQuestionRequest(visit=visit, question_id=n, bool_value=True)
        ),
        "AnswerQuestion.person_id": lambda n: stub.AnswerQuestion(
            visit_pb2.AnswerQuestionRequest(
                visit=visit, question_id="has_mn_card", person_id=n, bool_value=True
            )
        ),
        "AnswerQuestion.choice_value": lambda n: stub.AnswerQuestion(
            visit_pb2.AnswerQuestionRequest(
                visit=visit, question_id="insurance", person_id="p1", choice_value=n
            )
        ),
        "AnswerQuestion.values_value": lambda n: stub.AnswerQuestion(
            visit_pb2.AnswerQuestionRequest(
                visit=visit, question_id="insurance", values_value=visit_pb2.AnswerValues(values=[n])
            )
        ),
        "EvaluateVisit.visit": lambda n: stub.EvaluateVisit(visit_pb2.EvaluateVisitRequest(visit=n)),
        "PrintVisitDocuments.visit": lambda n: stub.PrintVisitDocuments(
            visit_pb2.PrintVisitDocumentsRequest(visit=n)
        ),
        "CompleteVisit.visit": lambda n: stub.CompleteVisit(visit_pb2.CompleteVisitRequest(visit=n)),
        "CancelVisit.visit": lambda n: stub.CancelVisit(visit_pb2.CancelVisitRequest(visit=n)),
        "CallStaff.screen": lambda n: stub.CallStaff(
            visit_pb2.CallStaffRequest(screen=n, reason="pin_wrong")
        ),
        "CallStaff.reason": lambda n: stub.CallStaff(visit_pb2.CallStaffRequest(screen="pin", reason=n)),
        "AdviseChannel.session": lambda n: stub.AdviseChannel(
            certificate_pb2.AdviseChannelRequest(kind=certificate_pb2.CERTIFICATE_KIND_JUMINHYO, session=n)
        ),
        "CreateCertificateRequest.session": lambda n: stub.CreateCertificateRequest(
            certificate_pb2.CreateCertificateRequestRequest(
                session=n, kind=certificate_pb2.CERTIFICATE_KIND_JUMINHYO, copies=1
            )
        ),
        "GetCertificateRequest.name": lambda n: stub.GetCertificateRequest(
            certificate_pb2.GetCertificateRequestRequest(name=n)
        ),
        "PrintCertificateRequest.name": lambda n: stub.PrintCertificateRequest(
            certificate_pb2.PrintCertificateRequestRequest(name=n)
        ),
    }


def _staff_calls(stub: FrontyardStub, application: str) -> dict[str, Callable[[str], Any]]:
    correction = application_pb2.FieldCorrection(key="household.phone", value="0993-22-0000")
    return {
        "GetApplication.name": lambda n: stub.GetApplication(application_pb2.GetApplicationRequest(name=n)),
        "ReleaseApplication.name": lambda n: stub.ReleaseApplication(
            application_pb2.ReleaseApplicationRequest(name=n, staff_id="pv-0001")
        ),
        "ReleaseApplication.staff_id": lambda n: stub.ReleaseApplication(
            application_pb2.ReleaseApplicationRequest(name=application, staff_id=n)
        ),
        "CorrectApplication.staff_id": lambda n: stub.CorrectApplication(
            application_pb2.CorrectApplicationRequest(name=application, staff_id=n, corrections=[correction])
        ),
        "CorrectApplication.corrections.key": lambda n: stub.CorrectApplication(
            application_pb2.CorrectApplicationRequest(
                name=application,
                staff_id="pv-0001",
                corrections=[application_pb2.FieldCorrection(key=n, value="x")],
            )
        ),
    }


def _device_calls(
    card_stub: card_pb2_grpc.CardServiceStub,
    device_stub: device_pb2_grpc.DeviceServiceStub,
    camera_stub: camera_pb2_grpc.CameraServiceStub,
    printer_stub: printer_pb2_grpc.PrinterServiceStub,
) -> dict[str, Callable[[str], Any]]:
    ticket = printer_pb2.NumberedTicket(municipality="指宿市", number=1, counter="1番窓口")
    return {
        "ReadMyNumber.purpose": lambda n: card_stub.ReadMyNumber(
            card_pb2.ReadMyNumberRequest(pin="0000", purpose=n)
        ),
        "GetSession.name": lambda n: card_stub.GetSession(card_pb2.GetSessionRequest(name=n)),
        "ExtendSession.name": lambda n: card_stub.ExtendSession(card_pb2.ExtendSessionRequest(name=n)),
        "EndSession.session": lambda n: card_stub.EndSession(card_pb2.EndSessionRequest(session=n)),
        "GetDevice.name": lambda n: device_stub.GetDevice(device_pb2.GetDeviceRequest(name=n)),
        "CheckHealth.name": lambda n: device_stub.CheckHealth(device_pb2.CheckHealthRequest(name=n)),
        "WatchEvents.devices": lambda n: next(
            iter(device_stub.WatchEvents(device_pb2.WatchEventsRequest(devices=[n]), timeout=5))
        ),
        "Capture.device": lambda n: camera_stub.Capture(camera_pb2.CaptureRequest(device=n)),
        "ReadDocument.visit": lambda n: camera_stub.ReadDocument(camera_pb2.ReadDocumentRequest(visit=n)),
        "GetReading.name": lambda n: camera_stub.GetReading(camera_pb2.GetReadingRequest(name=n)),
        "DeleteReading.name": lambda n: camera_stub.DeleteReading(camera_pb2.DeleteReadingRequest(name=n)),
        "WatchQr.device": lambda n: next(
            iter(camera_stub.WatchQr(camera_pb2.WatchQrRequest(device=n), timeout=5))
        ),
        "GetJob.name": lambda n: printer_stub.GetJob(printer_pb2.GetJobRequest(name=n)),
        "RetryJob.name": lambda n: printer_stub.RetryJob(printer_pb2.RetryJobRequest(name=n)),
        "CancelJob.name": lambda n: printer_stub.CancelJob(printer_pb2.CancelJobRequest(name=n)),
        "PrintReceipt.order_id": lambda n: printer_stub.PrintReceipt(
            printer_pb2.PrintReceiptRequest(numbered_ticket=ticket, order_id=n)
        ),
        "PrintReceipt.numbered_ticket.counter": lambda n: printer_stub.PrintReceipt(
            printer_pb2.PrintReceiptRequest(numbered_ticket=printer_pb2.NumberedTicket(number=1, counter=n))
        ),
        "PrintReceipt.numbered_ticket.municipality": lambda n: printer_stub.PrintReceipt(
            printer_pb2.PrintReceiptRequest(
                numbered_ticket=printer_pb2.NumberedTicket(number=1, municipality=n)
            )
        ),
        "PrintReceipt.payment_slip.brand": lambda n: printer_stub.PrintReceipt(
            printer_pb2.PrintReceiptRequest(payment_slip=printer_pb2.PaymentSlip(order_id="o-1", brand=n))
        ),
        "PrintReceipt.payment_slip.method": lambda n: printer_stub.PrintReceipt(
            printer_pb2.PrintReceiptRequest(payment_slip=printer_pb2.PaymentSlip(order_id="o-1", method=n))
        ),
        "PrintReceipt.request_receipt.certificates.name": lambda n: printer_stub.PrintReceipt(
            printer_pb2.PrintReceiptRequest(request_receipt=_certificate_receipt(n))
        ),
        "PrintReceipt.payment_slip.items.subject": lambda n: printer_stub.PrintReceipt(
            printer_pb2.PrintReceiptRequest(
                payment_slip=printer_pb2.PaymentSlip(
                    order_id="o-1",
                    items=[printer_pb2.PaymentItem(subject=n, amount=common_pb2.Money(yen=300))],
                )
            )
        ),
        "PrintForms.order_id": lambda n: printer_stub.PrintForms(
            printer_pb2.PrintFormsRequest(pdf=b"%PDF-1.4", title="出生届", pages=1, order_id=n)
        ),
        "PrintForms.title": lambda n: printer_stub.PrintForms(
            printer_pb2.PrintFormsRequest(pdf=b"%PDF-1.4", title=n, pages=1)
        ),
        "PrintForms.title (a title, then the name)": lambda n: printer_stub.PrintForms(
            printer_pb2.PrintFormsRequest(pdf=b"%PDF-1.4", title=f"出生届 {n}", pages=1)
        ),
        "PrintStaffSlip.order_id": lambda n: printer_stub.PrintStaffSlip(
            printer_pb2.PrintStaffSlipRequest(unknown_payment_slip=printer_pb2.UnknownPaymentSlip(order_id=n))
        ),
    }


def _certificate_receipt(name: str) -> printer_pb2.CertificateRequestReceipt:
    line = printer_pb2.CertificateLine(name=name, copies=1, fee_per_copy=common_pb2.Money(yen=300))
    return printer_pb2.CertificateRequestReceipt(reception_number="0001", certificates=[line])


def _sale(stub: payment_pb2_grpc.PaymentServiceStub, order_id: str, fee_code: str, subject: str) -> None:
    line = payment_pb2.FeeLine(
        fee_code=fee_code, subject=subject, quantity=1, unit_price=common_pb2.Money(yen=300)
    )
    request = payment_pb2.SaleRequest(
        order_id=order_id,
        amount=common_pb2.Money(yen=300),
        lines=[line],
        method=payment_pb2.PAYMENT_METHOD_CREDIT,
    )
    list(stub.Sale(request, timeout=30))


def _payment_calls(stub: payment_pb2_grpc.PaymentServiceStub) -> dict[str, Callable[[str], Any]]:
    order = f"privacy-typed-{time.monotonic_ns()}"
    return {
        "Sale.order_id": lambda n: _sale(stub, n, "juminhyo", "住民票"),
        "Sale.lines.fee_code": lambda n: _sale(stub, order, n, "住民票"),
        "Sale.lines.fee_code (unknown code)": lambda n: _sale(stub, order, "not_a_fee", "住民票"),
        "Sale.lines.subject": lambda n: _sale(stub, order, "juminhyo", n),
        "GetPayment.name": lambda n: stub.GetPayment(payment_pb2.GetPaymentRequest(name=f"payments/{n}")),
        "VoidPayment.name": lambda n: stub.VoidPayment(payment_pb2.VoidPaymentRequest(name=f"payments/{n}")),
        "RefundPayment.name": lambda n: stub.RefundPayment(
            payment_pb2.RefundPaymentRequest(name=f"payments/{n}")
        ),
        "CommitPayment.name": lambda n: stub.CommitPayment(
            payment_pb2.CommitPaymentRequest(name=f"payments/{n}")
        ),
        "CommitPayment.issued_job": lambda n: stub.CommitPayment(
            payment_pb2.CommitPaymentRequest(name=f"payments/{order}", issued_job=n)
        ),
        "ListPayments.page_token": lambda n: stub.ListPayments(payment_pb2.ListPaymentsRequest(page_token=n)),
        "ResolvePayment.name": lambda n: stub.ResolvePayment(
            payment_pb2.ResolvePaymentRequest(
                name=f"payments/{n}", outcome=payment_pb2.PAYMENT_STATE_DECLINED
            )
        ),
        "ResolvePayment.resolution": lambda n: stub.ResolvePayment(
            payment_pb2.ResolvePaymentRequest(
                name=f"payments/{order}", outcome=payment_pb2.PAYMENT_STATE_DECLINED, resolution=n
            )
        ),
    }


def resolve_with_a_name_in_the_note(bench: PrivacyBench, unknown: payment_pb2.Payment) -> payment_pb2.Payment:
    """Staff write 「鷲尾様」 in the note of a payment they resolve: accepted, kept nowhere."""
    member = bench.holders[0]
    request = payment_pb2.ResolvePaymentRequest(
        name=unknown.name,
        outcome=payment_pb2.PAYMENT_STATE_DECLINED,
        resolution="terminal_journal",
        staff_note=f"{member.family_name}\u3000{member.given_name}様 端末履歴で不成立を確認",
    )
    stub = payments(bench, "staff")
    resolved = wait_for(
        lambda: _try(lambda: stub.ResolvePayment(request, timeout=5)), lambda p: p is not None, timeout=15
    )
    assert resolved is not None, "the UNKNOWN payment could not be resolved"
    return cast(payment_pb2.Payment, resolved)


def _try(call: Callable[[], Any]) -> Any:
    """The call's answer, or None while it is refused as FAILED_PRECONDITION (settlement pending)."""
    try:
        return call()
    except grpc.RpcError as error:
        if error.code() != grpc.StatusCode.FAILED_PRECONDITION:
            raise
        return None
