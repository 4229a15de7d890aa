"""Visits of the 書かない窓口: one household record per visit, in memory only, thread-safe.

A visit starts empty (``create``), gains members (typed, or from a card session's 基本4情報), household
facts and questionnaire answers, and is evaluated at any time. ``take`` removes it (complete or cancel):
the household is gone from memory. Visits older than ``ttl`` are dropped on the next ``create``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import threading
import uuid
from dataclasses import dataclass, field

from frontyard import questionnaire
from frontyard.household import Household, LifeEvent, Person, Sex
from frontyard.lifeevents import Evaluation, evaluate
from frontyard.municipality import Municipality
from frontyard.questionnaire import AnswerValue, PendingQuestion
from frontyard.reception import ReceptionTicket
from frontyard.render import glyphs

from ..errors import FailedPrecondition, InvalidArgument, NotFound

MAX_MEMBERS = 20
MOVES = (LifeEvent.TENNYU, LifeEvent.TENKYO, LifeEvent.TENSHUTSU)  # the card shows the address moved from
FACT_FIELDS = ("new_address", "old_address", "phone", "bank_account", "vehicle_number")
ROLE_FIELDS = {"head_person_id": "head_id", "filer_person_id": "filer_id", "mother_person_id": "mother_id"}


class VisitStatus(enum.StrEnum):
    OPEN = "open"
    PRINTED = "printed"


@dataclass
class VisitRecord:
    visit_id: str
    household: Household
    arrived: dt.datetime
    started: dt.datetime
    status: VisitStatus = VisitStatus.OPEN
    answered: set[tuple[str, str | None]] = field(default_factory=set)
    card_person_ids: set[str] = field(default_factory=set)
    licence_person_ids: set[str] = field(default_factory=set)
    glyph_chars: set[str] = field(default_factory=set)  # 外字 images registered for this visit's names
    card_read: dt.datetime | None = None
    printed: dt.datetime | None = None
    forms_printed: int = 0
    reception: ReceptionTicket | None = None

    @property
    def name(self) -> str:
        return f"visits/{self.visit_id}"

    @property
    def reception_id(self) -> str:
        return reception_id(self.reception) if self.reception is not None else ""


def reception_id(ticket: ReceptionTicket) -> str:
    """The reception's printable id, e.g. ``20250909-SHIMIN-0042`` (no personal data)."""
    return f"{ticket.day:%Y%m%d}-{ticket.counter}-{ticket.serial:04d}"


@dataclass(frozen=True)
class CardHolder:
    """What a card session's BasicInfo gives a member (held in memory only)."""

    name: str
    address: str
    birth_date: dt.date
    sex: Sex


