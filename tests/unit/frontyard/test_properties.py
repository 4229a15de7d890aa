"""Hypothesis over random households: invariants of rules, deadlines, forms and writing counts."""

import datetime as dt

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

# the fact each procedure cannot apply without (checked independently of the catalog's expressions)
KEY_FACT = {
    "MN_KEIZOKU": lambda h, p: p.has_mn_card,
    "KAIGO_HIKITSUGI": lambda h, p: p.kaigo_nintei,
    "SHINSHOU": lambda h, p: p.shintai_techo,
    "RYOUIKU": lambda h, p: p.ryouiku_techo,
    "SEISHIN": lambda h, p: p.seishin_techo,
    "NINPU_KENSHIN": lambda h, p: p.pregnant,
    "GAIKOKU_JUKYO": lambda h, p: p.foreign_mid_long_term,
    "KOUKI": lambda h, p: h.from_other_prefecture,
    "INU": lambda h, p: len(h.dogs) > 0,
    "SUIDOU": lambda h, p: h.new_dwelling_on_public_water,
    "HOIKU": lambda h, p: h.needs_childcare,
    "HITORIOYA_IRYOU": lambda h, p: h.single_parent,
    "JIDOU_FUYOU": lambda h, p: h.single_parent,
    "GENTSUKI": lambda h, p: h.owns_gentsuki,
    "INKAN": lambda h, p: p.wants_inkan,
    "SHUSSEI": lambda h, p: p.newborn and h.event is LifeEvent.BIRTH,
}
EVENT_DAY = st.dates(dt.date(2001, 1, 1), dt.date(2098, 6, 30))


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
        has_mn_card=draw(st.booleans()),
        insurance=draw(st.sampled_from(list(Insurance))),
        pension_class=draw(st.sampled_from(list(PensionClass))),
        mn_linked_pension=draw(st.booleans()),
        kaigo_nintei=draw(st.booleans()),
        jushochi_tokurei=draw(st.booleans()),
        shintai_techo=draw(st.booleans()),
        ryouiku_techo=draw(st.booleans()),
        seishin_techo=draw(st.booleans()),
        uses_shogai_service=draw(st.booleans()),
        pregnant=draw(st.booleans()),
        foreign_mid_long_term=draw(st.booleans()),
        wants_inkan=draw(st.booleans()),
        wants_esign=draw(st.booleans()),
        newborn=index == 1 and draw(st.booleans()),
    )


@st.composite
def households(draw: st.DrawFn) -> Household:
    event_date = draw(EVENT_DAY)
    count = draw(st.integers(1, 7))
    members = tuple(draw(people(event_date, index)) for index in range(1, count + 1))
    maybe_text = st.one_of(st.none(), st.just("値"))
    return Household(
        event=draw(st.sampled_from([LifeEvent.TENNYU, LifeEvent.BIRTH])),
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
        single_parent=draw(st.booleans()),
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
                assert conditions.holds(item.procedure.condition, scope)
            key = KEY_FACT.get(item.procedure_id)
            assert key is None or key(household, person), item.procedure_id
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
    assert len(catalog.procedures) == 30
    assert "koufu-seikyu" in catalog.forms
    for procedure in catalog.procedures:
        assert not procedure.form_id or procedure.form_id in catalog.forms
