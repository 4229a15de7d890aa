"""Builders and parsers of our ZVT subset, plus the Japan extension carried in BMP 06 (TLV).

| command                   | APDU  | direction | data                                                     |
|---------------------------|-------|-----------|----------------------------------------------------------|
| Registration              | 06 00 | ECR → PT  | password(3 BCD) config-byte currency(2 BCD)               |
| Authorisation (sale)      | 06 01 | ECR → PT  | BMP 04 amount, 49 currency, 19 payment type, 06 TLV       |
| Repeat Receipt            | 06 20 | ECR → PT  | password, [06 TLV DF60 = look up this sequence number]     |
| Reversal (void)           | 06 30 | ECR → PT  | password, [87 receipt no], 06 TLV                         |
| Refund                    | 06 31 | ECR → PT  | password, 04 amount, 49 currency, 06 TLV                  |
| End-of-Day                | 06 50 | ECR → PT  | password, [06 TLV DF68=01: report only, keep batch open]   |
| Status Enquiry            | 05 01 | ECR → PT  | password                                                  |
| Abort                     | 06 B0 | ECR → PT  | —                                                         |
| Intermediate Status       | 04 FF | PT → ECR  | status byte [timeout]                                     |
| Status Information        | 04 0F | PT → ECR  | 27, 04, 0B trace, 87 receipt, 3B approval, 22 PAN, 06 TLV |
| Print Line                | 06 D1 | PT → ECR  | attribute byte, text                                      |
| Completion                | 06 0F | PT → ECR  | [27 terminal status, 29 terminal id, 06 TLV]              |
| Abort from PT             | 06 1E | PT → ECR  | result code [06 TLV]                                      |
| ack / negative ack        | 80 00 / 84 xx | both |                                                         |

Japan extension (ZVT has no field for these): private tags in BMP 06, all ASCII unless noted —
DF60 application sequence number (4 bytes, big-endian), DF61 brand (``Brand`` name, e.g. ``PAYPAY``),
DF62 method (``CREDIT``/``EMONEY``/``QR``), DF63 transaction status (``APPROVED``/``DECLINED``/
``CANCELLED``/``UNKNOWN``), DF64 kind (``SALE``/``VOID``/``REFUND``), DF65 original sequence number
(4 bytes), DF66 one brand's totals ``BRAND,sales,yen,voids,yen,refunds,yen`` (repeated), DF67 batch
number (4 bytes), DF68 report-only flag (1 byte), DF69 terminal timestamp (ISO 8601), DF6A voided flag
(1 byte), DF6B replayed flag (1 byte: the sequence number was already known), DF6C last sequence number
(4 bytes). Result code FE is our 処理未了 (result unknown to the terminal itself).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

from drivers.payment.model import Brand, PaymentMethod, SaleProgress
from drivers.zvt.frames import (
    Apdu,
    ZvtFrameError,
    bcd_decode,
    bcd_encode,
    decode_bmps,
    decode_tlv,
    encode_bmps,
    encode_tlv,
)

CURRENCY_YEN = 392
PAYMENT_TYPE_PT_DECIDES = 0x40

TAG_SEQUENCE = 0xDF60
TAG_BRAND = 0xDF61
TAG_METHOD = 0xDF62
TAG_STATUS = 0xDF63
TAG_KIND = 0xDF64
TAG_ORIGINAL_SEQUENCE = 0xDF65
TAG_TOTALS = 0xDF66
TAG_BATCH = 0xDF67
TAG_REPORT_ONLY = 0xDF68
TAG_TIMESTAMP = 0xDF69
TAG_VOIDED = 0xDF6A
TAG_REPLAYED = 0xDF6B
TAG_LAST_SEQUENCE = 0xDF6C


class ResultCode(enum.IntEnum):
    """ZVT result codes we interpret (BMP 27, 06 1E, 84 xx)."""

    SUCCESS = 0x00
    DECLINED = 0x05
    CARD_NOT_READABLE = 0x64
    ABORTED = 0x6C  # abort via timeout or abort key: the resident cancelled
    FUNCTION_NOT_POSSIBLE = 0x83
    REPEAT_PROCESS = 0x9C
    RECEIVER_NOT_READY = 0xA0  # busy
    ALREADY_REVERSED = 0xB4
    REVERSAL_NOT_POSSIBLE = 0xB5
    RESULT_UNKNOWN = 0xFE  # Japan extension: 処理未了
    SYSTEM_ERROR = 0xFF


BUSY_CODES = frozenset({ResultCode.RECEIVER_NOT_READY, ResultCode.REPEAT_PROCESS})

INTERMEDIATE_STEPS: dict[int, SaleProgress] = {
    0x0A: SaleProgress.PRESENT_CARD,  # insert / present card
    0x01: SaleProgress.PIN_ON_TERMINAL,  # please watch PIN pad
    0x04: SaleProgress.PROCESSING,  # waiting for the host
    0x0E: SaleProgress.PROCESSING,  # please wait
    0x0B: SaleProgress.REMOVE_CARD,  # please remove card
}

ACK_APDU = Apdu(0x80, 0x00)


def _u32(value: int) -> bytes:
    if not 0 <= value <= 0xFFFFFFFF:
        raise ValueError(f"sequence number out of range: {value}")
    return value.to_bytes(4, "big")


def _password(password: int) -> bytes:
    return bcd_encode(password, 3)


def _tlv_bmp(items: list[tuple[int, bytes]]) -> tuple[int, bytes]:
    return (0x06, encode_tlv(items))


def registration(password: int, config_byte: int = 0x86) -> Apdu:
    return Apdu(0x06, 0x00, _password(password) + bytes([config_byte]) + bcd_encode(CURRENCY_YEN, 2))


def authorisation(sequence_number: int, amount_yen: int, method: PaymentMethod) -> Apdu:
    tlv = [(TAG_SEQUENCE, _u32(sequence_number)), (TAG_METHOD, method.name.encode())]
    fields = [
        (0x04, bcd_encode(amount_yen, 6)),
        (0x49, bcd_encode(CURRENCY_YEN, 2)),
        (0x19, bytes([PAYMENT_TYPE_PT_DECIDES])),
        _tlv_bmp(tlv),
    ]
    return Apdu(0x06, 0x01, encode_bmps(fields))


def reversal(password: int, sequence_number: int, original_sequence_number: int) -> Apdu:
    tlv = [(TAG_SEQUENCE, _u32(sequence_number)), (TAG_ORIGINAL_SEQUENCE, _u32(original_sequence_number))]
    return Apdu(0x06, 0x30, _password(password) + encode_bmps([_tlv_bmp(tlv)]))


def refund(password: int, sequence_number: int, original_sequence_number: int, amount_yen: int) -> Apdu:
    tlv = [(TAG_SEQUENCE, _u32(sequence_number)), (TAG_ORIGINAL_SEQUENCE, _u32(original_sequence_number))]
    fields = [(0x04, bcd_encode(amount_yen, 6)), (0x49, bcd_encode(CURRENCY_YEN, 2)), _tlv_bmp(tlv)]
    return Apdu(0x06, 0x31, _password(password) + encode_bmps(fields))


def end_of_day(password: int, *, report_only: bool = False) -> Apdu:
    extra = encode_bmps([_tlv_bmp([(TAG_REPORT_ONLY, b"\x01")])]) if report_only else b""
    return Apdu(0x06, 0x50, _password(password) + extra)


def repeat_receipt(password: int, sequence_number: int | None = None) -> Apdu:
    extra = (
        b"" if sequence_number is None else encode_bmps([_tlv_bmp([(TAG_SEQUENCE, _u32(sequence_number))])])
    )
    return Apdu(0x06, 0x20, _password(password) + extra)


def status_enquiry(password: int) -> Apdu:
    return Apdu(0x05, 0x01, _password(password))


def abort() -> Apdu:
    return Apdu(0x06, 0xB0)


# ---- parsers ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class StatusInformation:
    """A decoded 04 0F (or the BMPs of a 06 0F / 06 1E)."""

    result_code: int | None = None
    amount_yen: int | None = None
    trace_number: int | None = None
    receipt_number: int | None = None
    approval: str = ""
    pan: str = ""  # as the terminal sent it, '*' for masked digits
    terminal_id: str = ""
    tlv: dict[int, bytes] = field(default_factory=dict)

    def text(self, tag: int) -> str:
        try:
            return self.tlv.get(tag, b"").decode("ascii")
        except UnicodeDecodeError as exc:
            raise ZvtFrameError(f"TLV {tag:X} is not ASCII") from exc

    def number(self, tag: int) -> int | None:
        value = self.tlv.get(tag)
        if value is None:
            return None
        if len(value) != 4:
            raise ZvtFrameError(f"TLV {tag:X} needs 4 bytes, got {len(value)}")
        return int.from_bytes(value, "big")

    def flag(self, tag: int) -> bool:
        return self.tlv.get(tag, b"\x00") != b"\x00"


def _pan(raw: bytes) -> str:
    digits = raw.hex().rstrip("f").replace("e", "*")
    if any(ch not in "0123456789*" for ch in digits):
        raise ZvtFrameError("PAN is not BCD")
    return digits


def parse_fields(data: bytes) -> tuple[StatusInformation, list[tuple[int, bytes]]]:
    """Decode BMPs into a StatusInformation; also return every TLV item in order (repeated tags kept)."""
    values: dict[str, object] = {}
    tlv_items: list[tuple[int, bytes]] = []
    for number, value in decode_bmps(data):
        if number == 0x27:
            values["result_code"] = value[0]
        elif number == 0x04:
            values["amount_yen"] = bcd_decode(value)
        elif number == 0x0B:
            values["trace_number"] = bcd_decode(value)
        elif number == 0x87:
            values["receipt_number"] = bcd_decode(value)
        elif number == 0x3B:
            values["approval"] = value.decode("ascii", errors="replace").strip("\x00 ")
        elif number == 0x22:
            values["pan"] = _pan(value)
        elif number == 0x29:
            values["terminal_id"] = value.hex()
        elif number == 0x06:
            tlv_items += decode_tlv(value)
    info = StatusInformation(tlv=dict(tlv_items), **values)  # type: ignore[arg-type]
    return info, tlv_items


def parse_intermediate(data: bytes) -> SaleProgress | None:
    if not data:
        raise ZvtFrameError("intermediate status without a status byte")
    return INTERMEDIATE_STEPS.get(data[0])


def parse_abort(data: bytes) -> tuple[int, StatusInformation]:
    """06 1E: result code, then optional BMPs."""
    if not data:
        raise ZvtFrameError("abort without a result code")
    info, _ = parse_fields(data[1:])
    return data[0], info


def parse_print_line(data: bytes) -> str:
    if not data:
        raise ZvtFrameError("print line without an attribute byte")
    return data[1:].decode("utf-8", errors="replace")


def parse_brand(text: str) -> Brand:
    try:
        return Brand[text] if text else Brand.UNKNOWN
    except KeyError:
        return Brand.UNKNOWN


def parse_method(text: str) -> PaymentMethod | None:
    try:
        return PaymentMethod[text] if text else None
    except KeyError:
        return None


def mask_pan(pan: str) -> str:
    """Keep at most the last four digits."""
    if len(pan) <= 4:
        return "*" * len(pan)
    return "*" * (len(pan) - 4) + pan[-4:]