def parse_date(text: str, what: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise InvalidArgument(
            f"{what} must be an ISO date (YYYY-MM-DD)",
            reason="invalid_date",
            message_ja="日付の形式が正しくありません。",
        ) from None


class VisitBook:
    def __init__(self, municipality: Municipality, ttl: dt.timedelta = dt.timedelta(hours=10)) -> None:
        self.municipality = municipality
        self.ttl = ttl
        self._lock = threading.RLock()
        self._visits: dict[str, VisitRecord] = {}

    # --- lifecycle ---------------------------------------------------------------------------------------

    def create(
        self, event: LifeEvent, event_date: dt.date, visit_date: dt.date, now: dt.datetime,
        arrived: dt.datetime | None = None,
    ) -> VisitRecord:  # fmt: skip
        if event is LifeEvent.NONE:
            raise InvalidArgument("life_event is required", reason="life_event_required")
        household = Household(event, event_date, (), "", "", visit_date=visit_date)
        record = VisitRecord(uuid.uuid4().hex, household, min(arrived or now, now), now)
        with self._lock:
            self._expire(now)
            self._visits[record.visit_id] = record
        return record

    def _expire(self, now: dt.datetime) -> None:
        for visit_id in [v for v, record in self._visits.items() if now - record.started > self.ttl]:
            glyphs.release(self._visits.pop(visit_id).glyph_chars)

    def get(self, name: str) -> VisitRecord:
        visit_id = name.removeprefix("visits/")
        with self._lock:
            record = self._visits.get(visit_id)
        if record is None:
            raise NotFound(
                "no visit with this name (it ended or expired)",
                reason="visit_not_found",
                message_ja="受付が見つかりません。",
            )
        return record

    def take(self, name: str) -> VisitRecord:
        """Remove the visit from memory and return it one last time."""
        record = self.get(name)
        with self._lock:
            self._visits.pop(record.visit_id, None)
            glyphs.release(record.glyph_chars)
        return record

    def by_reception(self, payload: str) -> VisitRecord | None:
        with self._lock:
            for record in self._visits.values():
                if record.reception is not None and record.reception.payload == payload:
                    return record
        return None

    # --- members and facts -------------------------------------------------------------------------------

    def add_member(
        self,
        name: str,
        person: Person,
        card: CardHolder | None,
        now: dt.datetime,
        *,
        licence_address: str | None = None,
        glyph_chars: frozenset[str] = frozenset(),
    ) -> Person:
        """Add ``person``; ``card`` (基本4情報) or ``licence_address`` (a 運転免許証 read) also fill the
        address fact when it is empty. ``glyph_chars`` are released with the visit."""
        with self._lock:
            record = self.get(name)
            household = record.household
            if len(household.members) >= MAX_MEMBERS:
                raise FailedPrecondition("too many members", reason="too_many_members")
            person_id = f"p{len(household.members) + 1}"
            person = dataclasses.replace(person, person_id=person_id)
            changes: dict[str, object] = {"members": (*household.members, person)}
            if not household.head_id or person.relationship == "世帯主":
                changes["head_id"] = person_id
            if not household.filer_id:
                changes["filer_id"] = person_id
            if card is not None:
                record.card_person_ids.add(person_id)
                record.answered.add(("has_mn_card", person_id))
                record.card_read = record.card_read or now
                address_fact = "old_address" if household.event in MOVES else "new_address"
                if getattr(household, address_fact) is None:
                    changes[address_fact] = card.address
            if licence_address is not None:
                record.licence_person_ids.add(person_id)
                record.glyph_chars |= glyph_chars
                address_fact = "old_address" if household.event in MOVES else "new_address"
                if getattr(household, address_fact) is None:
                    changes[address_fact] = licence_address
            if person.newborn or person.has_mn_card is True:  # typed 「カードあり」 is an answer too
                record.answered.add(("has_mn_card", person_id))
            record.household = dataclasses.replace(household, **changes)  # type: ignore[arg-type]
            return person

    def set_facts(self, name: str, facts: dict[str, str]) -> None:
        """Set household facts by name (``FACT_FIELDS``, ``move_out_date``, ``*_person_id``)."""
        with self._lock:
            record = self.get(name)
            household = record.household
            member_ids = {person.person_id for person in household.members}
            changes: dict[str, object] = {}
            for key, value in facts.items():
                if key in FACT_FIELDS:
                    changes[key] = value or None
                elif key == "move_out_date":
                    changes[key] = parse_date(value, key) if value else None
                elif key in ROLE_FIELDS:
                    if value not in member_ids and not (key == "mother_person_id" and not value):
                        raise InvalidArgument(f"{key}: no such member", reason="member_not_found")
                    changes[ROLE_FIELDS[key]] = value or None
                else:
                    raise InvalidArgument("facts: an unknown household fact", reason="unknown_fact")
            record.household = dataclasses.replace(household, **changes)  # type: ignore[arg-type]

    # --- questionnaire and evaluation ----------------------------------------------------------------------

    def pending(self, name: str) -> tuple[PendingQuestion, ...]:
        with self._lock:
            record = self.get(name)
            return questionnaire.pending(record.household, self.municipality, record.answered)

    def answer(self, name: str, question_id: str, value: AnswerValue, person_id: str | None) -> None:
        with self._lock:
            record = self.get(name)
            record.household = questionnaire.answer(
                record.household, question_id, value, person_id, self.municipality, record.answered
            )
            record.answered.add((question_id, person_id))

    def evaluation(self, name: str) -> tuple[VisitRecord, Evaluation]:
        with self._lock:
            record = self.get(name)
            if not record.household.members:
                raise FailedPrecondition(
                    "add the household's members first",
                    reason="visit_has_no_members",
                    message_ja="世帯の方を登録してください。",
                )
            return record, evaluate(record.household, self.municipality)

    def mark_printed(self, name: str, ticket: ReceptionTicket, forms: int, now: dt.datetime) -> None:
        with self._lock:
            record = self.get(name)
            record.reception = ticket
            record.status = VisitStatus.PRINTED
            record.printed = record.printed or now
            record.forms_printed = forms

    def __len__(self) -> int:
        with self._lock:
            return len(self._visits)
