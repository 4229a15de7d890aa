"""Hypothesis over random households of every life event, with unknown facts: invariants of rules,
deadlines, forms and writing counts."""

import datetime as dt
from collections.abc import Callable

from hypothesis import given, settings
from hypothesis import strategies as st

from frontyard import conditions
from frontyard.catalog import load_catalog
from frontyard.documents import FieldKind
from frontyard.facts import resolver
from frontyard.forms import fill_forms
from frontyard.household import Dog, Household, Insurance, LifeEvent, PensionClass, Person, Sex
from frontyard.lifeevents import evaluate
from frontyard.municipality import load_municipality
from frontyard.writing import count_writes

# the fact each procedure cannot apply without (checked independently of the catalog's expressions); an
# unknown fact (None) may let it apply as 「該当する場合」, a false one never.
KEY_FACT: dict[str, Callable[[Household, Person], object]] = {
    "MN_KEIZOKU": lambda h, p: p.has_mn_card is not False,
    "KAIGO_HIKITSUGI": lambda h, p: p.kaigo_nintei is not False,
    "SHINSHOU": lambda h, p: p.shintai_techo is not False,
    "RYOUIKU": lambda h, p: p.ryouiku_techo is not False,
    "SEISHIN": lambda h, p: p.seishin_techo is not False,
    "NINPU_KENSHIN": lambda h, p: p.pregnant is not False,
    "GAIKOKU_JUKYO": lambda h, p: p.foreign_mid_long_term is not False,
    "KOUKI": lambda h, p: h.from_other_prefecture or h.from_abroad,
    "JUDO_IRYOU": lambda h, p: p.severe_disability is not False,
    "TEITAIJU": lambda h, p: p.newborn and p.low_birth_weight is not False,
    "KOKUHO_SOUSAIHI": lambda h, p: p.deceased,
    "SHIBOU": lambda h, p: any(m.deceased for m in h.members),
    "KONSHI_ZOKUSHOU": lambda h, p: p.keeps_married_name,
    "INU": lambda h, p: len(h.dogs) > 0,
    "SUIDOU": lambda h, p: h.new_dwelling_on_public_water,
    "HOIKU": lambda h, p: h.needs_childcare,
    "HITORIOYA_IRYOU": lambda h, p: h.single_parent is not False,
    "JIDOU_FUYOU": lambda h, p: h.single_parent is not False,
    "GENTSUKI": lambda h, p: h.owns_gentsuki,
    "INKAN": lambda h, p: p.wants_inkan,
    "SHUSSEI": lambda h, p: p.newborn and h.event is LifeEvent.BIRTH,
}
EVENT_DAY = st.dates(
    dt.date(2001, 1, 1), dt.date(2097, 6, 30)
)  # + the longest deadline (2 years) stays in the calendar
MAYBE = st.sampled_from([True, False, None])


@st.composite
def people(draw: st.DrawFn, event_date: dt.date, index: int) -> Person:
    age_days = draw(st.integers(0, 100 * 365))
    return Person(
        person_id=f"p{index}",
        relationship=draw(st.sampled_from(["世帯主", "妻", "子", "父", "母"])),
        name=draw(st.one_of(st.none(), st.just("氏名"))),
        furigana=draw(st.one_of(st.none(), st.just("しめい"))),
        birth_date=event_date - dt.timedelta(days=age_days),
        sex=draw(st.sampled_from(list(Sex))),
        has_mn_card=draw(MAYBE),
        insurance=draw(st.sampled_from(list(Insurance))),
        pension_class=draw(st.sampled_from(list(PensionClass))),
        mn_linked_pension=draw(MAYBE),
        kaigo_nintei=draw(MAYBE),
        jushochi_tokurei=draw(MAYBE),
        shintai_techo=draw(MAYBE),
        ryouiku_techo=draw(MAYBE),
        seishin_techo=draw(MAYBE),
        uses_shogai_service=draw(st.booleans()),
        pregnant=draw(MAYBE),
        foreign_mid_long_term=draw(MAYBE),
        wants_inkan=draw(st.booleans()),
        wants_esign=draw(st.booleans()),
        newborn=index == 1 and draw(st.booleans()),
        foreign=draw(MAYBE),
        severe_disability=draw(MAYBE),
        low_birth_weight=draw(MAYBE),
        name_changes=draw(st.booleans()),
        keeps_married_name=draw(st.booleans()),
        joins_employer_insurance=draw(MAYBE),
        leaves_employer_insurance=draw(MAYBE),
        deceased=index == 2 and draw(st.booleans()),
        receives_pension=draw(MAYBE),
        inkan_registered=draw(MAYBE),
        has_techo=draw(MAYBE),
    )


