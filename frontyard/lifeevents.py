"""Life events: which procedures a household needs, why, by when, where; and the checklist to print.

``evaluate(household)`` runs every catalog procedure of the household's event (転入, 出生; more events are
data: add them to ``LifeEvent``, ``procedures.toml`` and ``questionnaire.toml``) and returns each one that
applies with its persons, reason, deadline and counter. ``build_checklist`` groups them per counter in
visiting order (→ ``frontyard.documents.Checklist``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from frontyard import conditions
from frontyard.catalog import Catalog, MnRequired, Procedure, Scope, load_catalog
from frontyard.deadlines import Deadline, compute_deadline
from frontyard.documents import Checklist, ChecklistItem
from frontyard.facts import resolver
from frontyard.household import Household, LifeEvent
from frontyard.municipality import Counter, Municipality, load_municipality

EVENT_TITLES = {LifeEvent.TENNYU: "転入の手続き一覧", LifeEvent.BIRTH: "出生の手続き一覧"}
EXTRA_NOTES = {
    LifeEvent.TENNYU: (
        "運転免許証の住所変更は警察署で行います。",
        "選挙人名簿には転入から3か月後に登録されます(届出は不要です)。",
        "ごみの出し方・収集日は市の案内をご確認ください。",
    ),
    LifeEvent.BIRTH: (),
}


@dataclass(frozen=True)
class ApplicableProcedure:
    """One procedure this household needs, with the facts behind it."""

    procedure: Procedure
    person_ids: tuple[str, ...]  # the persons it is for (all members for a household procedure)
    reason_ja: str  # 「児童手当：18歳年度末までの子がいるため」
    deadline: Deadline
    counter: Counter
    place: str

    @property
    def procedure_id(self) -> str:
        return self.procedure.procedure_id


@dataclass(frozen=True)
class Evaluation:
    household: Household
    procedures: tuple[ApplicableProcedure, ...]

    def ids(self) -> tuple[str, ...]:
        return tuple(item.procedure_id for item in self.procedures)

    def get(self, procedure_id: str) -> ApplicableProcedure:
        for item in self.procedures:
            if item.procedure_id == procedure_id:
                return item
        raise KeyError(procedure_id)


def _reason(procedure: Procedure, household: Household, person_ids: tuple[str, ...]) -> str:
    text = f"{procedure.name_ja}：{procedure.reason_ja}"
    if procedure.scope is Scope.PERSON:
        labels = "・".join(household.member(person_id).relationship for person_id in person_ids)
        text += f"({labels})"
    return text


def applies(procedure: Procedure, household: Household, municipality: Municipality) -> tuple[str, ...]:
    """The ids of the persons ``procedure`` applies to (a household procedure: all members or none)."""
    if household.event not in procedure.events:
        return ()
    if procedure.scope is Scope.HOUSEHOLD:
        holds = conditions.holds(procedure.condition, resolver(household, municipality))
        return tuple(person.person_id for person in household.members) if holds else ()
    return tuple(
        person.person_id
        for person in household.members
        if conditions.holds(procedure.condition, resolver(household, municipality, person))
    )


def evaluate(
    household: Household, municipality: Municipality | None = None, catalog: Catalog | None = None
) -> Evaluation:
    """Every procedure of the catalog that applies to ``household``, in catalog order."""
    municipality = municipality or load_municipality()
    catalog = catalog or load_catalog()
    found: list[ApplicableProcedure] = []
    for procedure in catalog.procedures:
        person_ids = applies(procedure, household, municipality)
        if not person_ids:
            continue
        counter = municipality.counter(procedure.counter)
        found.append(
            ApplicableProcedure(
                procedure=procedure,
                person_ids=person_ids,
                reason_ja=_reason(procedure, household, person_ids),
                deadline=compute_deadline(procedure, household, municipality),
                counter=counter,
                place=municipality.place(counter),
            )
        )
    return Evaluation(household=household, procedures=tuple(found))


def _earliest(dates: list[dt.date | None]) -> dt.date | None:
    known = [day for day in dates if day is not None]
    return min(known) if known else None


def build_checklist(evaluation: Evaluation, reception_qr: str = "") -> Checklist:
    """One item per counter, in the municipality's visiting order, with what to bring and the deadline."""
    groups: dict[str, list[ApplicableProcedure]] = {}
    for item in evaluation.procedures:
        groups.setdefault(item.counter.name, []).append(item)
    ordered = sorted(groups.values(), key=lambda items: (items[0].counter.visit_order, items[0].counter.name))
    items: list[ChecklistItem] = []
    for order, group in enumerate(ordered, start=1):
        bring: list[str] = []
        for applicable in group:
            bring.extend(thing for thing in applicable.procedure.bring if thing not in bring)
            if applicable.procedure.mn_required is not MnRequired.NO and "マイナンバーカード" not in bring:
                bring.append("マイナンバーカード")
        items.append(
            ChecklistItem(
                order=order,
                counter=group[0].counter.name,
                place=group[0].place,
                procedures=tuple(applicable.procedure.name_ja for applicable in group),
                reasons=tuple(applicable.reason_ja for applicable in group),
                bring=tuple(bring),
                deadline=_earliest([applicable.deadline.date for applicable in group]),
            )
        )
    notes = list(EXTRA_NOTES.get(evaluation.household.event, ()))
    if any(applicable.counter.unknown or applicable.deadline.unknown for applicable in evaluation.procedures):
        notes.append("※窓口名・場所・期限の一部は市で確認中の設定値です。")
    return Checklist(
        title=EVENT_TITLES.get(evaluation.household.event, "手続き一覧"),
        event_date=evaluation.household.event_date,
        items=tuple(items),
        reception_qr=reception_qr,
        notes=tuple(notes),
    )
