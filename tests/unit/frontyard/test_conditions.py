"""The trigger expression language: parsing, evaluation, and malformed input."""

import contextlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from frontyard import conditions
from frontyard.errors import ConditionError

FACTS: dict[str, conditions.Value] = {
    "person.age": 45,
    "person.has_mn_card": True,
    "person.insurance": "kokuho",
    "household.dogs": 0,
}


def resolve(name: str) -> conditions.Value:
    if name not in FACTS:
        raise ConditionError(f"unknown {name}")
    return FACTS[name]


def check(text: str) -> bool:
    return conditions.holds(conditions.parse(text), resolve)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("always", True),
        ("person.age >= 40", True),
        ("20 <= person.age < 45", False),
        ("20 <= person.age < 60", True),
        ("person.has_mn_card and not household.dogs > 0", True),
        ("person.insurance == 'kokuho' or false", True),
        ("person.insurance != 'kokuho'", False),
        ("not (person.age > 40 and person.has_mn_card)", False),
        ("person.age == '45'", False),
    ],
)
def test_evaluation(text: str, expected: bool) -> None:
    assert check(text) is expected


def test_names_lists_every_fact() -> None:
    expr = conditions.parse("(person.age >= 65 or person.has_mn_card) and household.dogs > 0")
    assert conditions.names(expr) == {"person.age", "person.has_mn_card", "household.dogs"}


@pytest.mark.parametrize(
    "text", ["", "person.age >=", "(person.age > 1", "person.age > 1)", "and", "1 +  2", "__import__('os')",
             "person.age > 'x' and", "person.age;", "'unterminated"],
)  # fmt: skip
def test_malformed_conditions_raise_condition_error(text: str) -> None:
    with pytest.raises(ConditionError):
        conditions.parse(text)


@pytest.mark.parametrize("text", ["person.age", "person.insurance < 3", "unknown.fact", "not person.age"])
def test_type_errors_at_evaluation(text: str) -> None:
    with pytest.raises(ConditionError):
        check(text)


@given(st.text(max_size=80))
def test_random_text_raises_only_condition_error(text: str) -> None:
    try:
        expr = conditions.parse(text)
    except ConditionError:
        return
    with contextlib.suppress(ConditionError):
        conditions.evaluate(expr, resolve)


TOKENS = ["person.age", "household.dogs", "person.has_mn_card", "and", "or", "not", "(", ")", "==", "<", ">=",
          "1", "'kokuho'", "true", "!=", "person.insurance"]  # fmt: skip


@given(st.lists(st.sampled_from(TOKENS), max_size=14))
def test_random_token_streams_raise_only_condition_error(tokens: list[str]) -> None:
    with contextlib.suppress(ConditionError):
        conditions.holds(conditions.parse(" ".join(tokens)), resolve)


def test_deep_nesting_is_refused() -> None:
    with pytest.raises(ConditionError):
        conditions.parse("(" * 40 + "true" + ")" * 40)
