"""The clerk's case table (tests/cases/clerk_cases.toml): every household gets the procedures it must."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest

from frontyard.casetable import Case, check, load_cases
from frontyard.forms import fill_forms
from frontyard.household import LifeEvent
from frontyard.lifeevents import build_checklist, evaluate
from frontyard.render import render_forms

TABLE = Path(__file__).resolve().parents[2] / "cases" / "clerk_cases.toml"
CASES = load_cases(TABLE)


@pytest.mark.parametrize("case", CASES, ids=[case.case_id for case in CASES])
def test_case(case: Case) -> None:
    assert check(case) == [], case.note


def test_table_covers_every_event_with_forty_households() -> None:
    assert len(CASES) >= 40
    assert len({case.case_id for case in CASES}) == len(CASES)
    events = {case.household.event for case in CASES}
    assert events == {event for event in LifeEvent if event is not LifeEvent.NONE}


def test_a_wrong_row_fails() -> None:
    reference = next(case for case in CASES if case.case_id == "tennyu-reference-household")
    wrong = dataclasses.replace(reference, must=("SHIBOU",), must_not=("KOKUHO",), if_applicable=("INU",))
    problems = check(wrong)
    assert any("SHIBOU missing" in problem for problem in problems)
    assert any("KOKUHO must not appear" in problem for problem in problems)
    assert any("INU not listed 該当する場合" in problem for problem in problems)


def test_guidance_comes_last_on_the_checklist_with_where_to_go() -> None:
    death = next(case for case in CASES if case.case_id == "death-householder-kokuho")
    checklist = build_checklist(evaluate(death.household))
    outside = [item for item in checklist.items if item.outside]
    assert {"年金事務所", "法務局", "税務署"} <= {
        evaluate(death.household).get(pid).procedure.counter for item in outside for pid in item.procedure_ids
    }
    assert all(item.place == "市役所外" for item in outside)
    first_outside = checklist.items.index(outside[0])
    assert all(item.outside for item in checklist.items[first_outside:])


def test_each_event_prints_its_checklist_and_forms() -> None:
    first_per_event: dict[LifeEvent, Case] = {}
    for case in CASES:
        first_per_event.setdefault(case.household.event, case)
    assert len(first_per_event) == 7
    for event, case in first_per_event.items():
        evaluation = evaluate(case.household)
        forms = fill_forms(evaluation)
        assert forms, event
        pdf = render_forms(forms, build_checklist(evaluation))
        assert pdf.startswith(b"%PDF"), event
        pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
        assert pages >= len(forms) + 1, event  # the checklist, then at least a page per form
