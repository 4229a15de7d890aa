"""The resident flows the soak runs beside its clients: a 書かない窓口 visit and a certificate request."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import json
import urllib.request
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass

import grpc
from kiosk.v1 import (
    card_pb2,
    card_pb2_grpc,
    certificate_pb2,
    certificate_pb2_grpc,
    common_pb2,
    payment_pb2,
    payment_pb2_grpc,
    visit_pb2,
    visit_pb2_grpc,
)

from simulators.personas import persona

CARD_PERSONA = "P1"
READER_URI = "pcsc://Virtual%20PCD%2000%2000"


def post_control(control: str, action: str, body: dict[str, object]) -> None:
    """POST one action to a simulator's loopback control API."""
    request = urllib.request.Request(f"{control}/{action}", data=json.dumps(body).encode(), method="POST")
    with urllib.request.urlopen(request, timeout=5):
        pass


@dataclass
class Rig:
    """What flows reach besides the daemon: the card simulator's control API (certificate flow only)."""

    card_control: str = ""


Flow = Callable[[grpc.aio.Channel, Rig], Awaitable[None]]


async def visit_flow(channel: grpc.aio.Channel, rig: Rig) -> None:
    """書かない窓口: a 転入 visit for one person, every question answered, evaluated, completed."""
    stub = visit_pb2_grpc.VisitServiceStub(channel)
    request = visit_pb2.CreateVisitRequest(
        life_event=visit_pb2.LIFE_EVENT_TENNYU, event_date=dt.date.today().isoformat()
    )
    visit = (await stub.CreateVisit(request, timeout=10)).name
    member = visit_pb2.MemberInput(
        relationship="世帯主",
        name="負荷 試験",  # synthetic, like every persona
        furigana="フカ シケン",
        birth_date="1980-04-01",
        sex=common_pb2.SEX_FEMALE,
        has_mn_card=True,
    )
    await stub.AddMember(visit_pb2.AddMemberRequest(visit=visit, member=member), timeout=10)
    pending = await stub.ListPendingQuestions(visit_pb2.ListPendingQuestionsRequest(visit=visit), timeout=10)
    for _ in range(100):
        if not pending.questions:
            break
        question = pending.questions[0]
        answer = visit_pb2.AnswerQuestionRequest(
            visit=visit, question_id=question.question_id, person_id=question.person_id
        )
        if question.kind == visit_pb2.ANSWER_KIND_COUNT:
            answer.count_value = 0
        elif question.kind == visit_pb2.ANSWER_KIND_CHOICE:
            answer.choice_value = question.choices[0] if question.choices else ""
        elif question.kind in (visit_pb2.ANSWER_KIND_MEMBERS, visit_pb2.ANSWER_KIND_MULTI_CHOICE):
            answer.values_value.SetInParent()  # none of them
        else:
            answer.bool_value = False
        pending = await stub.AnswerQuestion(answer, timeout=10)
    else:
        raise RuntimeError("the questionnaire did not end after 100 answers")
    evaluation = await stub.EvaluateVisit(visit_pb2.EvaluateVisitRequest(visit=visit), timeout=10)
    if not evaluation.procedures:
        raise RuntimeError("a 転入 visit produced no procedure")
    await stub.CompleteVisit(visit_pb2.CompleteVisitRequest(visit=visit, satisfaction=9), timeout=10)


async def _card_presence(events: AsyncIterator[card_pb2.CardEvent], presence: int) -> card_pb2.CardEvent:
    async for event in events:
        if event.presence == presence:
            return event
    raise RuntimeError(f"WatchCard ended before {card_pb2.CardPresence.Name(presence)}")


async def certificate_flow(channel: grpc.aio.Channel, rig: Rig) -> None:
    """Card in → PIN status → basic info → 交付請求書 created and printed → sale → commit → card out."""
    card = card_pb2_grpc.CardServiceStub(channel)
    desk = certificate_pb2_grpc.CertificateServiceStub(channel)
    payments = payment_pb2_grpc.PaymentServiceStub(channel)
    watch = card.WatchCard(card_pb2.WatchCardRequest(), timeout=60)
    events = aiter(watch)
    try:
        await asyncio.wait_for(
            _card_presence(events, card_pb2.CARD_PRESENCE_NO_CARD), 15
        )  # the current state first
        await asyncio.to_thread(post_control, rig.card_control, "insert", {"persona": CARD_PERSONA})
        session = (
            await asyncio.wait_for(_card_presence(events, card_pb2.CARD_PRESENCE_MY_NUMBER_CARD), 15)
        ).session
        status = await card.GetPinStatus(card_pb2.GetPinStatusRequest(), timeout=10)
        if status.text_tries_left < 3:
            raise RuntimeError(f"text PIN tries left: {status.text_tries_left}")
        pin = persona(CARD_PERSONA).text_pin or ""
        await card.ReadBasicInfo(card_pb2.ReadBasicInfoRequest(pin=pin), timeout=20)
        create = certificate_pb2.CreateCertificateRequestRequest(
            session=session, kind=certificate_pb2.CERTIFICATE_KIND_JUMINHYO, copies=1
        )
        request = await desk.CreateCertificateRequest(create, timeout=20)
        printed = await desk.PrintCertificateRequest(
            certificate_pb2.PrintCertificateRequestRequest(name=request.name), timeout=30
        )
        line = payment_pb2.FeeLine(
            fee_code="juminhyo",
            subject="住民票",
            quantity=request.copies,
            unit_price=request.fee_per_copy,
        )
        sale = payment_pb2.SaleRequest(
            order_id=request.order_id,
            amount=request.total_fee,
            lines=[line],
            method=payment_pb2.PAYMENT_METHOD_CREDIT,
        )
        paid = payment_pb2.Payment()
        async for update in payments.Sale(sale, timeout=30):
            if update.HasField("payment"):
                paid = update.payment
        if paid.state != payment_pb2.PAYMENT_STATE_APPROVED:
            raise RuntimeError(f"sale ended {payment_pb2.PaymentState.Name(paid.state)}")
        commit = payment_pb2.CommitPaymentRequest(
            name=f"payments/{request.order_id}", issued_job=printed.jobs[0], timeout_s=30
        )
        committed = await payments.CommitPayment(commit, timeout=40)
        if committed.state != payment_pb2.PAYMENT_STATE_COMMITTED:
            raise RuntimeError(f"commit ended {payment_pb2.PaymentState.Name(committed.state)}")
    finally:  # the card comes out whatever happened, so the next run starts from an empty reader
        await asyncio.to_thread(post_control, rig.card_control, "remove", {})
        with contextlib.suppress(Exception):
            await asyncio.wait_for(_card_presence(events, card_pb2.CARD_PRESENCE_NO_CARD), 15)
        watch.cancel()


#: Complete resident flows, each run in a loop beside the clients.
FLOWS: dict[str, Flow] = {"visit": visit_flow, "certificate": certificate_flow}
