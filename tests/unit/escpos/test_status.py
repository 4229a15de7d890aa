"""Status bytes: fixed-bit validation, reason mapping, and malformed input (hypothesis)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from drivers.escpos.errors import MalformedStatusError
from drivers.escpos.status import PrinterStatus, parse_status
from tests.unit.escpos.helpers import HEX


def test_all_clear() -> None:
    status = parse_status(HEX("12 12 12 12"))
    assert status.can_print
    assert status.reasons == ()


@pytest.mark.parametrize(
    ("raw", "reasons", "can_print"),
    [
        ("12 12 12 1E", ("paper-near-end",), True),
        ("1A 32 12 7E", ("offline", "media-empty"), False),
        ("1A 16 12 12", ("offline", "cover-open"), False),
        ("1A 12 12 12", ("offline",), False),
        ("12 12 1A 12", ("cutter-error",), False),
    ],
)
def test_reason_mapping(raw: str, reasons: tuple[str, ...], can_print: bool) -> None:
    status = parse_status(HEX(raw))
    assert status.reasons == reasons
    assert status.can_print is can_print


@pytest.mark.parametrize("bad", ["13", "10", "02", "92", "FF", "00"])
def test_fixed_bits_violation_names_the_byte(bad: str) -> None:
    with pytest.raises(MalformedStatusError, match=f"0x{bad}") as info:
        parse_status(HEX(f"12 {bad} 12 12"))
    assert info.value.reason == "malformed_status"
    assert info.value.code == int(bad, 16)


@given(st.binary(max_size=8))
def test_random_bytes_give_status_or_malformed(raw: bytes) -> None:
    try:
        status = parse_status(raw)
    except MalformedStatusError:
        valid = len(raw) == 4 and all(byte & 0x93 == 0x12 for byte in raw)
        assert not valid
    else:
        assert isinstance(status, PrinterStatus)
        assert all(byte & 0x93 == 0x12 for byte in raw)
