"""ZVT codec: exact bytes, CRC vectors, DLE stuffing, length forms, BMP/TLV/BCD, malformed input."""

from __future__ import annotations

import binascii
import contextlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from drivers.payment.model import PaymentMethod
from drivers.zvt import commands as cmd
from drivers.zvt.frames import (
    ZvtFrameError,
    bcd_decode,
    bcd_encode,
    crc16,
    decode_apdu,
    decode_bmps,
    decode_frame,
    decode_tlv,
    encode_apdu,
    encode_bmps,
    encode_frame,
    encode_tlv,
    format_apdu,
    frame_length,
)
from tests.unit.payment.scripted import HEX


def _reflect(value: int, bits: int) -> int:
    return int(f"{value:0{bits}b}"[::-1], 2)


def kermit_via_xmodem(data: bytes) -> int:
    """An independent CRC: KERMIT is XMODEM (binascii.crc_hqx) on bit-reflected input, reflected."""
    reflected = bytes(_reflect(byte, 8) for byte in data)
    return _reflect(binascii.crc_hqx(reflected, 0), 16)


def test_crc_catalogue_check_value() -> None:
    assert crc16(b"123456789") == 0x2189
    assert crc16(b"") == 0


@given(st.binary(max_size=64))
def test_crc_matches_independent_implementation(data: bytes) -> None:
    assert crc16(data) == kermit_via_xmodem(data)


def test_registration_frame_exact_bytes() -> None:
    apdu = cmd.registration(0).encode()
    assert apdu == HEX("06 00 06 000000 86 0392")
    crc = kermit_via_xmodem(apdu + b"\x03")
    assert encode_frame(apdu) == HEX("10 02 06 00 06 00 00 00 86 03 92 10 03") + bytes([crc & 0xFF, crc >> 8])


def test_ack_apdu_frame_exact_bytes() -> None:
    crc = kermit_via_xmodem(HEX("80 00 00 03"))
    assert encode_frame(HEX("80 00 00")) == HEX("10 02 80 00 00 10 03") + bytes([crc & 0xFF, crc >> 8])


def test_dle_in_data_is_doubled_and_crc_is_over_unstuffed_data() -> None:
    apdu = HEX("06 D1 03 00 10 41")
    frame = encode_frame(apdu)
    assert frame[:10] == HEX("10 02 06 D1 03 00 10 10 41 10")
    assert frame_length(frame) == len(frame)
    assert decode_frame(frame) == apdu


def test_authorisation_exact_bytes() -> None:
    raw = cmd.authorisation(7, 1200, PaymentMethod.QR).encode()
    assert raw == HEX("06 01 1A 04 000000001200 49 0392 19 40 06 0C DF60 04 00000007 DF62 02 5152")


def test_extended_length_form() -> None:
    raw = encode_apdu(0x06, 0xD1, bytes(300))
    assert raw[:5] == HEX("06 D1 FF 2C 01")
    assert decode_apdu(raw).data == bytes(300)


def test_bcd_and_bmps() -> None:
    assert bcd_encode(392, 2) == HEX("0392")
    assert bcd_decode(HEX("000000001200")) == 1200
    data = encode_bmps([(0x27, b"\x00"), (0x22, HEX("4111EEEE1111")), (0x06, encode_tlv([(0xDF61, b"JCB")]))])
    assert data == HEX("27 00 22 F0 F6 4111EEEE1111 06 06 DF61 03 4A4342")
    assert decode_bmps(data)[1] == (0x22, HEX("4111EEEE1111"))
    assert decode_tlv(decode_bmps(data)[2][1]) == [(0xDF61, b"JCB")]


def test_trace_masks_pan() -> None:
    raw = encode_apdu(0x04, 0x0F, encode_bmps([(0x22, HEX("4111111111111111"))]))
    assert "4111111111111111" not in format_apdu(raw).replace(" ", "")
    assert "**" in format_apdu(raw)


@pytest.mark.parametrize(
    "frame",
    [
        HEX("10 02 80 00 00 10 03 00 00"),  # bad CRC
        HEX("10 02 80 00 00 10 03 01"),  # truncated CRC
        HEX("10 02 80 00"),  # truncated
        HEX("02 10 80 00 00 10 03 00 00"),  # no DLE STX
        HEX("10 02 80 10 41 10 03 00 00"),  # DLE followed by junk
    ],
)
def test_malformed_frames(frame: bytes) -> None:
    with pytest.raises(ZvtFrameError):
        decode_apdu(decode_frame(frame))


def test_wrong_apdu_length() -> None:
    with pytest.raises(ZvtFrameError, match="length"):
        decode_apdu(decode_frame(encode_frame(HEX("04 0F 05 27 00"))))


@given(st.integers(0, 255), st.integers(0, 255), st.binary(max_size=400))
def test_frame_round_trip(ccrc: int, aprc: int, data: bytes) -> None:
    apdu = encode_apdu(ccrc, aprc, data)
    decoded = decode_apdu(decode_frame(encode_frame(apdu)))
    assert (decoded.ccrc, decoded.aprc, decoded.data) == (ccrc, aprc, data)


@given(st.integers(0, 10**12 - 1), st.integers(0, 2**32 - 1), st.text(alphabet="ABCDEF", max_size=20))
def test_bmp_round_trip(amount: int, sequence: int, text: str) -> None:
    fields = [(0x04, bcd_encode(amount, 6)), (0x06, encode_tlv([(0xDF60, sequence.to_bytes(4, "big"))]))]
    fields.append((0x3C, text.encode()))
    decoded = decode_bmps(encode_bmps(fields))
    assert bcd_decode(decoded[0][1]) == amount
    assert decode_tlv(decoded[1][1]) == [(0xDF60, sequence.to_bytes(4, "big"))]
    assert decoded[2][1] == text.encode()


@settings(max_examples=300)
@given(st.binary(max_size=80))
def test_random_bytes_raise_only_frame_errors(data: bytes) -> None:
    for parse in (decode_frame, decode_apdu, decode_bmps, decode_tlv, bcd_decode):
        with contextlib.suppress(ZvtFrameError):
            parse(data)


@given(st.binary(min_size=1, max_size=40), st.integers(0, 200), st.integers(0, 255))
def test_corrupted_frames_raise_only_frame_errors(data: bytes, position: int, flip: int) -> None:
    frame = bytearray(encode_frame(encode_apdu(0x04, 0x0F, data)))
    frame[position % len(frame)] ^= flip or 1
    try:
        decode_apdu(decode_frame(bytes(frame)))
        cmd.parse_fields(decode_apdu(decode_frame(bytes(frame))).data)
    except ZvtFrameError:
        pass


@given(st.binary(max_size=60))
def test_status_information_parser_raises_only_frame_errors(data: bytes) -> None:
    with contextlib.suppress(ZvtFrameError):
        cmd.parse_fields(data)
