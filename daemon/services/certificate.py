"""kiosk.v1.CertificateService: らくらく窓口 certificate requests, and resolving a scanned reception QR."""

from __future__ import annotations

from typing import Any

import grpc
from kiosk.v1 import certificate_pb2 as pb
from kiosk.v1 import certificate_pb2_grpc

from frontyard.certificates import ChannelQuery, advise_channel
from frontyard.household import age_on

from .. import inputs
from ..errors import InvalidArgument, NotFound
from ..ports import SessionLookup
from ..visits import messages
from ..visits.flows import Frontyard, now
from .shared import card_holder, visit_message

Context = grpc.aio.ServicerContext[Any, Any]


class CertificateService(certificate_pb2_grpc.CertificateServiceServicer):
    def __init__(self, flows: Frontyard, sessions: SessionLookup) -> None:
        self.flows = flows
        self.sessions = sessions
        self.book = flows.book

    async def ListCertificates(
        self, request: pb.ListCertificatesRequest, context: Context
    ) -> pb.ListCertificatesResponse:
        return pb.ListCertificatesResponse(certificates=messages.certificate_types(self.flows.municipality))

    async def AdviseChannel(self, request: pb.AdviseChannelRequest, context: Context) -> pb.ChannelAdvice:
        moment = now()
        inputs.check(inputs.SESSION, "session", request.session, optional=True)
        has_card, knows_pin, age = request.has_card, request.knows_pin, request.age
        if request.session:
            holder = card_holder(self.sessions, request.session)
            has_card, knows_pin, age = True, True, age_on(holder.birth_date, moment.date())
        query = ChannelQuery(
            kind=self._kind(request.kind), now=moment, has_card=has_card, knows_pin=knows_pin,
            pin_locked=request.pin_locked, age=age, moved_in_today=request.moved_in_today,
            tenshutsu_filed=request.tenshutsu_filed, support_measure=request.support_measure,
            gaiji_or_long_text=request.gaiji_or_long_text,
            honseki_elsewhere_unregistered=request.honseki_elsewhere_unregistered,
        )  # fmt: skip
        return messages.advice(advise_channel(query, self.flows.municipality))

    def _kind(self, value: int) -> Any:
        kind = messages.CERTIFICATE_KINDS_BACK.get(value)
        if kind is None:
            raise InvalidArgument("certificate kind is required", reason="certificate_kind_required")
        return kind

    async def CreateCertificateRequest(
        self, request: pb.CreateCertificateRequestRequest, context: Context
    ) -> pb.CertificateRequest:
        inputs.check(inputs.SESSION, "session", request.session)
        holder = card_holder(self.sessions, request.session)
        kind = self._kind(request.kind)
        record = self.flows.desk.create(holder, kind, tuple(request.options), request.copies or 1, now())
        return messages.certificate_request(record)

    async def GetCertificateRequest(
        self, request: pb.GetCertificateRequestRequest, context: Context
    ) -> pb.CertificateRequest:
        inputs.check(inputs.CERTIFICATE_REQUEST, "name", request.name)
        return messages.certificate_request(self.flows.desk.get(request.name))

    async def PrintCertificateRequest(
        self, request: pb.PrintCertificateRequestRequest, context: Context
    ) -> pb.PrintCertificateRequestResponse:
        inputs.check(inputs.CERTIFICATE_REQUEST, "name", request.name)
        record = self.flows.desk.get(request.name)
        printed = await self.flows.print_certificate(record)
        return pb.PrintCertificateRequestResponse(
            jobs=list(printed.jobs),
            reception_code=printed.ticket.payload,
            ticket_number=printed.ticket.serial,
            order_id=record.order_id,
        )

    async def ResolveReception(
        self, request: pb.ResolveReceptionRequest, context: Context
    ) -> pb.ResolveReceptionResponse:
        ticket = self.flows.codes.resolve(request.code)
        visit = self.book.by_reception(ticket.payload)
        if visit is not None:
            _, docs = await self.flows.off_loop(self.flows.documents, visit.name)
            return pb.ResolveReceptionResponse(
                reception_id=visit.reception_id,
                visit=visit_message(self.book, visit.name),
                evaluation=messages.evaluation(visit.name, docs.evaluation, docs.checklist, docs.forms,
                                               docs.writing),
            )  # fmt: skip
        certificate = self.flows.desk.by_reception(ticket.payload)
        if certificate is not None:
            return pb.ResolveReceptionResponse(
                reception_id=f"{ticket.day:%Y%m%d}-{ticket.counter}-{ticket.serial:04d}",
                certificate_request=messages.certificate_request(certificate),
            )
        raise NotFound(
            "the reception is genuine but its visit has ended",
            reason="reception_not_found",
            message_ja="この受付はすでに終了しています。",
        )
