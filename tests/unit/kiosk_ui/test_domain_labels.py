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


def table_entry(name: str, key: str) -> dict[str, str]:
    """The table's entry for ``key``, or {} when the table has none."""
    try:
        return entry(table(name), key)
    except AssertionError:
        return {}


def complete(labels: object) -> bool:
    """English written, without Japanese. (やさしい日本語 not yet written falls back to ja per string, as the
    domain's README says; the domain's data owns that content now.)"""
    if not isinstance(labels, dict):
        return False
    en = str(labels.get("en", ""))
    outside_brackets = re.sub(
        r"\([^)]*\)", "", en
    )  # "child allowance (児童手当)": the form's own name may follow
    return bool(re.search(r"[A-Za-z]", en)) and not JAPANESE.search(outside_brackets)


@pytest.mark.parametrize("question", QUESTIONS, ids=lambda q: str(q["id"]))
def test_every_question_and_choice_is_labelled_by_the_domain_or_the_table(
    question: dict[str, object],
) -> None:
    """The daemon's labelled data (issue 14) first; the UI table covers what it does not label."""
    assert complete(question.get("text")) or complete(table_entry("QUESTIONS", str(question["id"]))), (
        question["id"]
    )
    labelled = question.get("choice") or []
    assert isinstance(labelled, list)
    for choice in labelled:
        assert isinstance(choice, dict)
        assert complete(choice.get("label")), (question["id"], choice.get("value"))


@pytest.mark.parametrize("procedure", PROCEDURES, ids=lambda p: str(p["id"]))
def test_every_procedure_name_is_labelled_by_the_domain_or_the_table(procedure: dict[str, object]) -> None:
    from_domain = {"en": procedure.get("name_en", "")}
    assert complete(from_domain) or complete(table_entry("PROCEDURES", str(procedure["id"]))), procedure["id"]


def test_furigana_markup_is_balanced() -> None:
    for line in DOMAIN_JS.splitlines():
        for easy in re.findall(r'ja_easy: "([^"]*)"', line):
            assert easy.count("{") == easy.count("}") == easy.count("|"), easy


def test_every_certificate_kind_has_labels() -> None:
    proto = (ROOT / "proto" / "kiosk" / "v1" / "certificate.proto").read_text(encoding="utf-8")
    kinds = re.findall(r"(CERTIFICATE_KIND_[A-Z_]+) = [1-9]", proto)
    assert kinds
    for kind in kinds:
        labels = entry(table("CERTIFICATES"), kind)
        assert labels.get("ja") and labels.get("ja_easy") and labels.get("en"), kind
