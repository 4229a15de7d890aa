"""Life events: which procedures a household needs, why, by when, where; and the checklist to print.

``evaluate(household)`` runs every catalog procedure of the household's event (転入, 転出, 転居, 出生, 婚姻,
離婚, 死亡: ``lifeevents.toml``, ``procedures.toml`` and ``questionnaire.toml``) and returns each one that
applies with its persons, reason, deadline and counter; one that depends on an unknown fact is marked
``conditional`` (「該当する場合」). ``build_checklist`` groups them per counter in visiting order
(→ ``frontyard.documents.Checklist``); guidance done outside city hall comes last, with where to go.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass

from frontyard import conditions
from frontyard.catalog import Catalog, MnRequired, Procedure, Scope, load_catalog, load_toml
from frontyard.deadlines import Deadline, compute_deadline
from frontyard.documents import Checklist, ChecklistItem
from frontyard.facts import resolver
from frontyard.household import Household, LifeEvent
from frontyard.municipality import Counter, Municipality, load_municipality
from frontyard.text import LocalizedText, localized

IF_APPLICABLE = "該当する場合"


@dataclass(frozen=True)
class LifeEventInfo:
    """One life event as the kiosk's chooser shows it (``lifeevents.toml``)."""

    event: LifeEvent
    title: LocalizedText
    event_date_label: LocalizedText
    checklist_title: str
    notes: tuple[str, ...]


@functools.cache
def life_events() -> tuple[LifeEventInfo, ...]:
    """Every life event a visit can be started for, in display order."""
    return tuple(
        LifeEventInfo(
            event=LifeEvent(raw["key"]),
            title=localized(raw["title"], raw["key"]),
            event_date_label=localized(raw["event_date"], raw["key"]),
            checklist_title=raw["checklist"],
            notes=tuple(raw.get("notes", ())),
        )
        for raw in load_toml("lifeevents.toml")["event"]
    )


def life_event_info(event: LifeEvent) -> LifeEventInfo | None:
    return next((info for info in life_events() if info.event is event), None)


@dataclass(frozen=True)
class ApplicableProcedure:
    """One procedure this household needs, with the facts behind it."""

    procedure: Procedure
    person_ids: tuple[str, ...]  # the persons it is for (all members for a household procedure)
    reason_ja: str  # 「児童手当：18歳年度末までの子がいるため」
    deadline: Deadline
    counter: Counter
    place: str
    conditional: bool = False  # 「該当する場合」: a fact it depends on is unknown; staff check it

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


def _reason(
    procedure: Procedure, household: Household, person_ids: tuple[str, ...], conditional: bool
) -> str:
    prefix = f"【{IF_APPLICABLE}】" if conditional else ""
    text = f"{prefix}{procedure.name_ja}：{procedure.reason_ja}"
    if procedure.scope is Scope.PERSON:
        labels = "・".join(household.member(person_id).relationship for person_id in person_ids)
        text += f"({labels})"
    return text


def applies_maybe(
    procedure: Procedure, household: Household, municipality: Municipality
) -> tuple[tuple[str, ...], bool]:
    """The persons ``procedure`` applies to, and whether it only may apply (a fact is unknown).

    A household procedure lists all members or none; a person procedure the members whose trigger is true
    or unknown (conditional when it is true for none of them)."""
    if household.event not in procedure.events:
        return (), False
    if procedure.scope is Scope.HOUSEHOLD:
        result = conditions.truth(procedure.condition, resolver(household, municipality))
        if result is False:
            return (), False
        return tuple(person.person_id for person in household.members), result is None
    found: list[str] = []
    known = False
    for person in household.members:
        result = conditions.truth(procedure.condition, resolver(household, municipality, person))
        if result is not False:
            found.append(person.person_id)
            known = known or result is True
    return tuple(found), bool(found) and not known


def applies(procedure: Procedure, household: Household, municipality: Municipality) -> tuple[str, ...]:
    """The ids of the persons ``procedure`` applies to for sure (a household procedure: all or none)."""
    person_ids, conditional = applies_maybe(procedure, household, municipality)
    return () if conditional else person_ids


def evaluate(
    household: Household, municipality: Municipality | None = None, catalog: Catalog | None = None
) -> Evaluation:
    """Every procedure of the catalog that applies to ``household``, in catalog order."""
    municipality = municipality or load_municipality()
    catalog = catalog or load_catalog()
    found: list[ApplicableProcedure] = []
    for procedure in catalog.procedures:
        person_ids, conditional = applies_maybe(procedure, household, municipality)
        if not person_ids:
            continue
        counter = municipality.counter(procedure.counter)
        found.append(
            ApplicableProcedure(
                procedure=procedure,
                person_ids=person_ids,
                reason_ja=_reason(procedure, household, person_ids, conditional),
                deadline=compute_deadline(procedure, household, municipality),
                counter=counter,
                place=municipality.place(counter),
                conditional=conditional,
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
                outside=all(applicable.procedure.guidance for applicable in group),
                procedure_ids=tuple(applicable.procedure_id for applicable in group),
            )
        )
    info = life_event_info(evaluation.household.event)
    notes = list(info.notes if info else ())
    if any(applicable.conditional for applicable in evaluation.procedures):
        notes.append(f"※【{IF_APPLICABLE}】の手続きは、わからないと答えた事項を職員が確認してから行います。")
    if any(applicable.counter.unknown or applicable.deadline.unknown for applicable in evaluation.procedures):
        notes.append("※窓口名・場所・期限の一部は市で確認中の設定値です。")
    return Checklist(
        title=info.checklist_title if info else "手続き一覧",
        event_date=evaluation.household.event_date,
        items=tuple(items),
        reception_qr=reception_qr,
        notes=tuple(notes),
    )
