"""The UI-side table of domain labels (kiosk_ui/static/js/domain.js) covers the domain's stable ids:
every question, choice, procedure and certificate kind has Japanese, やさしい日本語 (with furigana marked
{漢字|かんじ}) and English, until the daemon sends its own labelled data."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
DOMAIN_JS = (ROOT / "kiosk_ui" / "static" / "js" / "domain.js").read_text(encoding="utf-8")
DATA = ROOT / "frontyard" / "data"
JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")


def table(name: str) -> str:
    """The source of ``const NAME = { … };`` in domain.js."""
    match = re.search(rf"^const {name} = \{{\n(.*?)\n\}};", DOMAIN_JS, re.S | re.M)
    assert match, name
    return match.group(1)


def entry(source: str, key: str) -> dict[str, str]:
    """The {ja, ja_easy, en} of one key (a quoted or bare key at the start of a line)."""
    match = re.search(rf'^\s*"?{re.escape(key)}"?: \{{(.*?)\}},\s*$', source, re.M)
    assert match, key
    return dict(re.findall(r'(\w+): "((?:[^"\\]|\\.)*)"', match.group(1)))


def load(name: str) -> dict[str, list[dict[str, object]]]:
    return tomllib.loads((DATA / name).read_text(encoding="utf-8"))


QUESTIONS = load("questionnaire.toml")["question"]
PROCEDURES = load("procedures.toml")["procedure"]


@pytest.mark.parametrize("question", QUESTIONS, ids=lambda q: str(q["id"]))
def test_every_question_and_choice_has_easy_japanese_and_english(question: dict[str, object]) -> None:
    labels = entry(table("QUESTIONS"), str(question["id"]))
    assert (labels.get("ja") and "{" in labels.get("ja_easy", "")) or labels.get("ja_easy"), labels
    assert labels.get("en") and not JAPANESE.search(labels["en"]), labels
    choices = question.get("choices") or []
    assert isinstance(choices, list)
    for choice in choices:
        block = re.search(rf"^  {question['id']}: \{{\n(.*?)\n  \}},", table("CHOICES"), re.S | re.M)
        assert block, question["id"]
        labels = entry(block.group(1), str(choice))
        assert labels.get("ja") and labels.get("ja_easy") and labels.get("en"), (question["id"], choice)
        assert not JAPANESE.search(labels["en"])


@pytest.mark.parametrize("procedure", PROCEDURES, ids=lambda p: str(p["id"]))
def test_every_procedure_name_reason_and_counter_has_easy_japanese_and_english(
    procedure: dict[str, object],
) -> None:
    for name in ("PROCEDURES", "REASONS"):
        labels = entry(table(name), str(procedure["id"]))
        assert labels.get("ja_easy") and labels.get("en"), (name, procedure["id"])
        assert not JAPANESE.search(labels["en"]), labels
    counter = entry(table("COUNTERS"), str(procedure["counter"]))
    assert counter.get("ja_easy") and counter.get("en"), procedure["counter"]


def test_furigana_markup_is_balanced() -> None:
    for line in DOMAIN_JS.splitlines():
        for easy in re.findall(r'ja_easy: "([^"]*)"', line):
            assert easy.count("{") == easy.count("}") == easy.count("|"), easy


def test_every_certificate_kind_has_labels() -> None:
    proto = (ROOT / "proto" / "kiosk" / "v1" / "frontyard.proto").read_text(encoding="utf-8")
    kinds = re.findall(r"(CERTIFICATE_KIND_[A-Z_]+) = [1-9]", proto)
    assert kinds
    for kind in kinds:
        labels = entry(table("CERTIFICATES"), kind)
        assert labels.get("ja") and labels.get("ja_easy") and labels.get("en"), kind
