"""The simulator's own IPP parser: malformed requests raise only WireError."""

from __future__ import annotations

import contextlib

from hypothesis import given, settings
from hypothesis import strategies as st

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
