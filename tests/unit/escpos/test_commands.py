"""Exact ESC/POS bytes of the command builders."""

from __future__ import annotations

import pytest

from drivers.escpos import commands
from drivers.escpos.document import Align, BarcodeKind, TextSize
from tests.unit.escpos.helpers import HEX


def test_simple_commands_are_exact() -> None:
    assert commands.initialize() == HEX("1B 40")
    assert commands.select_size(TextSize.NORMAL) == HEX("1D 21 00")
    assert commands.select_size(TextSize.DOUBLE_WIDTH) == HEX("1D 21 10")
    assert commands.select_size(TextSize.DOUBLE_HEIGHT) == HEX("1D 21 01")
    assert commands.select_size(TextSize.DOUBLE) == HEX("1D 21 11")
    assert commands.bold(True) == HEX("1B 45 01")
    assert commands.align(Align.RIGHT) == HEX("1B 61 02")
    assert commands.kanji_on() == HEX("1C 43 01 1C 26")
    assert commands.kanji_off() == HEX("1C 2E")
    assert commands.feed(3) == HEX("1B 64 03")
    assert commands.cut() == HEX("1D 56 42 00")
    assert commands.cut(partial=True) == HEX("1D 56 41 00")
    assert commands.realtime_status(4) == HEX("10 04 04")


def test_raster_image_header_and_slices() -> None:
    rows = [b"\xff\x00"] * 300
    data = commands.raster_image(16, rows)
    first = HEX("1D 76 30 00 02 00 F0 00")
    assert data.startswith(first)
    second_at = len(first) + 240 * 2
    assert data[second_at : second_at + 8] == HEX("1D 76 30 00 02 00 3C 00")
    assert len(data) == 8 + 240 * 2 + 8 + 60 * 2


def test_raster_rejects_ragged_rows() -> None:
    with pytest.raises(ValueError, match="raster rows"):
        commands.raster_image(16, [b"\x00"])


def test_qr_code_sequence() -> None:
    assert commands.qr_code(b"AB", module_size=4) == (
        HEX("1D 28 6B 04 00 31 41 32 00")
        + HEX("1D 28 6B 03 00 31 43 04")
        + HEX("1D 28 6B 03 00 31 45 31")
        + HEX("1D 28 6B 05 00 31 50 30 41 42")
        + HEX("1D 28 6B 03 00 31 51 30")
    )


def test_barcode_code128_uses_code_set_b() -> None:
    assert commands.barcode(BarcodeKind.CODE128, b"12", height=50) == HEX(
        "1D 68 32 1D 48 02 1D 6B 49 04 7B 42 31 32"
    )


@pytest.mark.parametrize("bad", [0, 5, 16])
def test_status_query_range(bad: int) -> None:
    with pytest.raises(ValueError, match="DLE EOT"):
        commands.realtime_status(bad)
