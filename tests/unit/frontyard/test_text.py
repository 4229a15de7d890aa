"""Resident-facing text: furigana marks are well formed everywhere, placeholders are filled."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from frontyard.catalog import load_catalog
from frontyard.lifeevents import life_events
from frontyard.questionnaire import label, load_questions, relationship_label
from frontyard.text import LocalizedText, plain

DATA = Path(__file__).resolve().parents[3] / "frontyard" / "data"
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
    raw = tomllib.loads((DATA / "questionnaire.toml").read_text(encoding="utf-8"))
    found += [(key, label(key)) for key in raw["labels"]]
    found += [(name, relationship_label(name)) for name in raw["relationships"]]
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


KANJI = re.compile(r"[\u3400-\u9fff々]")
JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff]")


def written(text: LocalizedText) -> bool:
    """Not an unused slot (a question without help or staff_check has an empty text)."""
    return bool(text.ja)


def test_every_resident_text_has_easy_japanese_with_furigana_on_every_kanji() -> None:
    """やさしい日本語 is written for every string (no fall back to ja) and reads without knowing kanji."""
    missing = [where for where, text in every_text() if written(text) and not text.ja_easy]
    assert not missing, f"no ja_easy: {missing}"
    for where, text in every_text():
        bare = KANJI.findall(RUBY.sub("", text.ja_easy))
        assert not bare, (where, text.ja_easy, bare)


def test_every_resident_text_has_english() -> None:
    """English is complete: written, and Japanese only as a quoted name in brackets (「(転入届)」)."""
    for where, text in every_text():
        if not written(text):
            continue
        outside_brackets = re.sub(r"\([^)]*\)", "", text.en)
        assert re.search(r"[A-Za-z]", text.en) and not JAPANESE.search(outside_brackets), (where, text.en)


def test_the_completeness_checks_can_fail() -> None:
    """A text with a bare kanji or no English is what the checks above refuse."""
    assert KANJI.findall(RUBY.sub("", "{住所|じゅうしょ}を書く")) == ["書"]
    assert not re.search(r"[A-Za-z]", LocalizedText("住所").en)
