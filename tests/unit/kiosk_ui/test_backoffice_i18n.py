"""The back-office console's language files (static/i18n/backoffice/): ja and en have the same keys and
parameters, English has no Japanese (but the name of the Japanese language), and every key the console's
modules name exists, so no screen can fall back to a key."""

from __future__ import annotations

import json
import re
from pathlib import Path

STATIC = Path(__file__).resolve().parents[3] / "kiosk_ui" / "static"
JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")
KEY_LITERAL = re.compile(r"""["']([a-z]+(?:\.[a-z0-9_]+)+)["']""")


def load(code: str) -> dict[str, str]:
    data = json.loads((STATIC / "i18n" / "backoffice" / f"{code}.json").read_text(encoding="utf-8"))
    assert isinstance(data, dict) and all(isinstance(v, str) for v in data.values())
    return data


def test_japanese_and_english_have_the_same_keys_and_parameters() -> None:
    ja, en = load("ja"), load("en")
    assert set(ja) == set(en)
    for key, text in en.items():
        assert set(re.findall(r"\{(\w+)\}", text)) == set(re.findall(r"\{(\w+)\}", ja[key])), key


def test_english_has_no_japanese() -> None:
    assert [key for key, text in load("en").items() if JAPANESE.search(text) and key != "lang.ja"] == []


def used_keys() -> set[str]:
    keys: set[str] = set()
    for path in (STATIC / "js" / "backoffice").glob("*.js"):
        for match in KEY_LITERAL.finditer(path.read_text(encoding="utf-8")):
            if not match.group(1).endswith((".js", ".json")):
                keys.add(match.group(1))
    return keys


def test_every_key_the_console_names_exists() -> None:
    keys = used_keys()
    assert len(keys) > 50
    assert sorted(keys - set(load("ja"))) == []
    # keys built from a value: the statuses, languages and seasons the modules list
    for built in (
        "outbox.status.released",
        "outbox.status.checked",
        "outbox.status.exported",
        "lang.ja",
        "lang.en",
    ):
        assert built in load("ja")
