"""kiosk.v1.FrontyardService: 書かない窓口 visits, らくらく窓口 certificate requests, and the staff side.

The household of a visit lives in memory (``daemon.visits.book``) until CompleteVisit or CancelVisit;
completed visits leave a KPI row and one outbox application per form (``daemon.visits.flows``).
Configuration: ``[options.frontyard]`` (``daemon.visits.settings``).
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from pathlib import Path
from typing import Any

import grpc
from kiosk.v1 import events_pb2, frontyard_pb2_grpc
from kiosk.v1 import frontyard_pb2 as pb

from drivers.licence import DriversLicence
from frontyard.certificates import ChannelQuery, advise_channel
from frontyard.corrections import FieldCorrection
from frontyard.errors import CorrectionError
from frontyard.household import RELATIONSHIPS, Person, Sex, age_on
from frontyard.kpi import KpiRow
from frontyard.lifeevents import life_events
from frontyard.questionnaire import AnswerValue
from frontyard.render import glyphs

from .. import inputs
from ..card.licence import session_licence
from ..errors import FailedPrecondition, InvalidArgument, NotFound
from ..ports import EventPublisher, PrintSubmitter, ReadingLookup, SessionLookup
from ..staff.identity import staff_id_from
from ..visits import messages
from ..visits.book import CardHolder, parse_date
from ..visits.flows import Frontyard, now
from ..visits.licence_members import member_from_licence
from ..visits.settings import FrontyardSettings

_LOGGER = logging.getLogger(__name__)

Context = grpc.aio.ServicerContext[Any, Any]
_CARD_SEXES = {"1": Sex.MALE, "2": Sex.FEMALE}


class FrontyardService(frontyard_pb2_grpc.FrontyardServiceServicer):
    def __init__(
        self, flows: Frontyard, events: EventPublisher, sessions: SessionLookup, readings: ReadingLookup
    ) -> None:
        self.flows = flows
        self.events = events
        self.sessions = sessions
        self.readings = readings
        self.book = flows.book

    # --- helpers ---------------------------------------------------------------------------------------

    def _visit(self, name: str) -> pb.Visit:
        return messages.visit(self.book.get(name), len(self.book.pending(name)))

    def _card_holder(self, session_name: str) -> CardHolder:
        info = self.sessions.get(session_name).basic_info
        if info is None:
            raise FailedPrecondition(
                "the card's basic information has not been read in this session",
                reason="basic_info_not_read",
                message_ja="カードの情報をまだ読み取っていません。",
            )
        sex = _CARD_SEXES.get(str(getattr(info.sex, "value", info.sex)), Sex.UNSPECIFIED)
        return CardHolder(info.name, info.address, info.birth_date, sex)

    def _licence(self, session_name: str) -> DriversLicence:
        return session_licence(self.sessions.get(session_name))

    def _person_from_reading(self, reading_name: str, relationship: str) -> Person:
        """A member from a camera reading: confident fields only; the rest is left for staff."""
        reading = self.readings.get(reading_name)

        def confident(field_name: str) -> str | None:
            found = reading.value_of(field_name)
            return found.value if found is not None and found.value and not found.needs_confirmation else None

        birth_text = confident("birth_date")
        birth = parse_date(birth_text, "birth_date") if birth_text else None
        has_card = reading.doc_type == "my_number_card_front"
        return Person("", relationship, confident("name"), None, birth, Sex.UNSPECIFIED, has_card)

    def _pending(self, name: str) -> pb.ListPendingQuestionsResponse:
        record = self.book.get(name)
        questions = [messages.question(item, record) for item in self.book.pending(name)]
        return pb.ListPendingQuestionsResponse(questions=questions, answered=len(record.answered))

    # --- visits ----------------------------------------------------------------------------------------

    async def ListLifeEvents(
        self, request: pb.ListLifeEventsRequest, context: Context
    ) -> pb.ListLifeEventsResponse:
        return pb.ListLifeEventsResponse(life_events=[messages.life_event(info) for info in life_events()])

    async def CreateVisit(self, request: pb.CreateVisitRequest, context: Context) -> pb.Visit:
        event = messages.LIFE_EVENTS.get(request.life_event)
        if event is None:
            raise InvalidArgument(
                "life_event is required (see ListLifeEvents)",
                reason="life_event_required",
                message_ja="手続きの種類(ライフイベント)を選んでください。",
            )
        event_date = parse_date(request.event_date, "event_date")
        visit_date = parse_date(request.visit_date, "visit_date") if request.visit_date else dt.date.today()
        moment = now()
        arrived = request.arrive_time.ToDatetime(dt.UTC) if request.HasField("arrive_time") else None
        record = self.book.create(event, event_date, visit_date, moment, arrived)
        self.flows.visit_changed(record, "created")
        return self._visit(record.name)

    async def GetVisit(self, request: pb.GetVisitRequest, context: Context) -> pb.Visit:
        inputs.check(inputs.VISIT, "name", request.name)
        return self._visit(request.name)

    async def AddMember(self, request: pb.AddMemberRequest, context: Context) -> pb.Visit:
        inputs.check(inputs.VISIT, "visit", request.visit)
        inputs.check(inputs.SESSION, "from_card_session", request.from_card_session, optional=True)
        inputs.check(inputs.SESSION, "from_licence_session", request.from_licence_session, optional=True)
        inputs.check(inputs.READING, "from_document_reading", request.from_document_reading, optional=True)
        kinship = {"what": "relationship", "what_ja": "続柄の一覧から選択(例: 世帯主、妻、子)"}
        inputs.check_label(RELATIONSHIPS, "relationship", request.relationship, **kinship)
        inputs.check_label(RELATIONSHIPS, "member.relationship", request.member.relationship, **kinship)
        record = self.book.get(request.visit)
        first = not record.household.members
        if request.HasField("from_card_session"):
            holder = self._card_holder(request.from_card_session)
            relationship = request.relationship or ("世帯主" if first else "")
            person = Person("", relationship, holder.name, None, holder.birth_date, holder.sex, True)
            card: CardHolder | None = holder
        elif request.HasField("from_licence_session"):
            relationship = request.relationship or ("世帯主" if first else "")
            read = member_from_licence(self._licence(request.from_licence_session), relationship)
            if not read.person.relationship:
                glyphs.release(read.glyph_chars)
                raise InvalidArgument("relationship is required", reason="relationship_required",
                                      message_ja="続柄を選んでください。")  # fmt: skip
            self.book.add_member(request.visit, read.person, None, now(), licence_address=read.address,
                                 glyph_chars=read.glyph_chars)  # fmt: skip
            return self._visit(request.visit)
        elif request.HasField("from_document_reading"):
            relationship = request.relationship or ("世帯主" if first else "")
            person = self._person_from_reading(request.from_document_reading, relationship)
            card = None
        elif request.HasField("member"):
            typed = request.member
            relationship = typed.relationship or request.relationship or ("世帯主" if first else "")
            birth = parse_date(typed.birth_date, "birth_date") if typed.birth_date else None
            grade = typed.school_grade if typed.HasField("school_grade") else None
            if grade is not None and not 0 <= grade <= 9:
                raise InvalidArgument(
                    "school_grade must be 0-9",
                    reason="school_grade_out_of_range",
                    message_ja="学年は0〜9(小1〜中3、0は未就学)で入力してください。",
                )
            person = Person("", relationship, typed.name or None, typed.furigana or None, birth,
                            messages.SEXES_BACK.get(typed.sex, Sex.UNSPECIFIED), typed.has_mn_card,
                            newborn=typed.newborn, school_grade=grade)  # fmt: skip
            card = None
        else:
            raise InvalidArgument(
                "give member, from_card_session, from_licence_session or from_document_reading",
                reason="member_required",
            )
        if not person.relationship:
            raise InvalidArgument("relationship is required", reason="relationship_required",
                                  message_ja="続柄を選んでください。")  # fmt: skip
        self.book.add_member(request.visit, person, card, now())
        return self._visit(request.visit)

    async def SetHouseholdFacts(self, request: pb.SetHouseholdFactsRequest, context: Context) -> pb.Visit:
        inputs.check(inputs.VISIT, "visit", request.visit)
        facts = {field.name: value for field, value in request.facts.ListFields()}
        for key in ("head_person_id", "filer_person_id", "mother_person_id"):
            inputs.check(inputs.PERSON_ID, f"facts.{key}", facts.get(key, ""), optional=True)
        self.book.set_facts(request.visit, facts)
        return self._visit(request.visit)

    async def ListPendingQuestions(
        self, request: pb.ListPendingQuestionsRequest, context: Context
    ) -> pb.ListPendingQuestionsResponse:
        inputs.check(inputs.VISIT, "visit", request.visit)
        return self._pending(request.visit)

    async def AnswerQuestion(
        self, request: pb.AnswerQuestionRequest, context: Context
    ) -> pb.ListPendingQuestionsResponse:
        inputs.check(inputs.VISIT, "visit", request.visit)
        inputs.check(inputs.QUESTION_ID, "question_id", request.question_id)
        inputs.check(inputs.PERSON_ID, "person_id", request.person_id, optional=True)
        which = request.WhichOneof("value")
        if which == "choice_value":
            inputs.check(inputs.CHOICE, "choice_value", request.choice_value)
        inputs.check_all(inputs.CHOICE, "values_value.values", request.values_value.values)
        if which is None:
            raise InvalidArgument("an answer value is required", reason="answer_required")
        value: AnswerValue
        if which == "unknown":
            if not request.unknown:
                raise InvalidArgument("unknown must be true when set", reason="answer_required")
            value = None
        elif which == "values_value":
            value = tuple(request.values_value.values)
        else:
            value = getattr(request, which)
        self.book.answer(request.visit, request.question_id, value, request.person_id or None)
        return self._pending(request.visit)

    async def EvaluateVisit(self, request: pb.EvaluateVisitRequest, context: Context) -> pb.VisitEvaluation:
        inputs.check(inputs.VISIT, "visit", request.visit)
        record, docs = await self.flows.off_loop(self.flows.documents, request.visit)
        return messages.evaluation(record.name, docs.evaluation, docs.checklist, docs.forms, docs.writing)

    async def PrintVisitDocuments(
        self, request: pb.PrintVisitDocumentsRequest, context: Context
    ) -> pb.PrintVisitDocumentsResponse:
        inputs.check(inputs.VISIT, "visit", request.visit)
        printed = await self.flows.print_visit(request.visit)
        return pb.PrintVisitDocumentsResponse(
            jobs=list(printed.jobs),
            reception_code=printed.ticket.payload,
            reception_id=self.book.get(request.visit).reception_id,
            forms=printed.forms,
            pages=printed.pages,
        )

    async def CompleteVisit(
        self, request: pb.CompleteVisitRequest, context: Context
    ) -> pb.CompleteVisitResponse:
        inputs.check(inputs.VISIT, "visit", request.visit)
        ratings = (request.satisfaction, request.time_rating, request.ease_rating)
        if not (0 <= ratings[0] <= 10 and 0 <= ratings[1] <= 5 and 0 <= ratings[2] <= 5):
            raise InvalidArgument("ratings: satisfaction 0-10, others 0-5", reason="rating_out_of_range")
        applications = await self.flows.complete_visit(request.visit, ratings)
        self._forget_readings(request.visit)
        return pb.CompleteVisitResponse(applications=list(applications))

    async def CancelVisit(self, request: pb.CancelVisitRequest, context: Context) -> pb.CancelVisitResponse:
        inputs.check(inputs.VISIT, "visit", request.visit)
        self.flows.cancel_visit(request.visit)
        self._forget_readings(request.visit)
        return pb.CancelVisitResponse()

    async def CallStaff(self, request: pb.CallStaffRequest, context: Context) -> pb.CallStaffResponse:
        screen_key = inputs.check(inputs.SCREEN_KEY, "screen", request.screen, optional=True)
        reason = inputs.check(inputs.SCREEN_KEY, "reason", request.reason, optional=True)
        name = f"staffCalls/{uuid.uuid4().hex[:12]}"
        _LOGGER.info("staff called", extra={"call": name, "screen": screen_key, "reason": reason})
        self.events.publish(
            events_pb2.Event(staff_called=pb.StaffCalled(name=name, screen=screen_key, reason=reason))
        )
        return pb.CallStaffResponse(name=name)

    def _forget_readings(self, visit: str) -> None:
        self.readings.drop_visit(visit)

    # --- certificates ------------------------------------------------------------------------------------

    async def ListCertificates(
        self, request: pb.ListCertificatesRequest, context: Context
    ) -> pb.ListCertificatesResponse:
        return pb.ListCertificatesResponse(certificates=messages.certificate_types(self.flows.municipality))

    def _kind(self, value: int) -> Any:
        kind = messages.CERTIFICATE_KINDS_BACK.get(value)
        if kind is None:
            raise InvalidArgument("certificate kind is required", reason="certificate_kind_required")
        return kind

    async def AdviseChannel(self, request: pb.AdviseChannelRequest, context: Context) -> pb.ChannelAdvice:
        moment = now()
        inputs.check(inputs.SESSION, "session", request.session, optional=True)
        has_card, knows_pin, age = request.has_card, request.knows_pin, request.age
        if request.session:
            holder = self._card_holder(request.session)
            has_card, knows_pin, age = True, True, age_on(holder.birth_date, moment.date())
        query = ChannelQuery(
            kind=self._kind(request.kind), now=moment, has_card=has_card, knows_pin=knows_pin,
            pin_locked=request.pin_locked, age=age, moved_in_today=request.moved_in_today,
            tenshutsu_filed=request.tenshutsu_filed, support_measure=request.support_measure,
            gaiji_or_long_text=request.gaiji_or_long_text,
            honseki_elsewhere_unregistered=request.honseki_elsewhere_unregistered,
        )  # fmt: skip
        return messages.advice(advise_channel(query, self.flows.municipality))

    async def CreateCertificateRequest(
        self, request: pb.CreateCertificateRequestRequest, context: Context
    ) -> pb.CertificateRequest:
        inputs.check(inputs.SESSION, "session", request.session)
        holder = self._card_holder(request.session)
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

    # --- staff -------------------------------------------------------------------------------------------

    async def ResolveReception(
        self, request: pb.ResolveReceptionRequest, context: Context
    ) -> pb.ResolveReceptionResponse:
        ticket = self.flows.codes.resolve(request.code)
        visit = self.book.by_reception(ticket.payload)
        if visit is not None:
            _, docs = await self.flows.off_loop(self.flows.documents, visit.name)
            return pb.ResolveReceptionResponse(
                reception_id=visit.reception_id,
                visit=self._visit(visit.name),
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

    async def ListApplications(
        self, request: pb.ListApplicationsRequest, context: Context
    ) -> pb.ListApplicationsResponse:
        status = messages.STATUSES_BACK.get(request.status)
        packages = sorted(self.flows.outbox.list(status), key=lambda package: package.created_at)
        return pb.ListApplicationsResponse(applications=[messages.application(p) for p in packages])

    async def GetApplication(self, request: pb.GetApplicationRequest, context: Context) -> pb.Application:
        inputs.check(inputs.APPLICATION, "name", request.name)
        # A direct read: one small SQLite row, and no executor future left holding the package afterwards.
        package = self.flows.outbox.get(request.name.removeprefix("applications/"))
        return messages.application(package, with_form=True)

    async def CorrectApplication(
        self, request: pb.CorrectApplicationRequest, context: Context
    ) -> pb.Application:
        inputs.check(inputs.APPLICATION, "name", request.name)
        # a typed id is checked even though the signed-in person wins: a name is refused here too
        inputs.check(inputs.STAFF_ID, "staff_id", request.staff_id, optional=True)
        staff_id = staff_id_from(context) or request.staff_id  # the signed-in person wins (daemon.staff)
        if not staff_id:
            raise InvalidArgument("staff_id is required", reason="staff_id_required")
        inputs.check(inputs.STAFF_ID, "staff_id", staff_id)
        inputs.check_all(inputs.FIELD_KEY, "corrections.key", (item.key for item in request.corrections))
        corrections = [
            FieldCorrection(item.key, item.value, item.furigana if item.HasField("furigana") else None)
            for item in request.corrections
        ]
        try:
            package = await self.flows.off_loop(self.flows.correct, request.name, staff_id, corrections)
        except CorrectionError as exc:
            raise InvalidArgument(str(exc), reason=exc.reason, message_ja=exc.message_ja) from exc
        _LOGGER.info(
            "application corrected",
            extra={"application": request.name, "fields": list(package.summary.corrected_fields)},
        )
        self.flows.application_changed(package.summary)
        return messages.application(package, with_form=True)

    async def ReleaseApplication(
        self, request: pb.ReleaseApplicationRequest, context: Context
    ) -> pb.Application:
        inputs.check(inputs.APPLICATION, "name", request.name)
        # a typed id is checked even though the signed-in person wins: a name is refused here too
        inputs.check(inputs.STAFF_ID, "staff_id", request.staff_id, optional=True)
        staff_id = staff_id_from(context) or request.staff_id  # the signed-in person wins (daemon.staff)
        if not staff_id:
            raise InvalidArgument("staff_id is required", reason="staff_id_required")
        inputs.check(inputs.STAFF_ID, "staff_id", staff_id)
        return messages.application(self.flows.release(request.name, staff_id))

    async def ExportApplications(
        self, request: pb.ExportApplicationsRequest, context: Context
    ) -> pb.ExportApplicationsResponse:
        exported, purged = await self.flows.off_loop(self.flows.export)
        return pb.ExportApplicationsResponse(
            applications=list(exported), directory=str(self.flows.settings.export_dir), purged=purged
        )

    async def GetKpiReport(self, request: pb.GetKpiReportRequest, context: Context) -> pb.KpiReport:
        rows: tuple[KpiRow, ...] = self.flows.kpis.report(self.flows.municipality)
        report = pb.KpiReport(rows=[messages.kpi_row(row) for row in rows])
        before = self.flows.municipality.report_writes_before
        after = self.flows.municipality.report_writes_after
        if before is not None:
            report.report_writes_before.CopyFrom(messages.figures(before))
        if after is not None:
            report.report_writes_after.CopyFrom(messages.figures(after))
        baseline = self.flows.municipality.kpi_before
        if baseline is not None:
            report.before.CopyFrom(
                pb.KpiBaseline(
                    avg_wait_s=baseline.avg_wait_s,
                    avg_procedure_s=baseline.avg_procedure_s,
                    writes=baseline.writes,
                    source_ja=baseline.source,
                    unconfirmed=baseline.unknown,
                )
            )
        return report


class FrontyardServiceRunner:
    service_names = ("kiosk.v1.FrontyardService",)

    def __init__(
        self,
        settings: FrontyardSettings,
        storage_dir: Path,
        *,
        events: EventPublisher,
        printer: PrintSubmitter,
        sessions: SessionLookup,
        readings: ReadingLookup,
    ) -> None:
        self.flows = Frontyard(settings, storage_dir, events, printer)
        self.servicer = FrontyardService(self.flows, events, sessions, readings)

    def add_to_server(self, server: grpc.aio.Server) -> None:
        frontyard_pb2_grpc.add_FrontyardServiceServicer_to_server(self.servicer, server)

    async def start(self) -> None:
        """Purge exported applications past their retention period."""
        self.flows.purge(now())

    async def stop(self) -> None:
        """Visits in memory are dropped (by design); the outbox and KPIs are already on disk."""
        self.flows.close()
