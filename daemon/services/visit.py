"""kiosk.v1.VisitService: 書かない窓口 visits, one per household and life event.

The household of a visit lives in memory (``daemon.visits.book``) until CompleteVisit or CancelVisit;
completed visits leave a KPI row and one outbox application per form (``daemon.visits.flows``).
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from typing import Any

import grpc
from kiosk.v1 import events_pb2, visit_pb2_grpc
from kiosk.v1 import visit_pb2 as pb

from drivers.licence import DriversLicence
from frontyard.household import RELATIONSHIPS, Person, Sex
from frontyard.lifeevents import life_events
from frontyard.questionnaire import AnswerValue
from frontyard.render import glyphs

from .. import inputs
from ..card.licence import session_licence
from ..errors import InvalidArgument
from ..ports import EventPublisher, ReadingLookup, SessionLookup
from ..visits import messages
from ..visits.book import CardHolder, parse_date
from ..visits.flows import Frontyard, now
from ..visits.licence_members import member_from_licence
from .shared import card_holder, visit_message

_LOGGER = logging.getLogger(__name__)

Context = grpc.aio.ServicerContext[Any, Any]


class VisitService(visit_pb2_grpc.VisitServiceServicer):
    def __init__(
        self, flows: Frontyard, events: EventPublisher, sessions: SessionLookup, readings: ReadingLookup
    ) -> None:
        self.flows = flows
        self.events = events
        self.sessions = sessions
        self.readings = readings
        self.book = flows.book

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
        return visit_message(self.book, record.name)

    async def GetVisit(self, request: pb.GetVisitRequest, context: Context) -> pb.Visit:
        inputs.check(inputs.VISIT, "name", request.name)
        return visit_message(self.book, request.name)

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
            holder = card_holder(self.sessions, request.from_card_session)
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
            return visit_message(self.book, request.visit)
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
        return visit_message(self.book, request.visit)

    async def SetHouseholdFacts(self, request: pb.SetHouseholdFactsRequest, context: Context) -> pb.Visit:
        inputs.check(inputs.VISIT, "visit", request.visit)
        facts = {field.name: value for field, value in request.facts.ListFields()}
        for key in ("head_person_id", "filer_person_id", "mother_person_id"):
            inputs.check(inputs.PERSON_ID, f"facts.{key}", facts.get(key, ""), optional=True)
        self.book.set_facts(request.visit, facts)
        return visit_message(self.book, request.visit)

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
