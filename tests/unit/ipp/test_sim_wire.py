"""The simulator's own IPP parser: malformed requests raise only WireError."""

from __future__ import annotations

import contextlib

from hypothesis import given, settings
from hypothesis import strategies as st

from drivers.ipp import ipp_codec
from simulators.ipp_printer import wire

_REQUEST = (
    bytes.fromhex("0101000b00000001") + b"\x01" + b"\x47\x00\x12attributes-charset\x00\x05utf-8" + b"\x03"
)


def test_parse_valid_request() -> None:
    request = wire.parse_request(_REQUEST + b"%PDF-")
    assert (request.operation, request.request_id) == (0x000B, 1)
    assert request.attr("attributes-charset") == "utf-8"
    assert request.data == b"%PDF-"


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=120), st.integers(0, len(_REQUEST) - 1), st.integers(0, 255))
def test_malformed_requests_raise_only_wire_error(noise: bytes, position: int, byte: int) -> None:
    mutated = bytearray(_REQUEST)
    mutated[position] = byte
    for candidate in (noise, bytes(mutated), bytes(mutated[:position])):
        with contextlib.suppress(wire.WireError):
            wire.parse_request(candidate)


def test_response_with_a_collection_decodes_with_the_drivers_independent_codec() -> None:
    size = wire.Collection(
        ((wire.T_INTEGER, "x-dimension", [21000]), (wire.T_INTEGER, "y-dimension", [29700]))
    )
    media_col = wire.Collection(
        ((wire.T_BEG_COLL, "media-size", [size]), (wire.T_KEYWORD, "media-type", ["stationery", "plain"]))
    )
    response = wire.Response(0x0000, 7, version=(2, 0))
    response.group(wire.PRINTER_GROUP).extend(
        [(wire.T_BEG_COLL, "media-col-default", [media_col]), (wire.T_ENUM, "printer-state", [3])]
    )

    message = ipp_codec.decode(response.to_bytes())

    assert (message.version, message.request_id) == ((2, 0), 7)
    collection = message.find("media-col-default")
    assert collection is not None
    members = collection.value
    assert isinstance(members, dict)
    media_size = members["media-size"].value
    assert isinstance(media_size, dict)
    assert media_size["x-dimension"].value == 21000
    assert media_size["y-dimension"].value == 29700
    assert list(members["media-type"].values) == ["stationery", "plain"]
    state = message.find("printer-state")
    assert state is not None and state.value == 3
