"""Filling forms from one household record (→ ``frontyard.documents.FilledForm``).

Each applicable procedure with a form gives one form, or one per person when the form is per person
(介護保険 ×2, 転入学 ×2). A field the record cannot fill is left ``None`` and its key listed in
``FilledForm.missing``; nothing is guessed. ``mynumber`` fields are never filled (checked at the counter).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter as Tally
from dataclasses import dataclass

from frontyard import conditions
from frontyard.catalog import Catalog, FieldSpec, FormSpec, load_catalog
from frontyard.documents import FieldKind, FilledForm, FormField
from frontyard.facts import resolver
from frontyard.household import Dog, Household, Person, Sex, grade_of
from frontyard.lifeevents import ApplicableProcedure, Evaluation
from frontyard.municipality import Municipality, load_municipality

SEX_CHOICES = ("男", "女")
_SEX_LABELS = {Sex.MALE: "男", Sex.FEMALE: "女"}
FieldValue = str | bool | dt.date | None


@dataclass(frozen=True)
class FormInstance:
    """One paper form to print: its definition, the procedure and the persons it lists."""

    spec: FormSpec
    applicable: ApplicableProcedure | None
    counter: str
    subjects: tuple[Person, ...]


@dataclass(frozen=True)
class BoundField:
    """A form field bound to its source: ``person`` for person roles, else None."""

    key: str
    spec: FieldSpec
    person: Person | None


def form_instances(
    evaluation: Evaluation, municipality: Municipality | None = None, catalog: Catalog | None = None
) -> tuple[FormInstance, ...]:
    municipality = municipality or load_municipality()
    catalog = catalog or load_catalog()
    household = evaluation.household
    found: list[FormInstance] = []
    for applicable in evaluation.procedures:
        if not applicable.procedure.form_id:
            continue
        spec = catalog.form(applicable.procedure.form_id)
        subjects = tuple(
            person
            for person in (household.member(pid) for pid in applicable.person_ids)
            if conditions.holds(spec.subjects, resolver(household, municipality, person))
        )
        counter = f"{applicable.counter.name}"
        if spec.per_subject:
            found.extend(FormInstance(spec, applicable, counter, (person,)) for person in subjects)
        else:
            found.append(FormInstance(spec, applicable, counter, subjects))
    return tuple(found)


def bind_fields(instance: FormInstance, household: Household) -> tuple[BoundField, ...]:
    """Expand the form's fields: subject fields once per listed person; keys unique within the form."""
    bound: list[BoundField] = []
    seen: Tally[str] = Tally()

    def add(base_key: str, spec: FieldSpec, person: Person | None) -> None:
        seen[base_key] += 1
        key = base_key if seen[base_key] == 1 else f"{base_key}#{seen[base_key]}"
        bound.append(BoundField(key, spec, person))

    subject_specs = [spec for spec in instance.spec.fields if spec.role == "subject"]
    for spec in instance.spec.fields:
        if spec.role == "filer":
            add(f"filer.{spec.attribute}", spec, household.filer)
        elif spec.role == "head":
            add(f"head.{spec.attribute}", spec, household.head)
        elif spec.role != "subject":
            add(f"{spec.role}.{spec.attribute}", spec, None)
        elif spec is subject_specs[0]:
            single = instance.spec.per_subject
            for number, person in enumerate(instance.subjects, start=1):
                for subject_spec in subject_specs:
                    prefix = "subject" if single else f"subject{number}"
                    add(f"{prefix}.{subject_spec.attribute}", subject_spec, person)
    return tuple(bound)


def _grade(person: Person, household: Household) -> str | None:
    grade = grade_of(person, household.event_date)
    if 1 <= grade <= 6:
        return f"小学{grade}年"
    if 7 <= grade <= 9:
        return f"中学{grade - 6}年"
    return None


def _person_value(person: Person, attribute: str, household: Household) -> FieldValue:
    if attribute == "sex":
        return _SEX_LABELS.get(person.sex)
    if attribute == "grade":
        return _grade(person, household)
    if attribute == "mynumber":
        return None
    if attribute == "birth_weight_g":
        return None if person.birth_weight_g is None else str(person.birth_weight_g)
    value = getattr(person, attribute)
    return value if isinstance(value, str | dt.date) else None


def _dog_value(dog: Dog | None, attribute: str) -> FieldValue:
    if dog is None:
        return None
    if attribute == "sex":
        return _SEX_LABELS.get(dog.sex)
    value = getattr(dog, attribute)
    return str(value) if isinstance(value, int) else value if isinstance(value, str) else None


def field_value(bound: BoundField, household: Household) -> FieldValue:
    if bound.person is not None:
        return _person_value(bound.person, bound.spec.attribute, household)
    if bound.spec.role == "dog":
        return _dog_value(household.dogs[0] if household.dogs else None, bound.spec.attribute)
    value = getattr(household, bound.spec.attribute)
    return value if isinstance(value, str | dt.date) else None


def fill(instance: FormInstance, household: Household) -> FilledForm:
    fields: list[FormField] = []
    missing: list[str] = []
    for bound in bind_fields(instance, household):
        value = field_value(bound, household)
        spec = bound.spec
        if value is None and spec.required:
            missing.append(bound.key)
        furigana = bound.person.furigana or "" if bound.person and spec.kind is FieldKind.NAME else ""
        fields.append(
            FormField(
                key=bound.key,
                label=spec.label,
                kind=spec.kind,
                value=value,
                furigana=furigana,
                wareki=spec.wareki,
                choices=SEX_CHOICES if spec.kind is FieldKind.CHOICE else (),
                required=spec.required,
            )
        )
    note = (
        "個人番号は窓口でマイナンバーカードにより確認します。"
        if any(spec.attribute == "mynumber" for spec in instance.spec.fields)
        else ""
    )
    return FilledForm(
        form_id=instance.spec.form_id,
        title=instance.spec.title,
        procedure_id=instance.applicable.procedure_id if instance.applicable else instance.spec.procedure_id,
        counter=instance.counter,
        fields=tuple(fields),
        missing=tuple(missing),
        note=note,
    )


def fill_forms(
    evaluation: Evaluation, municipality: Municipality | None = None, catalog: Catalog | None = None
) -> tuple[FilledForm, ...]:
    """Every form the evaluated household needs, filled from its record, in checklist-friendly order."""
    instances = form_instances(evaluation, municipality, catalog)
    return tuple(fill(instance, evaluation.household) for instance in instances)
