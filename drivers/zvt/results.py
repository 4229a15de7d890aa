"""Turn what a ZVT terminal sent during one exchange into the port's dataclasses."""

from __future__ import annotations

from dataclasses import dataclass, field

from drivers.payment.errors import FrameError, ResultUnknown
from drivers.payment.model import (
    BrandTotals,
    DailyTotals,
    Outcome,
    SaleResult,
    TransactionKind,
    TransactionRecord,
)
from drivers.zvt import commands as cmd
from drivers.zvt.frames import Apdu


@dataclass
class Exchange:
    """Everything the terminal sent after accepting one command."""

    final: Apdu | None = None
    infos: list[cmd.StatusInformation] = field(default_factory=list)
    tlv_items: list[tuple[int, bytes]] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)


def _merged(result: Exchange) -> cmd.StatusInformation:
    """The first Status Information that carries a result, else the final message's fields."""
    with_result = [info for info in result.infos if info.result_code is not None or info.tlv]
    return with_result[0] if with_result else cmd.StatusInformation()


def _outcome(result: Exchange, info: cmd.StatusInformation) -> tuple[Outcome, int]:
    final = result.final
    code = info.result_code if info.result_code is not None else 0
    if final is not None and final.command == (0x06, 0x1E):
        code = final.data[0]
    status = info.text(cmd.TAG_STATUS)
    if status in Outcome.__members__:
        return Outcome[status], code
    if code == cmd.ResultCode.SUCCESS:
        return Outcome.APPROVED, code
    if code == cmd.ResultCode.ABORTED:
        return Outcome.CANCELLED, code
    if code == cmd.ResultCode.RESULT_UNKNOWN:
        return Outcome.UNKNOWN, code
    return Outcome.DECLINED, code


def sale_result(
    result: Exchange, kind: TransactionKind, sequence: int, amount: int, original: int | None
) -> SaleResult:
    info = _merged(result)
    outcome, code = _outcome(result, info)
    reported = info.number(cmd.TAG_SEQUENCE)
    if reported is not None and reported != sequence:
        raise ResultUnknown(f"terminal answered for sequence number {reported}, not {sequence}")
    return SaleResult(
        sequence_number=sequence,
        kind=kind,
        outcome=outcome,
        amount_yen=info.amount_yen if info.amount_yen is not None else amount,
        brand=cmd.parse_brand(info.text(cmd.TAG_BRAND)),
        method=cmd.parse_method(info.text(cmd.TAG_METHOD)),
        approval_number=info.approval,
        masked_pan=cmd.mask_pan(info.pan),
        trace_number=info.trace_number,
        receipt_number=info.receipt_number,
        result_code=code,
        original_sequence_number=original,
        replayed=info.flag(cmd.TAG_REPLAYED),
        receipt_lines=tuple(result.lines),
    )


def transaction_record(result: Exchange) -> TransactionRecord | None:
    info = next((item for item in result.infos if item.number(cmd.TAG_SEQUENCE) is not None), None)
    if info is None:
        return None
    sequence = info.number(cmd.TAG_SEQUENCE)
    assert sequence is not None
    kind_text = info.text(cmd.TAG_KIND)
    outcome, _ = _outcome(Exchange(infos=[info]), info)
    return TransactionRecord(
        sequence_number=sequence,
        kind=TransactionKind[kind_text] if kind_text in TransactionKind.__members__ else TransactionKind.SALE,
        outcome=outcome,
        amount_yen=info.amount_yen or 0,
        brand=cmd.parse_brand(info.text(cmd.TAG_BRAND)),
        method=cmd.parse_method(info.text(cmd.TAG_METHOD)),
        approval_number=info.approval,
        masked_pan=cmd.mask_pan(info.pan),
        trace_number=info.trace_number,
        receipt_number=info.receipt_number,
        timestamp=info.text(cmd.TAG_TIMESTAMP),
        original_sequence_number=info.number(cmd.TAG_ORIGINAL_SEQUENCE),
        voided=info.flag(cmd.TAG_VOIDED),
    )


def daily_totals(result: Exchange, *, closed: bool) -> DailyTotals:
    brands: list[BrandTotals] = []
    batch = 0
    for tag, value in result.tlv_items:
        if tag == cmd.TAG_BATCH and len(value) == 4:
            batch = int.from_bytes(value, "big")
        elif tag == cmd.TAG_TOTALS:
            parts = value.decode("ascii", errors="replace").split(",")
            if len(parts) != 7 or not all(part.isdigit() for part in parts[1:]):
                raise FrameError(f"bad totals entry ({len(value)} bytes)")
            counts = [int(part) for part in parts[1:]]
            brands.append(BrandTotals(cmd.parse_brand(parts[0]), *counts))
    return DailyTotals(batch_number=batch, closed=closed, brands=tuple(brands))
