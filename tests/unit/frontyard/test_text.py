"""Resident-facing text: furigana marks are well formed everywhere, placeholders are filled."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from frontyard.catalog import load_catalog
from frontyard.lifeevents import life_events
from frontyard.questionnaire import load_questions
from frontyard.text import LocalizedText, plain

RUBY = re.compile(r"\{([^{}|]+)\|([ぁ-ゖー]+)\}")  # {漢字|かな}: the reading in hiragana


def every_text() -> list[tuple[str, LocalizedText]]:
    found: list[tuple[str, LocalizedText]] = []
    for question in load_questions():
        found += [(question.question_id, question.text), (question.question_id, question.help)]
        found += [(question.question_id, question.staff_check)]
        found += [(f"{question.question_id}.{c.value}", c.label) for c in question.choice_specs]
    for procedure in load_catalog().procedures:
        found += [(procedure.procedure_id, procedure.name), (procedure.procedure_id, procedure.reason)]
    for info in life_events():
        found += [(str(info.event), info.title), (str(info.event), info.event_date_label)]
    return found


def test_furigana_marks_are_well_formed() -> None:
    for where, text in every_text():
        rest = RUBY.sub("", text.ja_easy).replace("{person}", "")
        assert "{" not in rest and "}" not in rest and "|" not in rest, (where, text.ja_easy)


def test_plain_drops_the_readings() -> None:
    assert plain("{住所|じゅうしょ}を{書|か}く") == "住所を書く"


@given(st.text(max_size=40))
def test_plain_never_fails_and_never_grows(text: str) -> None:
    assert len(plain(text)) <= len(text)