@st.composite
def households(draw: st.DrawFn) -> Household:
    event_date = draw(EVENT_DAY)
    count = draw(st.integers(1, 7))
    members = tuple(draw(people(event_date, index)) for index in range(1, count + 1))
    maybe_text = st.one_of(st.none(), st.just("値"))
    return Household(
        event=draw(st.sampled_from([event for event in LifeEvent if event is not LifeEvent.NONE])),
        event_date=event_date,
        members=members,
        head_id="p1",
        filer_id=f"p{draw(st.integers(1, count))}",
        mother_id=draw(st.one_of(st.none(), st.just("p1"))),
        visit_date=event_date + dt.timedelta(days=draw(st.integers(0, 60))),
        move_out_date=draw(st.one_of(st.none(), st.just(event_date - dt.timedelta(days=3)))),
        new_address=draw(maybe_text),
        old_address=draw(maybe_text),
        phone=draw(maybe_text),
        bank_account=draw(maybe_text),
        from_other_prefecture=draw(st.booleans()),
        new_dwelling_on_public_water=draw(st.booleans()),
        needs_childcare=draw(st.booleans()),
        single_parent=draw(MAYBE),
        from_abroad=draw(st.booleans()),
        to_abroad=draw(st.booleans()),
        water_stop=draw(st.booleans()),
        water_landlord=draw(st.booleans()),
        water_in_deceased_name=draw(MAYBE),
        changes_school=draw(st.booleans()),
        attends_nursery=draw(st.booleans()),
        jidou_teate_receiving=draw(MAYBE),
        claimant_is_civil_servant=draw(MAYBE),
        owns_real_estate=draw(MAYBE),
        merges_household=draw(st.booleans()),
        head_leaves=draw(st.booleans()),
        owns_gentsuki=draw(st.booleans()),
        dogs=tuple(Dog(vaccinated_this_year=draw(st.booleans())) for _ in range(draw(st.integers(0, 2)))),
    )


@settings(max_examples=120, deadline=None)
@given(households())
def test_invariants(household: Household) -> None:
    municipality = load_municipality()
    evaluation = evaluate(household)
    for item in evaluation.procedures:
        assert household.event in item.procedure.events
        for person_id in item.person_ids:
            person = household.member(person_id)
            scope = resolver(household, municipality, person)
            if item.procedure.scope.value == "person":
                assert conditions.truth(item.procedure.condition, scope) is not False
            key = KEY_FACT.get(item.procedure_id)
            assert key is None or key(household, person), item.procedure_id
        if not item.conditional and item.procedure.scope.value == "person":
            assert any(
                conditions.holds(
                    item.procedure.condition, resolver(household, municipality, household.member(pid))
                )
                for pid in item.person_ids
            ), item.procedure_id
        if item.deadline.date is not None:
            assert item.deadline.date >= household.event_date, item.procedure_id
    for form in fill_forms(evaluation):
        keys = [field.key for field in form.fields]
        assert len(keys) == len(set(keys))
        for field in form.fields:
            if field.value is None and field.required:
                assert field.key in form.missing
            if field.value is not None:
                assert field.key not in form.missing
            if field.kind is FieldKind.CHOICE and field.value is not None:
                assert field.value in field.choices
    count = count_writes(evaluation)
    assert count.ours.name <= count.baseline.name
    assert count.ours.address <= count.baseline.address
    assert count.ours.phone <= count.baseline.phone
    assert count.ours.birth_date <= count.baseline.birth_date
    assert count.ours.total <= count.baseline.total


def test_catalog_has_a_form_for_each_procedure_with_one() -> None:
    catalog = load_catalog()
    assert len(catalog.procedures) >= 80
    assert "koufu-seikyu" in catalog.forms
    for procedure in catalog.procedures:
        assert not procedure.form_id or procedure.form_id in catalog.forms
        assert procedure.source and procedure.confidence in ("V", "P", "U"), procedure.procedure_id
        assert procedure.name.en and procedure.reason.en, procedure.procedure_id
        assert not (procedure.guidance and procedure.form_id), procedure.procedure_id
    covered = {event for procedure in catalog.procedures for event in procedure.events}
    assert covered == {event for event in LifeEvent if event is not LifeEvent.NONE}
