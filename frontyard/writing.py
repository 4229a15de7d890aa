"""Writing count: how often a resident writes name / address / phone / birth date.

Baseline (paper): every name, address, phone and birth-date field on every form, once per listed person
(spec §1.4). Ours: each distinct fact once, and not at all when a My Number card read gives it (a card
holder's name and birth date; the address on the card, which for 転入 is the old address).
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass

from frontyard.documents import FieldKind
from frontyard.forms import FormInstance, bind_fields, form_instances
from frontyard.household import Household, LifeEvent
from frontyard.lifeevents import Evaluation
from frontyard.municipality import Municipality, WriteFigures


class WriteKind(enum.StrEnum):
    NAME = "name"
    ADDRESS = "address"
    PHONE = "phone"
    BIRTH_DATE = "birth_date"


@dataclass(frozen=True)
class Write:
    kind: WriteKind
    fact: tuple[str, ...]  # ("name", "p3"), ("new_address",) — identifies the fact, not its value


@dataclass(frozen=True)
class WritingCount:
    forms: int
    baseline: WriteFigures  # paper forms
    ours: WriteFigures  # our flow, card reads counting zero

    @property
    def saved(self) -> int:
        return self.baseline.total - self.ours.total


def _write_kind(kind: FieldKind, attribute: str) -> WriteKind | None:
    if kind is FieldKind.NAME:
        return WriteKind.NAME
    if kind is FieldKind.ADDRESS:
        return WriteKind.ADDRESS
    if kind is FieldKind.PHONE:
        return WriteKind.PHONE
    if attribute == "birth_date":
        return WriteKind.BIRTH_DATE
    return None


def writes(instances: Iterable[FormInstance], household: Household) -> list[Write]:
    """Every counted write on the paper forms, one per field instance."""
    found: list[Write] = []
    for instance in instances:
        for bound in bind_fields(instance, household):
            kind = _write_kind(bound.spec.kind, bound.spec.attribute)
            if kind is None:
                continue
            owner = (bound.person.person_id,) if bound.person is not None else ()
            found.append(Write(kind, (bound.spec.attribute, *owner)))
    return found


def card_readable(household: Household) -> frozenset[tuple[str, ...]]:
    """Facts a card read supplies: holders' names and birth dates, and the address printed on a card."""
    facts: set[tuple[str, ...]] = set()
    for person in household.members:
        if person.has_mn_card:
            facts.update({("name", person.person_id), ("birth_date", person.person_id)})
    if any(person.has_mn_card for person in household.members):
        facts.add(("old_address",) if household.event is LifeEvent.TENNYU else ("new_address",))
    return frozenset(facts)


def _figures(items: Iterable[Write]) -> WriteFigures:
    counts = dict.fromkeys(WriteKind, 0)
    for item in items:
        counts[item.kind] += 1
    return WriteFigures(
        counts[WriteKind.NAME],
        counts[WriteKind.ADDRESS],
        counts[WriteKind.PHONE],
        counts[WriteKind.BIRTH_DATE],
    )


def count_writes(evaluation: Evaluation, municipality: Municipality | None = None) -> WritingCount:
    """Baseline and our writes for the evaluated household."""
    household = evaluation.household
    instances = form_instances(evaluation, municipality)
    paper = writes(instances, household)
    from_cards = card_readable(household)
    distinct = {item.fact: item for item in paper if item.fact not in from_cards}
    return WritingCount(forms=len(instances), baseline=_figures(paper), ours=_figures(distinct.values()))
