"""Translation files: ja, ja-easy and en complete; other languages partial but valid; every key the pages
use exists; parameters agree across languages; every daemon reason the pages name has a message."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

STATIC = Path(__file__).resolve().parents[3] / "kiosk_ui" / "static"
COMPLETE = ("ja", "ja-easy", "en")
PARTIAL = ("zh", "ko", "vi")


def load(code: str) -> dict[str, str]:
    data = json.loads((STATIC / "i18n" / f"{code}.json").read_text(encoding="utf-8"))
    assert isinstance(data, dict) and all(isinstance(v, str) for v in data.values())
    return data


def placeholders(text: str) -> set[str]:
    return set(re.findall(r"\{(\w+)\}", text))


@pytest.mark.parametrize("code", COMPLETE)
def test_complete_languages_have_every_key(code: str) -> None:
    assert set(load(code)) == set(load("ja"))


@pytest.mark.parametrize("code", COMPLETE + PARTIAL)
def test_placeholders_agree_with_japanese(code: str) -> None:
    ja = load("ja")
    for key, text in load(code).items():
        assert key in ja, f"{code}: {key} is not a Japanese key"
        assert placeholders(text) == placeholders(ja[key]), f"{code}: {key}"


def test_easy_japanese_has_furigana_and_english_has_no_japanese() -> None:
    easy = load("ja-easy")
    assert sum("<ruby>" in text for text in easy.values()) > 50
    for text in easy.values():
        assert text.count("<ruby>") == text.count("</ruby>") == text.count("<rt>")
    japanese = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")
    assert not [key for key, text in load("en").items() if japanese.search(text)]


def used_keys() -> set[str]:
    """Literal translation keys in the page modules: t("…"), tHtml("…"), plain("…"), button("…"), i18n: "…",
    and the action bar's { key: "…" }."""
    keys: set[str] = set()
    pattern = re.compile(
        r"""(?:\bt|\btHtml|\bplain|\bbutton)\(\s*"([a-z_]+\.[a-z0-9_.]+)"|(?:i18n|\bkey):\s*"([a-z_]+\.[a-z0-9_.]+)\""""
    )
    for path in (STATIC / "js").glob("*.js"):
        for match in pattern.finditer(path.read_text(encoding="utf-8")):
            keys.add(match.group(1) or match.group(2))
    return keys


def test_every_key_the_pages_use_exists() -> None:
    keys = used_keys()
    assert len(keys) > 60
    missing = sorted(keys - set(load("ja")))
    assert not missing


# Reason keys the daemon and the pages produce that a resident can meet; each needs a title and a todo.
RESIDENT_REASONS = (
    "pin_wrong", "pin_blocked", "card_removed", "not_my_number_card", "reader_absent", "paper_out",
    "media_empty", "media_jam", "cover_open", "device_offline", "device_busy", "payment_declined",
    "result_unknown", "terminal_timeout", "daemon_unreachable", "ui_unreachable", "internal",
)  # fmt: skip


@pytest.mark.parametrize("code", COMPLETE)
def test_every_resident_reason_says_what_to_do(code: str) -> None:
    texts = load(code)
    for reason in RESIDENT_REASONS:
        assert texts.get(f"error.{reason}.title") and texts.get(f"error.{reason}.todo"), reason


def test_no_script_or_event_handler_markup_in_translations() -> None:
    for code in COMPLETE + PARTIAL:
        for key, text in load(code).items():
            assert not re.search(r"<(?!/?(ruby|rt)>)", text), f"{code}: {key} has markup other than ruby"
