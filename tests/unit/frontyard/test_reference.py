"""The reference household (spec §1.4, report: 14 forms, 96 writes) end to end.

Expected values are taken from the spec, not from the output: procedures per §1.4, 14-day deadlines from
the 異動日 2025-09-09 (+14 = 9/23 秋分の日 → 9/24), 児童手当 15 days from the day after the 転出予定日 9/7
(9/8 … 9/22), 犬 30 days (10/9), MN card 90 days from the 届出日 (12/8).
"""

import datetime as dt

from frontyard.forms import fill_forms
from frontyard.lifeevents import build_checklist, evaluate
from frontyard.municipality import load_municipality
from frontyard.reference import reference_event_date, reference_household
from frontyard.writing import count_writes
from tests.support.reference_household import EXPECTED, EXPECTED_FORMS


def test_procedures_counters_and_deadlines() -> None:
    evaluation = evaluate(reference_household())
    assert set(evaluation.ids()) == set(EXPECTED)
    for procedure_id, (persons, counter, deadline) in EXPECTED.items():
        item = evaluation.get(procedure_id)
        assert item.person_ids == persons, procedure_id
        assert item.counter.name == counter, procedure_id
        assert item.deadline.date == deadline, procedure_id


def test_reason_text_names_the_fact() -> None:
    item = evaluate(reference_household()).get("JIDOU_TEATE")
    assert item.reason_ja == "児童手当 認定請求：18歳年度末までの子を養育する方が新たに受給者となるため"


def test_fourteen_forms() -> None:
    forms = fill_forms(evaluate(reference_household()))
    assert sorted(form.form_id for form in forms) == sorted(EXPECTED_FORMS)


def test_writing_count_reproduces_the_report() -> None:
    count = count_writes(evaluate(reference_household("adults")))
    before = load_municipality().report_writes_before
    assert before is not None
    assert (count.baseline.name, count.baseline.address, count.baseline.phone, count.baseline.birth_date) == (
        36, 25, 16, 19,
    )  # fmt: skip
    assert count.baseline == before
    assert count.baseline.total == 96
    # adults' cards: the 3 children's names and birth dates, the new address, the phone
    assert (count.ours.name, count.ours.address, count.ours.phone, count.ours.birth_date) == (3, 1, 1, 3)


def test_writing_count_with_every_card_and_with_none() -> None:
    everyone = count_writes(evaluate(reference_household("all")))
    assert (everyone.ours.name, everyone.ours.address, everyone.ours.phone, everyone.ours.birth_date) == (
        0,
        1,
        1,
        0,
    )
    nobody = count_writes(evaluate(reference_household("none")))
    assert (nobody.ours.name, nobody.ours.address, nobody.ours.phone, nobody.ours.birth_date) == (7, 2, 1, 7)
    assert nobody.baseline.total == 96


def test_checklist_visits_counters_in_order() -> None:
    checklist = build_checklist(evaluate(reference_household()), reception_qr="FY1:X")
    assert checklist.title == "転入の手続き一覧"
    assert checklist.event_date == reference_event_date
    assert [item.counter for item in checklist.items] == [
        "市民課", "国保介護課", "地域福祉課", "学校教育課", "環境政策課", "水道課",
    ]  # fmt: skip
    assert [item.order for item in checklist.items] == [1, 2, 3, 4, 5, 6]
    welfare = checklist.items[2]
    assert welfare.deadline == dt.date(2025, 9, 22)  # the earliest: 児童手当
    assert len(welfare.procedures) == len(welfare.reasons) == 4
    assert "マイナンバーカード" in welfare.bring
    assert checklist.reception_qr == "FY1:X"
    assert any("確認中" in note for note in checklist.notes)


def test_forms_fill_from_the_record_and_list_what_is_missing() -> None:
    forms = {form.form_id: form for form in fill_forms(evaluate(reference_household()))}
    tennyu = forms["juki-tennyu"]
    names = [
        field.value for field in tennyu.fields if field.key.endswith(".name") and field.key != "filer.name"
    ]
    assert len(names) == 7
    assert all(names)
    assert tennyu.missing == ()
    assert forms["jidou-teate"].missing == ("household.bank_account",)
    assert forms["tennyugaku"].missing == ("subject.previous_school",)
    grades = {f.value for form in fill_forms(evaluate(reference_household())) if form.form_id == "tennyugaku"
              for f in form.fields if f.key == "subject.grade"}  # fmt: skip
    assert grades == {"中学3年", "小学4年"}
    mn_fields = [f for form in forms.values() for f in form.fields if f.key.endswith("mynumber")]
    assert mn_fields
    assert all(f.value is None and not f.required for f in mn_fields)
