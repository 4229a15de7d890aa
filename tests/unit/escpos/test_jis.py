"""JIS X 0208 detection: what kanji mode can print."""

from __future__ import annotations

import pytest

from drivers.escpos.jis import is_jis_x0208_text, unencodable_chars


@pytest.mark.parametrize("text", ["山田太郎", "住民票の写し 2通 600円", "ｱｲｳ", "ABC-123", "〜"])
def test_jis_text(text: str) -> None:
    assert is_jis_x0208_text(text)


@pytest.mark.parametrize(("text", "bad"), [("𠮷田", ["𠮷"]), ("髙橋", ["髙"]), ("山﨑①", ["﨑", "①"])])
def test_non_jis_text(text: str, bad: list[str]) -> None:
    assert not is_jis_x0208_text(text)
    assert unencodable_chars(text) == bad


def test_aliased_and_control_characters_are_not_native() -> None:
    assert unencodable_chars("¥100\x1b") == ["¥", "\x1b"]
