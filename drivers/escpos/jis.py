"""Which characters the printer's kanji mode can print: JIS X 0208 (plus ASCII and half-width kana).

Python's ``shift_jis`` codec covers exactly JIS X 0201 + JIS X 0208, without the vendor extensions of
CP932 (①, 髙, 﨑) or the planes of JIS X 0213 (𠮷). A line with any other character is drawn as raster.
"""

from __future__ import annotations

_CONTROL_OK = frozenset("\n")
_ALIASED = frozenset("¥‾")


def encodable_char(char: str) -> bool:
    """True when ``char`` prints in Shift_JIS kanji mode (control characters never do)."""
    if char in _CONTROL_OK:
        return True
    if ord(char) < 0x20 or ord(char) == 0x7F or char in _ALIASED:
        return False  # controls; ¥ and ‾ share 0x5C/0x7E with \ and ~ in the USA character set
    try:
        char.encode("shift_jis")
    except UnicodeEncodeError:
        return False
    return True


def unencodable_chars(text: str) -> list[str]:
    """The distinct characters of ``text`` that kanji mode cannot print, in order of appearance."""
    seen: list[str] = []
    for char in text:
        if not encodable_char(char) and char not in seen:
            seen.append(char)
    return seen


def is_jis_x0208_text(text: str) -> bool:
    return not unencodable_chars(text)


def encode_shift_jis(text: str) -> bytes:
    """Encode a line already checked with ``is_jis_x0208_text``."""
    return text.encode("shift_jis")
