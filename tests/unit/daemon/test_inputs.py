"""Identifier grammars (daemon/inputs.py): what the daemon hands out passes, names never do, and a refusal
never depends on, let alone repeats, the value it refused."""

from __future__ import annotations

import secrets
import uuid

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from daemon import inputs
from daemon.errors import InvalidArgument
from simulators.personas import load_households

GRAMMARS = [value for value in vars(inputs).values() if isinstance(value, inputs.Grammar)]
NAMES = [
    text
    for household in load_households()
    for member in household.members
    for text in (
        f"{member.family_name}\u3000{member.given_name}",
        f"{member.family_name}{member.given_name}",
        f"{member.family_kana} {member.given_kana}",
    )
]

HANDED_OUT = [
    (inputs.VISIT, f"visits/{uuid.uuid4().hex}"),
    (inputs.SESSION, f"sessions/{secrets.token_hex(16)}"),
    (inputs.SESSION, secrets.token_hex(16)),
    (inputs.READING, f"readings/{secrets.token_hex(16)}"),
    (inputs.CERTIFICATE_REQUEST, f"certificateRequests/{uuid.uuid4().hex}"),
    (inputs.APPLICATION, f"applications/{uuid.uuid4().hex}"),
    (inputs.JOB, "jobs/12"),
    (inputs.DEVICE, "devices/receipt"),
    (inputs.DEVICE, "forms"),
    (inputs.ORDER_ID, "cert-20250909-0001"),
    (inputs.PAYMENT, "payments/cert-20250909-0001"),
    (inputs.QUESTION_ID, "has_mn_card"),
    (inputs.PERSON_ID, "p7"),
    (inputs.FIELD_KEY, "subject.name#2"),
    (inputs.FIELD_KEY, "options"),
    (inputs.SCREEN_KEY, "print-wait"),
    (inputs.CHOICE, "employee_dependent"),
    (inputs.CODE, "juminhyo_kisai"),
    (inputs.PAGE_TOKEN, "cert-20250909-0001"),
    (inputs.STAFF_ID, "12345"),
    (inputs.STAFF_ID, "S-0042"),
    (inputs.STAFF_ID, "s1"),
]


@pytest.mark.parametrize(("grammar", "value"), HANDED_OUT, ids=[f"{g.what}:{v}" for g, v in HANDED_OUT])
def test_what_the_daemon_hands_out_passes(grammar: inputs.Grammar, value: str) -> None:
    assert inputs.check(grammar, "field", value) == value


@pytest.mark.parametrize("grammar", GRAMMARS, ids=[grammar.what for grammar in GRAMMARS])
def test_no_name_passes_any_grammar(grammar: inputs.Grammar) -> None:
    for name in NAMES:
        assert not grammar.matches(name)
        assert not grammar.matches(f"visits/{name}") and not grammar.matches(f"payments/{name}")


@pytest.mark.parametrize("typed", ["washio", "Taro Yamada", "taro.yamada", "鷲尾", "", "S-00421234567"])
def test_a_staff_id_is_a_staff_number(typed: str) -> None:
    with pytest.raises(inputs.InvalidInput) as refused:
        inputs.check(inputs.STAFF_ID, "staff_id", typed)
    assert refused.value.reason == "invalid_staff_id"
    assert isinstance(refused.value, InvalidArgument)


def test_the_refusal_names_the_field_and_rule_in_both_languages() -> None:
    with pytest.raises(inputs.InvalidInput) as refused:
        inputs.check(inputs.VISIT, "visit", "visits/鷲尾")
    error = refused.value
    assert (error.reason, error.metadata) == ("invalid_visit_name", {"field": "visit"})
    assert str(error) == "visit: expected a resource name visits/{32 hex digits}"
    assert "visits/" in error.message_ja and "鷲尾" not in error.message_ja + str(error)


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(GRAMMARS), st.text(max_size=80), st.text(min_size=1, max_size=80))
def test_a_refusal_does_not_depend_on_the_value(grammar: inputs.Grammar, first: str, second: str) -> None:
    """Two refused values give the same error: nothing of the value can be in it."""
    errors = []
    for value in (first, second):
        if grammar.matches(value):
            assert value.isascii(), "a grammar let through a character outside ASCII"
            continue
        with pytest.raises(inputs.InvalidInput) as refused:
            inputs.check(grammar, "field", value)
        errors.append((str(refused.value), refused.value.message_ja, refused.value.reason))
    assert len(set(errors)) <= 1


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=80))
def test_codes_outside_the_table_are_refused_alike(value: str) -> None:
    table = {"juminhyo": 1, "inkan": 2}
    if value in table:
        assert inputs.check_code(table, "fee_code", value, what="fee code", what_ja="手数料") == value
        return
    with pytest.raises(inputs.InvalidInput) as refused:
        inputs.check_code(table, "fee_code", value, what="fee code", what_ja="手数料")
    assert refused.value.reason == "unknown_fee_code"
    assert str(refused.value) == "fee_code: expected a known fee code (inkan, juminhyo)"


def test_a_note_is_bounded_and_plain() -> None:
    assert inputs.check_note("staff_note", " 鷲尾様 確認済み ") == "鷲尾様 確認済み"
    for bad in ("x" * (inputs.MAX_NOTE + 1), "line\nbreak", "zero\u200bwidth"):
        with pytest.raises(inputs.InvalidInput) as refused:
            inputs.check_note("staff_note", bad)
        assert refused.value.reason == "invalid_note" and bad not in str(refused.value)


@pytest.mark.parametrize("counter", ["", "市民課", "1番窓口", "市民課 12番窓口"])
def test_a_counter_is_one_the_municipality_configures(counter: str) -> None:
    assert inputs.check_counter({"市民課", "国保介護課"}, "counter", counter) == counter


@pytest.mark.parametrize("typed", ["鷲尾 和子", "鷲尾 1番窓口", "市民課 鷲尾様", "123番窓口"])
def test_a_name_is_not_a_counter(typed: str) -> None:
    with pytest.raises(inputs.InvalidInput) as refused:
        inputs.check_counter({"市民課"}, "counter", typed)
    assert refused.value.reason == "unknown_counter" and typed not in str(refused.value)


TITLES = {"出生届", "児童手当 認定請求書", "転入の手続き一覧"}


@pytest.mark.parametrize(
    "title", ["", "出生届", "児童手当 認定請求書", "転入の手続き一覧 20250909-SHIMIN-0042", "出生届 0042"]
)
def test_a_title_is_a_known_title_with_an_optional_reference(title: str) -> None:
    assert inputs.check_title(TITLES, "title", title) == title


@pytest.mark.parametrize("typed", NAMES[:6])
@pytest.mark.parametrize(
    "template",
    ["{}", "出生届 {}", "{} 出生届", "出生届({})", "{}様 児童手当 認定請求書"],
)
def test_a_name_is_not_a_title(typed: str, template: str) -> None:
    with pytest.raises(inputs.InvalidInput) as refused:
        inputs.check_title(TITLES, "title", template.format(typed))
    assert refused.value.reason == "unknown_title" and typed not in str(refused.value)


@pytest.mark.parametrize(
    "typed", ["出生届 Washio", "出生届 WASHIO 0042", "出生届 0042-Washio-1", "出生届 12"]
)
def test_the_reference_after_a_title_is_a_number(typed: str) -> None:
    with pytest.raises(inputs.InvalidInput):
        inputs.check_title(TITLES, "title", typed)
