"""Receipt → bytes: mode choice, kanji text, raster fallback for non-JIS lines, determinism."""

from __future__ import annotations

import hashlib
import math

import pytest
from PIL import Image, ImageDraw, ImageFont

from drivers.escpos import (
    Barcode,
    Cut,
    Feed,
    Logo,
    QrCode,
    Receipt,
    ReceiptContentError,
    RenderMode,
    Rule,
    TextLine,
    TextSize,
    encode_receipt,
    get_profile,
)
from drivers.escpos.raster import FALLBACK_FONT_PATH, GLYPH_DOTS, font_runs, render_text
from tests.unit.escpos.helpers import HEX

KANJI = get_profile("tm-m30-jp")
RASTER = get_profile("generic-80")


def test_kanji_line_bytes_are_exact() -> None:
    encoded = encode_receipt(Receipt((TextLine("受付", bold=True),)), KANJI)
    assert encoded.mode is RenderMode.KANJI
    assert encoded.data == (
        HEX("1B 40 1C 43 01 1C 26")
        + HEX("1B 61 00 1D 21 00 1B 45 01")
        + "受付".encode("shift_jis")
        + b"\n"
        + HEX("1B 61 00 1D 21 00 1B 45 00 1D 56 42 00")
    )


def test_non_jis_line_falls_back_to_raster_only_for_that_line() -> None:
    receipt = Receipt((TextLine("𠮷田 様"), TextLine("山田 様")))
    encoded = encode_receipt(receipt, KANJI)
    assert encoded.raster_lines == 1
    assert encoded.data.count(HEX("1D 76 30 00")) == 1
    assert "山田 様".encode("shift_jis") in encoded.data
    width_bytes = (KANJI.dot_width // 8).to_bytes(2, "little")
    assert HEX("1D 76 30 00") + width_bytes + (30).to_bytes(2, "little") in encoded.data


def test_raster_mode_has_no_text_bytes() -> None:
    encoded = encode_receipt(Receipt((TextLine("山田 様"), QrCode("R-1"))), RASTER)
    assert encoded.mode is RenderMode.RASTER
    assert "山田".encode("shift_jis") not in encoded.data
    assert HEX("1C 26") not in encoded.data
    assert HEX("1D 28 6B 06 00 31 50 30") + b"R-1" in encoded.data


def test_legacy_profile_draws_qr_as_raster() -> None:
    encoded = encode_receipt(Receipt((QrCode("R-1"),)), get_profile("legacy-80"))
    assert HEX("1D 28 6B") not in encoded.data
    assert HEX("1D 76 30 00") in encoded.data


def test_forcing_kanji_on_a_raster_only_profile_fails() -> None:
    with pytest.raises(ReceiptContentError):
        encode_receipt(Receipt((TextLine("a"),)), RASTER, raster_mode=False)


def test_content_after_cut_is_refused() -> None:
    with pytest.raises(ReceiptContentError):
        encode_receipt(Receipt((Cut(), TextLine("a"))), KANJI)


def test_bad_barcode_is_a_content_error() -> None:
    with pytest.raises(ReceiptContentError):
        encode_receipt(Receipt((Barcode("漢字"),)), KANJI)


def test_raster_rendering_is_deterministic_and_sized() -> None:
    receipt = Receipt(
        (
            TextLine("受付票", size=TextSize.DOUBLE),
            TextLine("髙橋 﨑"),
            Rule(),
            Feed(1),
            Logo(Image.linear_gradient("L").resize((64, 32))),
        )
    )
    first = encode_receipt(receipt, RASTER).data
    second = encode_receipt(receipt, RASTER).data
    assert hashlib.sha256(first).digest() == hashlib.sha256(second).digest()
    line = render_text(TextLine("受付票", size=TextSize.DOUBLE), 576)
    assert line.size == (576, 54)
    assert line.getextrema() == (0, 255)


def test_58mm_profile_uses_384_dots() -> None:
    encoded = encode_receipt(Receipt((TextLine("あ"),)), get_profile("generic-58"))
    assert HEX("1D 76 30 00 30 00") in encoded.data


def test_a_character_ipaex_lacks_is_drawn_with_the_fallback_font_not_a_box() -> None:
    """𠮷 (U+20BB7) is outside JIS X 0208 and IPAex: Debian's IPAmj Mincho draws it (setup installs it)."""
    assert FALLBACK_FONT_PATH.exists(), "scripts/setup.sh installs fonts-ipamj-mincho"
    drawn = render_text(TextLine("𠮷"), 576)
    box = render_text(TextLine("\U0010fffd"), 576)  # IPAex's .notdef
    assert drawn.tobytes() != box.tobytes()
    fallback = ImageFont.truetype(str(FALLBACK_FONT_PATH), GLYPH_DOTS)
    expected = Image.new("L", (math.ceil(fallback.getlength("𠮷")), GLYPH_DOTS), 255)
    ImageDraw.Draw(expected).text((0, 0), "𠮷", font=fallback, fill=0, anchor="la")
    assert drawn.crop((0, 0, expected.width, GLYPH_DOTS)).tobytes() == expected.tobytes()
    mixed = [text for _, text in font_runs("𠮷田 様")]
    assert mixed == ["𠮷", "田 様"]
