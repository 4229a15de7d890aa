"""The UI-side table of domain labels (kiosk_ui/static/js/domain.js) covers what the daemon sends as plain
Japanese strings: every counter a procedure can name (the generic 課 and each municipality's own counter
names), every certificate kind and option. Each has Japanese, やさしい日本語 with furigana on every kanji
(marked {漢字|かんじ}) and English. Questions, choices, procedure names and reasons are labelled in the
domain's data: tests/unit/frontyard/test_text.py holds those."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

from frontyard.certificates import CATALOG

ROOT = Path(__file__).resolve().parents[3]
DOMAIN_JS = (ROOT / "kiosk_ui" / "static" / "js" / "domain.js").read_text(encoding="utf-8")
DATA = ROOT / "frontyard" / "data"
JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff]")
KANJI = re.compile(r"[\u3400-\u9fff々]")
RUBY = re.compile(r"\{([^{}|]+)\|([ぁ-ゖー]+)\}")


def table(name: str) -> str:
    """The source of ``const NAME = { … };`` in domain.js."""
    match = re.search(rf"^const {name} = \{{\n(.*?)\n\}};", DOMAIN_JS, re.S | re.M)
    assert match, name
    return match.group(1)


def entry(source: str, key: str) -> dict[str, str]:
    """The {ja, ja_easy, en} of one key (a quoted or bare key at the start of a line); {} when absent."""
    match = re.search(rf'^\s*"?{re.escape(key)}"?: \{{(.*?)\}},\s*$', source, re.M)
    return dict(re.findall(r'(\w+): "((?:[^"\\]|\\.)*)"', match.group(1))) if match else {}


def problems(labels: dict[str, str]) -> list[str]:
    """What is missing or wrong in one entry (an empty list when it is complete)."""
    found = [f"no {field}" for field in ("ja", "ja_easy", "en") if not labels.get(field)]
    easy = labels.get("ja_easy", "")
    if RUBY.sub("", easy).count("{") or RUBY.sub("", easy).count("|"):
        found.append(f"malformed furigana {easy!r}")
    bare = KANJI.findall(RUBY.sub("", easy))
    if bare:
        found.append(f"kanji without furigana {bare}")
    if JAPANESE.search(re.sub(r"\([^)]*\)", "", labels.get("en", ""))):
        found.append(f"Japanese in English {labels.get('en')!r}")
    return found


def counter_names() -> list[str]:
    """Every counter string the daemon can send: the generic 課 of procedures and each city's names."""
    procedures = tomllib.loads((DATA / "procedures.toml").read_text("utf-8"))["procedure"]
    names = {str(procedure["counter"]) for procedure in procedures}
    for city in sorted((DATA / "municipalities").glob("*.toml")):
        names |= {str(c["name"]) for c in tomllib.loads(city.read_text("utf-8"))["counter"]}
    return sorted(names)


@pytest.mark.parametrize("name", counter_names())
def test_every_counter_is_labelled(name: str) -> None:
    assert not problems(entry(table("COUNTERS"), name)), name


def test_every_certificate_kind_and_option_is_labelled() -> None:
    proto = (ROOT / "proto" / "kiosk" / "v1" / "certificate.proto").read_text(encoding="utf-8")
    kinds = re.findall(r"(CERTIFICATE_KIND_[A-Z_]+) = [1-9]", proto)
    assert kinds
    for kind in kinds:
        assert not problems(entry(table("CERTIFICATES"), kind)), kind
    options = {option for certificate in CATALOG for option in certificate.options}
    assert options
    for option in options:
        assert not problems(entry(table("OPTIONS"), option)), option


def test_the_check_finds_what_is_missing() -> None:
    """problems() refuses an entry without English, with a bare kanji, or with English left in Japanese."""
    assert problems({"ja": "市民課", "ja_easy": "{市民課|しみんか}", "en": "Citizens Division"}) == []
    bare = problems({"ja": "市民課", "ja_easy": "市民課", "en": ""})
    assert bare == ["no en", "kanji without furigana ['市', '民', '課']"]
    japanese = problems({"ja": "税務署", "ja_easy": "{税務署|ぜいむしょ}", "en": "税務署"})
    assert japanese == ["Japanese in English '税務署'"]
