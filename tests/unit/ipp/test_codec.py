"""IPP codec: exact bytes, round trips, and malformed input raising only IppParseError."""

from __future__ import annotations

import contextlib
import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from drivers.ipp.ipp_codec import (
    GroupTag,
    IppMessage,
    IppParseError,
    IppRange,
    LangString,
    Resolution,
    ValueTag,
    decode,
    encode,
)


def HEX(text: str) -> bytes:
    return bytes.fromhex(text.replace(" ", ""))


def _get_printer_attributes() -> IppMessage:
    message = IppMessage(code=0x000B, request_id=7)
    group = message.group(GroupTag.OPERATION)
    group.add("attributes-charset", ValueTag.CHARSET, "utf-8")
    group.add("requested-attributes", ValueTag.KEYWORD, "printer-state", "copies")
    return message


def test_encode_exact_bytes() -> None:
    expected = HEX(
        "0101 000B 00000007"
        "01"
        "47 0012"
        + b"attributes-charset".hex()
        + "0005"
        + b"utf-8".hex()
        + "44 0014"
        + b"requested-attributes".hex()
        + "000D"
        + b"printer-state".hex()
        + "44 0000 0006"
        + b"copies".hex()
        + "03"
    )
    assert encode(_get_printer_attributes()) == expected


def test_integer_boolean_range_bytes() -> None:
    message = IppMessage(code=0, request_id=1)
    group = message.group(GroupTag.JOB)
    group.add("copies", ValueTag.INTEGER, -2)
    group.add("ok", ValueTag.BOOLEAN, True)
    group.add("r", ValueTag.RANGE, IppRange(1, 99))
    body = encode(message)[9:-1]
    assert body == HEX(
        "21 0006" + b"copies".hex() + "0004 FFFFFFFE"
        "22 0002" + b"ok".hex() + "0001 01"
        "33 0001" + b"r".hex() + "0008 00000001 00000063"
    )


def test_round_trip_every_value_type() -> None:
    message = IppMessage(code=0x0002, request_id=123456, version=(2, 0), data=b"%PDF-1.4 data")
    group = message.group(GroupTag.PRINTER)
    when = dt.datetime(2025, 4, 1, 9, 30, 5, 300_000, tzinfo=dt.timezone(dt.timedelta(hours=9)))
    group.add("printer-state", ValueTag.ENUM, 3)
    group.add("printer-is-accepting-jobs", ValueTag.BOOLEAN, False)
    group.add("printer-info", ValueTag.TEXT_WITH_LANGUAGE, LangString("受付プリンター", "ja"))
    group.add("printer-name", ValueTag.NAME_WITH_LANGUAGE, LangString("A4", "en"))
    group.add("printer-current-time", ValueTag.DATETIME, when)
    group.add("copies-supported", ValueTag.RANGE, IppRange(1, 999))
    group.add("printer-resolution-default", ValueTag.RESOLUTION, Resolution(300, 600, 3))
    group.add("printer-uri-supported", ValueTag.URI, "ipp://127.0.0.1:631/ipp/print", "ipps://x/ipp/print")
    group.add("printer-alert", ValueTag.OCTET_STRING, b"\x00\xff")
    group.add("printer-geo-location", ValueTag.UNKNOWN, None)
    inner = decode(encode(_get_printer_attributes())).groups[0].attributes[1]
    group.add("media-col-default", ValueTag.BEGIN_COLLECTION, {inner.name: inner})
    decoded = decode(encode(message))
    assert decoded == message
    assert decoded.find("printer-current-time", GroupTag.PRINTER) is not None
    assert decoded.find("printer-current-time").value == when  # type: ignore[union-attr]


def test_truncated_response_reports_offset() -> None:
    data = encode(_get_printer_attributes())
    with pytest.raises(IppParseError) as info:
        decode(data[:20])
    assert info.value.offset <= 20
    assert "at byte" in str(info.value)


@pytest.mark.parametrize(
    ("data", "fragment"),
    [
        (HEX("0101 0000 00000001 01 21 0001 61 0002 0000"), "integer"),
        (HEX("0101 0000 00000001 01 22 0001 61 0001 05"), "boolean"),
        (HEX("0101 0000 00000001 21 0001 61 0004 00000000 03"), "before any group"),
        (HEX("0101 0000 00000001 01 41 0000 0001 61 03"), "additional value"),
        (HEX("0101 0000 00000001 00 03"), "reserved"),
        (HEX("0101 0000 00000001 01 31 0001 61 000B 07E9 0D 01 00 00 00 00 2B 00 00 03"), "dateTime"),
    ],
)
def test_specific_malformed_inputs(data: bytes, fragment: str) -> None:
    with pytest.raises(IppParseError, match=fragment):
        decode(data)


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=200))
def test_random_bytes_raise_only_parse_error(data: bytes) -> None:
    with contextlib.suppress(IppParseError):
        decode(data)


_VALID = encode(_get_printer_attributes())


@settings(max_examples=300, deadline=None)
@given(st.integers(0, len(_VALID) - 1), st.integers(0, 255), st.integers(1, len(_VALID)))
def test_mutated_messages_raise_only_parse_error(position: int, byte: int, cut: int) -> None:
    mutated = bytearray(_VALID)
    mutated[position] = byte
    for candidate in (bytes(mutated), bytes(mutated[:cut])):
        with contextlib.suppress(IppParseError):
            decode(candidate)
