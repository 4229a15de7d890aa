"""Domain objects → kiosk.v1 frontyard messages (and the few enums back)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from google.protobuf.timestamp_pb2 import Timestamp
from kiosk.v1 import application_pb2, certificate_pb2, common_pb2, forms_pb2, visit_pb2

from frontyard.certificates import CATALOG, CertificateKind, ChannelAdvice, certificate_type, fee
from frontyard.documents import Checklist, FieldKind, FilledForm
from frontyard.household import LifeEvent, Person, Sex
from frontyard.kpi import KpiRow
from frontyard.lifeevents import Evaluation, LifeEventInfo
from frontyard.municipality import Municipality, WriteFigures
from frontyard.outbox import ApplicationPackage, PackageStatus, PackageSummary
from frontyard.questionnaire import (
    AnswerKind,
    PendingQuestion,
    person_label,
    question_text,
    relationship_label,
)
from frontyard.text import LocalizedText
from frontyard.writing import WritingCount

from .book import VisitRecord, VisitStatus
from .desk import CertificateRecord
from .licence_members import name_characters

LIFE_EVENTS: dict[Any, LifeEvent] = {
    visit_pb2.LifeEvent.Value(f"LIFE_EVENT_{event.name}"): event
    for event in LifeEvent
    if event is not LifeEvent.NONE
}
SEXES = {Sex.MALE: common_pb2.SEX_MALE, Sex.FEMALE: common_pb2.SEX_FEMALE}
SEXES_BACK = {value: key for key, value in SEXES.items()}
ANSWER_KINDS = {
    AnswerKind.BOOL: visit_pb2.ANSWER_KIND_BOOL,
    AnswerKind.COUNT: visit_pb2.ANSWER_KIND_COUNT,
    AnswerKind.CHOICE: visit_pb2.ANSWER_KIND_CHOICE,
    AnswerKind.MEMBERS: visit_pb2.ANSWER_KIND_MEMBERS,
    AnswerKind.MULTI: visit_pb2.ANSWER_KIND_MULTI_CHOICE,
}
FIELD_KINDS: dict[FieldKind, Any] = {
    kind: forms_pb2.FormFieldKind.Value(f"FORM_FIELD_KIND_{kind.name}") for kind in FieldKind
}
CERTIFICATE_KINDS: dict[CertificateKind, Any] = {
    kind: certificate_pb2.CertificateKind.Value(f"CERTIFICATE_KIND_{kind.name}") for kind in CertificateKind
}
CERTIFICATE_KINDS_BACK = {value: key for key, value in CERTIFICATE_KINDS.items()}
STATUSES: dict[PackageStatus, Any] = {
    status: application_pb2.ApplicationStatus.Value(f"APPLICATION_STATUS_{status.name}")
    for status in PackageStatus
}
STATUSES_BACK = {value: key for key, value in STATUSES.items()}
CHANNELS = {"konbini": certificate_pb2.ISSUE_CHANNEL_KONBINI, "window": certificate_pb2.ISSUE_CHANNEL_WINDOW}


def yen(amount: int) -> common_pb2.Money:
    return common_pb2.Money(yen=amount)


def timestamp(moment: dt.datetime | None) -> Timestamp | None:
    if moment is None:
        return None
    stamp = Timestamp()
    stamp.FromDatetime(moment)
    return stamp


def _date(day: dt.date | None) -> str:
    return day.isoformat() if day is not None else ""


def member(person: Person, from_card: bool, from_licence: bool = False) -> visit_pb2.Member:
    name, characters = name_characters(person.name or "")
    message = visit_pb2.Member(
        person_id=person.person_id,
        relationship=person.relationship,
        name=name,
        from_licence=from_licence,
        name_characters=characters,
        needs_confirmation=bool(characters),
        furigana=person.furigana or "",
        birth_date=_date(person.birth_date),
        sex=SEXES.get(person.sex, common_pb2.SEX_UNSPECIFIED),
        has_mn_card=person.has_mn_card is True,
        newborn=person.newborn,
        from_card=from_card,
    )
    if person.school_grade is not None:
        message.school_grade = person.school_grade
    return message


def visit(record: VisitRecord, pending_questions: int) -> visit_pb2.Visit:
    household = record.household
    facts = visit_pb2.HouseholdFacts(
        head_person_id=household.head_id,
        filer_person_id=household.filer_id,
        move_out_date=_date(household.move_out_date),
    )
    for key in ("new_address", "old_address", "phone", "bank_account", "vehicle_number"):
        value = getattr(household, key)
        if value is not None:
            setattr(facts, key, name_characters(value)[0])
    if household.mother_id:
        facts.mother_person_id = household.mother_id
    event = next(key for key, value in LIFE_EVENTS.items() if value is household.event)
    return visit_pb2.Visit(
        name=record.name,
        life_event=event,
        event_date=household.event_date.isoformat(),
        state=visit_pb2.VISIT_STATE_PRINTED
        if record.status is VisitStatus.PRINTED
        else visit_pb2.VISIT_STATE_OPEN,
        members=[
            member(p, p.person_id in record.card_person_ids, p.person_id in record.licence_person_ids)
            for p in household.members
        ],
        facts=facts,
        pending_questions=pending_questions,
        reception_code=record.reception.payload if record.reception else "",
        reception_id=record.reception_id,
        create_time=timestamp(record.arrived),
    )


def text(value: LocalizedText) -> visit_pb2.LocalizedText:
    return visit_pb2.LocalizedText(ja=value.ja, ja_easy=value.ja_easy, en=value.en)


def life_event(info: LifeEventInfo) -> visit_pb2.LifeEventInfo:
    code = next(key for key, value in LIFE_EVENTS.items() if value is info.event)
    return visit_pb2.LifeEventInfo(
        life_event=code,
        key=str(info.event),
        title=text(info.title),
        event_date_label=text(info.event_date_label),
    )


def question(item: PendingQuestion, record: VisitRecord) -> visit_pb2.Question:
    household = record.household
    person = household.member(item.person_id) if item.person_id else None
    asked = item.question
    if asked.kind is AnswerKind.MEMBERS:
        choices = [
            visit_pb2.Choice(value=pid, label=text(person_label(household.member(pid))))
            for pid in item.members
        ]
    else:
        choices = [
            visit_pb2.Choice(value=choice.value, label=text(choice.label)) for choice in asked.choice_specs
        ]
    message = visit_pb2.Question(
        question_id=asked.question_id,
        person_id=item.person_id or "",
        relationship=person.relationship if person else "",
        text_ja=question_text(asked, person).ja,
        kind=ANSWER_KINDS[asked.kind],
        choices=list(asked.choices),
        text=text(question_text(asked, person)),
        choice_list=choices,
        person_name=(person.name or "") if person else "",
        allows_unknown=asked.allows_unknown,
        staff_check=text(asked.staff_check),
        help=text(asked.help),
    )
    if person is not None:
        message.relationship_label.CopyFrom(text(relationship_label(person.relationship)))
    return message


def form(filled: FilledForm) -> forms_pb2.Form:
    fields = []
    for item in filled.fields:
        value = item.value
        fields.append(
            forms_pb2.FormField(
                key=item.key,
                label=item.label,
                kind=FIELD_KINDS[item.kind],
                value=value.isoformat()
                if isinstance(value, dt.date)
                else name_characters(value)[0]  # a licence 外字 shows as 〓 on screen, its image on paper
                if isinstance(value, str)
                else "",
                checked=value is True,
                furigana=item.furigana,
                required=item.required,
                missing=item.key in filled.missing,
                choices=list(item.choices),
            )
        )
    return forms_pb2.Form(
        form_id=filled.form_id,
        title=filled.title,
        procedure_id=filled.procedure_id,
        counter=filled.counter,
        fields=fields,
        missing=list(filled.missing),
        note=filled.note,
    )


def checklist(items: Checklist) -> visit_pb2.Checklist:
    return visit_pb2.Checklist(
        title=items.title,
        event_date=items.event_date.isoformat(),
        items=[
            visit_pb2.ChecklistItem(
                order=i.order,
                counter=i.counter,
                place=i.place,
                procedures=list(i.procedures),
                reasons=list(i.reasons),
                bring=list(i.bring),
                deadline=_date(i.deadline),
                outside=i.outside,
                procedure_ids=list(i.procedure_ids),
            )
            for i in items.items
        ],
        notes=list(items.notes),
        reception_code=items.reception_qr,
    )


def figures(value: WriteFigures) -> forms_pb2.WriteFigures:
    return forms_pb2.WriteFigures(
        name=value.name, address=value.address, phone=value.phone, birth_date=value.birth_date,
        total=value.total,
    )  # fmt: skip


def evaluation(
    name: str, result: Evaluation, items: Checklist, forms: tuple[FilledForm, ...], count: WritingCount
) -> visit_pb2.VisitEvaluation:
    procedures = [
        visit_pb2.Procedure(
            procedure_id=item.procedure_id,
            name_ja=item.procedure.name_ja,
            reason_ja=item.reason_ja,
            counter=item.counter.name,
            place=item.place,
            deadline=_date(item.deadline.date),
            deadline_label=item.deadline.label,
            unconfirmed=item.counter.unknown or item.deadline.unknown,
            person_ids=list(item.person_ids),
            bring=list(item.procedure.bring),
            form_id=item.procedure.form_id,
            name=text(item.procedure.name),
            reason=text(item.procedure.reason),
            conditional=item.conditional,
            guidance=item.procedure.guidance,
            source=item.procedure.source,
            confidence=item.procedure.confidence,
        )
        for item in result.procedures
    ]
    return visit_pb2.VisitEvaluation(
        visit=name,
        procedures=procedures,
        checklist=checklist(items),
        forms=[form(item) for item in forms],
        writing_count=visit_pb2.WritingCount(
            forms=count.forms, baseline=figures(count.baseline), ours=figures(count.ours), saved=count.saved
        ),
    )


def certificate_types(municipality: Municipality) -> list[certificate_pb2.CertificateType]:
    found = []
    for item in CATALOG:
        price = fee(item.kind, municipality)
        found.append(
            certificate_pb2.CertificateType(
                kind=CERTIFICATE_KINDS[item.kind], name_ja=item.name_ja, konbini=item.konbini,
                koseki=item.koseki,
                options=list(item.options), window_fee=yen(price.window), konbini_fee=yen(price.konbini),
                fee_unconfirmed=price.unknown,
            )
        )  # fmt: skip
    return found


def advice(value: ChannelAdvice) -> certificate_pb2.ChannelAdvice:
    return certificate_pb2.ChannelAdvice(
        channel=CHANNELS[str(value.channel)],
        reason=value.reason,
        reason_ja=value.reason_ja,
        konbini_next_time=value.konbini_next_time,
        saving=yen(value.saving_yen),
        fee_unconfirmed=value.fee_unknown,
    )


def certificate_request(record: CertificateRecord) -> certificate_pb2.CertificateRequest:
    return certificate_pb2.CertificateRequest(
        name=record.name,
        kind=CERTIFICATE_KINDS[record.kind],
        certificate_name=certificate_type(record.kind).name_ja,
        options=list(record.options),
        copies=record.copies,
        fee_per_copy=yen(record.fee.window),
        total_fee=yen(record.fee.window * record.copies),
        fee_unconfirmed=record.fee.unknown,
        order_id=record.order_id,
        form=form(record.form),
        advice=advice(record.advice),
        reception_code=record.reception.payload if record.reception else "",
        ticket_number=record.reception.serial if record.reception else 0,
        fee_code=record.kind.value,
    )


def application(
    package: PackageSummary | ApplicationPackage, with_form: bool = False
) -> application_pb2.Application:
    """An application message; the form only from a whole package (GetApplication)."""
    summary = package.summary if isinstance(package, ApplicationPackage) else package
    message = application_pb2.Application(
        name=f"applications/{summary.package_id}",
        reception_id=summary.reception_id,
        status=STATUSES[summary.status],
        form_id=summary.form_id,
        title=summary.title,
        procedure_id=summary.procedure_id,
        counter=summary.counter,
        missing=list(summary.missing),
        create_time=timestamp(summary.created_at),
        release_time=timestamp(summary.released_at),
        released_by=summary.released_by,
        export_time=timestamp(summary.exported_at),
        correct_time=timestamp(summary.corrected_at),
        corrected_by=summary.corrected_by,
        corrected_fields=list(summary.corrected_fields),
    )
    if with_form and isinstance(package, ApplicationPackage):
        message.form.CopyFrom(form(package.form))
    return message


def _or_unmeasured(value: float | None) -> float:
    return -1.0 if value is None else value


def kpi_row(row: KpiRow) -> application_pb2.KpiRow:
    return application_pb2.KpiRow(
        period=row.period,
        season=row.season,
        procedures=list(row.procedures),
        samples=row.samples,
        avg_wait_s=row.avg_wait_s,
        avg_procedure_s=row.avg_procedure_s,
        avg_post_processing_s=_or_unmeasured(row.avg_post_processing_s),
        satisfaction=_or_unmeasured(row.satisfaction),
        time_rating=_or_unmeasured(row.time_rating),
        ease_rating=_or_unmeasured(row.ease_rating),
        avg_to_card_read_s=_or_unmeasured(row.avg_to_card_read_s),
        avg_to_printed_s=_or_unmeasured(row.avg_to_printed_s),
        forms_printed=row.forms_printed,
        writes_saved=row.writes_saved,
        writes_reduction=_or_unmeasured(row.writes_reduction),
    )
