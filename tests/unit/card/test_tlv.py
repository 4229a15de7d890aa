"""The tolerant BER-TLV parser, including fuzzing: malformed input raises only TlvError."""

import contextlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from drivers.mynumber import text_ap
from drivers.mynumber.errors import CardDataError, TlvError
from drivers.mynumber.tlv import parse_children, parse_one, parse_template


def test_two_byte_tags_and_non_minimal_length() -> None:
    tlv = parse_one(bytes.fromhex("FF4082000301020300"))
    assert (tlv.tag, tlv.value, tlv.header_length, tlv.end) == (0xFF40, b"\x01\x02\x03", 5, 8)
    assert parse_one(bytes.fromhex("DF2181020A0B")).value == b"\x0a\x0b"


def test_children_stop_at_filler() -> None:
    children = parse_children(bytes.fromhex("DF220141DF230142FFFF00"))
    assert [child.tag for child in children] == [0xDF22, 0xDF23]
    assert children[1].offset == 4


@pytest.mark.parametrize(
    "data",
    ["", "DF", "DF21", "DF2105", "DF21830001", "DF2180", "FF208201", "DF218102AA"],
)
def test_malformed_raises_tlv_error(data: str) -> None:
    with pytest.raises(TlvError):
        parse_one(bytes.fromhex(data))


def test_template_tag_must_match() -> None:
    with pytest.raises(TlvError, match="expected template FF20"):
        parse_template(bytes.fromhex("FF1000"), 0xFF20)


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=80))
def test_fuzz_parser_raises_only_tlv_error(data: bytes) -> None:
    with contextlib.suppress(TlvError):
        parse_template(data, 0xFF20)


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=120))
def test_fuzz_basic_info_raises_only_card_data_errors(data: bytes) -> None:
    with contextlib.suppress(CardDataError):  # TlvError is a CardDataError
        text_ap.parse_basic_info(b"\xff\x20" + data)
