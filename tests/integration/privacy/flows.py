"""The flows of the privacy proof, each through the daemon's gRPC API as the kiosk or staff would run them."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable
from typing import Any, cast

import grpc
from kiosk.v1 import (
    camera_pb2,
    camera_pb2_grpc,
    card_pb2,
    card_pb2_grpc,
    frontyard_pb2_grpc,
    payment_pb2,
    payment_pb2_grpc,
    printer_pb2,
    printer_pb2_grpc,
)
from kiosk.v1 import frontyard_pb2 as fy

from simulators.licence_card.personas import LicencePersona
from simulators.personas import Persona
from tests.support import fault_steps as steps
from tests.support.waiting import read_until

from .conftest import PrivacyBench

SEXES = {"male": fy.MEMBER_SEX_MALE, "female": fy.MEMBER_SEX_FEMALE}


def wait_for(read: Callable[[], Any], ok: Callable[[Any], bool], timeout: float = 20) -> Any:
    return read_until(read, ok, timeout=timeout)


def card(bench: PrivacyBench, role: str = "kiosk") -> card_pb2_grpc.CardServiceStub:
    return card_pb2_grpc.CardServiceStub(bench.running().channel(role))


def frontyard(bench: PrivacyBench, role: str = "kiosk") -> frontyard_pb2_grpc.FrontyardServiceStub:
    return frontyard_pb2_grpc.FrontyardServiceStub(bench.running().channel(role))


def payments(bench: PrivacyBench, role: str = "kiosk") -> payment_pb2_grpc.PaymentServiceStub:
    return payment_pb2_grpc.PaymentServiceStub(bench.running().channel(role))


def insert(bench: PrivacyBench, member: Persona) -> str:
    assert bench.watch is not None
    bench.card.post("insert", persona=member.id)
    return str(bench.watch.expect(card_pb2.MY_NUMBER_CARD).session)


def remove(bench: PrivacyBench) -> None:
    assert bench.watch is not None
    bench.card.post("remove")
    bench.watch.expect(card_pb2.NO_CARD)


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
    line = payment_pb2.FeeLine(fee_code="juminhyo", subject="住民票", quantity=copies, unit_price_yen=fee)
    request = payment_pb2.SaleRequest(
        order_id=order_id, amount_yen=copies * fee, lines=[line], method=payment_pb2.PAYMENT_METHOD_CREDIT
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
    purpose = card_pb2.ReadMyNumberRequest(pin=member.text_pin, purpose="住民票 個人番号記載の確認")
    assert card(bench, "staff").ReadMyNumber(purpose).my_number == member.my_number
    auth = card(bench).AuthenticateResident(card_pb2.AuthenticateResidentRequest(pin=member.auth_pin))
    assert auth.signature_valid
    request = frontyard(bench).CreateCertificateRequest(
        fy.CreateCertificateRequestRequest(session=session, kind=fy.CERTIFICATE_KIND_JUMINHYO, copies=1)
    )
    printed = frontyard(bench).PrintCertificateRequest(fy.PrintCertificateRequestRequest(name=request.name))
    assert printed.jobs
    paid = sale(bench, request.order_id, request.copies, request.fee_per_copy)
    assert paid.state == payment_pb2.PAYMENT_APPROVED, payment_pb2.PaymentState.Name(paid.state)
    remove(bench)


def answer_everything(stub: frontyard_pb2_grpc.FrontyardServiceStub, visit: str) -> None:
    pending = stub.ListPendingQuestions(fy.ListPendingQuestionsRequest(visit=visit)).questions
    for _ in range(200):
        if not pending:
            return
        question = pending[0]
        value: dict[str, Any] = {"bool_value": False}
        if question.kind == fy.ANSWER_KIND_COUNT:
            value = {"count_value": 0}
        elif question.kind == fy.ANSWER_KIND_CHOICE:
            value = {"choice_value": question.choices[0]}
        elif question.kind in (fy.ANSWER_KIND_MEMBERS, fy.ANSWER_KIND_MULTI_CHOICE):
            value = {"values_value": fy.AnswerValues()}  # none of them
        request = fy.AnswerQuestionRequest(
            visit=visit, question_id=question.question_id, person_id=question.person_id, **value
        )
        pending = stub.AnswerQuestion(request).questions
    raise AssertionError("the questionnaire does not converge")


def tennyu_visit(
    bench: PrivacyBench, household: tuple[Persona, ...], address: str, old: str, phone: str
) -> list[str]:
    """転入 of the reference household: card holders from card sessions, children typed; → applications."""
    kiosk = frontyard(bench)
    visit = kiosk.CreateVisit(fy.CreateVisitRequest(life_event=fy.LIFE_EVENT_TENNYU, event_date="2025-09-09"))
    for member in household:
        if member.has_card:
            session = insert(bench, member)
            read_basic_info(bench, member)
            kiosk.AddMember(
                fy.AddMemberRequest(
                    visit=visit.name, from_card_session=session, relationship=member.relationship
                )
            )
            remove(bench)
        else:
            typed = fy.MemberInput(
                relationship=member.relationship,
                name=member.full_name,
                furigana=f"{member.family_kana}\u3000{member.given_kana}",
                birth_date=member.birth_date,
                sex=SEXES[member.sex],
            )
            kiosk.AddMember(fy.AddMemberRequest(visit=visit.name, member=typed))
    facts = fy.HouseholdFacts(new_address=address, old_address=old, phone=phone)
    kiosk.SetHouseholdFacts(fy.SetHouseholdFactsRequest(visit=visit.name, facts=facts))
    answer_everything(kiosk, visit.name)
    evaluation = kiosk.EvaluateVisit(fy.EvaluateVisitRequest(visit=visit.name))
    assert evaluation.forms, "the 転入 visit needs forms"
    printed = kiosk.PrintVisitDocuments(fy.PrintVisitDocumentsRequest(visit=visit.name))
    assert printed.jobs
    completed = kiosk.CompleteVisit(fy.CompleteVisitRequest(visit=visit.name, satisfaction=8, ease_rating=4))
    return list(completed.applications)


def release_and_export(bench: PrivacyBench) -> fy.ExportApplicationsResponse:
    staff = frontyard(bench, "staff")
    waiting = staff.ListApplications(fy.ListApplicationsRequest(status=fy.APPLICATION_STATUS_AWAITING_CHECK))
    for application in waiting.applications:
        staff.ReleaseApplication(fy.ReleaseApplicationRequest(name=application.name, staff_id="privacy-1"))
    return staff.ExportApplications(fy.ExportApplicationsRequest())


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


def licence_flow(bench: PrivacyBench, licence: LicencePersona) -> fy.Visit:
    """A 運転免許証 on the reader: PIN status, ReadLicence, a 転入 member by licence, evaluation, cancel."""
    assert bench.watch is not None
    bench.card.post("insert_licence", persona=licence.id)
    event = bench.watch.expect(card_pb2.DRIVERS_LICENCE)
    stub = card(bench)
    stub.GetLicencePinStatus(card_pb2.GetLicencePinStatusRequest())
    if licence.pin:
        with contextlib.suppress(grpc.RpcError):  # a wrong PIN first: its error must not leak either
            stub.ReadLicence(card_pb2.ReadLicenceRequest(pin=wrong_pin(licence.pin)))
    read = stub.ReadLicence(card_pb2.ReadLicenceRequest(pin=licence.pin or ""))
    assert read.session == event.session
    kiosk = frontyard(bench)
    visit = kiosk.CreateVisit(fy.CreateVisitRequest(life_event=fy.LIFE_EVENT_TENNYU, event_date="2025-09-09"))
    visit = kiosk.AddMember(fy.AddMemberRequest(visit=visit.name, from_licence_session=read.session))
    kiosk.EvaluateVisit(fy.EvaluateVisitRequest(visit=visit.name))
    kiosk.CancelVisit(fy.CancelVisitRequest(visit=visit.name))
    remove(bench)
    return visit
