"""The ZVT adapter driven through a scripted channel: exact bytes, ACK/NAK, retries, timers, outcomes."""

from __future__ import annotations

import pytest

from drivers.payment import (
    Brand,
    Outcome,
    PaymentMethod,
    ResultUnknown,
    SaleProgress,
    TerminalBusy,
    TerminalTimeout,
)
from drivers.zvt import ZvtTerminal, ZvtTimers
from drivers.zvt import commands as cmd
from drivers.zvt.frames import bcd_encode, encode_apdu, encode_bmps, encode_frame, encode_tlv
from tests.unit.payment.scripted import ACK, FRAME, HEX, NAK, FakeClock, ScriptedChannel

Steps = list[tuple[str, object]]
TIMERS = ZvtTimers(t1=1.0, t2=0.5, t3=5.0, t4=10.0, poll=0.05)
SALE = cmd.authorisation(7, 1200, PaymentMethod.CREDIT).encode()


def ecr(apdu: bytes) -> Steps:
    """The driver sends a frame and the terminal ACKs it."""
    return [("w", encode_frame(apdu)), ("r", ACK)]


def pt(apdu: bytes) -> Steps:
    """The terminal sends a message; the driver ACKs the frame and answers 80 00."""
    return [("r", encode_frame(apdu)), ("w", ACK), *ecr(HEX("80 00 00"))]


ACCEPTED: Steps = [("r", FRAME("80 00 00")), ("w", ACK)]


def status_info(code: int, status: str = "", brand: str = "VISA", sequence: int = 7) -> bytes:
    tags = [(cmd.TAG_SEQUENCE, sequence.to_bytes(4, "big")), (cmd.TAG_BRAND, brand.encode())]
    if status:
        tags.append((cmd.TAG_STATUS, status.encode()))
    fields = [
        (0x27, bytes([code])),
        (0x04, bcd_encode(1200, 6)),
        (0x0B, bcd_encode(42, 3)),
        (0x87, bcd_encode(3, 2)),
        (0x3B, b"123456  "),
        (0x22, HEX("4111EEEEEEEE1111")),
        (0x06, encode_tlv(tags)),
    ]
    return encode_apdu(0x04, 0x0F, encode_bmps(fields))


def terminal(steps: Steps, *, framed: bool = True) -> tuple[ZvtTerminal, ScriptedChannel]:
    clock = FakeClock()
    channel = ScriptedChannel(clock, steps)
    return ZvtTerminal(
        "scripted", timers=TIMERS, channel_factory=lambda: (channel, framed), clock=clock
    ), channel


def test_approved_sale_exact_bytes_and_progress() -> None:
    steps = [
        *ecr(SALE),
        *ACCEPTED,
        *pt(HEX("04 FF 01 0A")),
        *pt(HEX("04 FF 01 01")),
        *pt(HEX("04 FF 01 04")),
        *pt(status_info(0)),
        *pt(HEX("06 D1 04 00 41 42 43")),
        *pt(HEX("06 0F 02 27 00")),
    ]
    zvt, channel = terminal(steps)
    seen: list[SaleProgress] = []
    result = zvt.sale(7, 1200, PaymentMethod.CREDIT, seen.append)
    assert channel.done()
    assert seen == [SaleProgress.PRESENT_CARD, SaleProgress.PIN_ON_TERMINAL, SaleProgress.PROCESSING]
    assert result.outcome is Outcome.APPROVED
    assert (result.brand, result.approval_number, result.trace_number) == (Brand.VISA, "123456", 42)
    assert result.masked_pan == "************1111"
    assert result.receipt_lines == ("ABC",)


def test_bare_tcp_sale_has_no_framing() -> None:
    steps: Steps = [
        ("w", SALE),
        ("r", HEX("80 00 00")),
        ("r", status_info(0x05)),
        ("w", HEX("80 00 00")),
        ("r", HEX("06 1E 01 05")),
        ("w", HEX("80 00 00")),
    ]
    zvt, channel = terminal(steps, framed=False)
    result = zvt.sale(7, 1200, PaymentMethod.CREDIT, lambda step: None)
    assert channel.done()
    assert (result.outcome, result.result_code) == (Outcome.DECLINED, 0x05)


def test_frame_is_repeated_after_nak() -> None:
    frame = encode_frame(SALE)
    steps = [("w", frame), ("r", NAK), ("w", frame), ("r", NAK), ("w", frame), ("r", ACK), *ACCEPTED]
    steps += [*pt(HEX("06 1E 01 6C"))]
    zvt, channel = terminal(steps)
    assert zvt.sale(7, 1200, PaymentMethod.CREDIT, lambda step: None).outcome is Outcome.CANCELLED
    assert channel.done()


def test_four_naks_give_terminal_timeout_not_result_unknown() -> None:
    frame = encode_frame(SALE)
    zvt, _ = terminal([step for _ in range(4) for step in (("w", frame), ("r", NAK))])
    with pytest.raises(TerminalTimeout):
        zvt.sale(7, 1200, PaymentMethod.CREDIT, lambda step: None)


def test_bad_crc_from_terminal_is_naked_and_repeated_frame_taken() -> None:
    bad = bytearray(FRAME("80 00 00"))
    bad[-1] ^= 0xFF
    steps = [*ecr(SALE), ("r", bytes(bad)), ("w", NAK), *ACCEPTED, *pt(status_info(0)), *pt(HEX("06 0F 00"))]
    zvt, channel = terminal(steps)
    assert zvt.sale(7, 1200, PaymentMethod.CREDIT, lambda step: None).outcome is Outcome.APPROVED
    assert channel.done()


def test_completion_timer_restarts_on_every_intermediate_status() -> None:
    steps: Steps = [*ecr(SALE), *ACCEPTED]
    for _ in range(3):  # 3 × 8 s > T4 = 10 s, but each message restarts T4
        steps += [("t", 8.0), *pt(HEX("04 FF 01 0E"))]
    steps += [("t", 8.0), *pt(status_info(0)), *pt(HEX("06 0F 00"))]
    zvt, channel = terminal(steps)
    assert zvt.sale(7, 1200, PaymentMethod.CREDIT, lambda step: None).outcome is Outcome.APPROVED
    assert channel.done()


def test_silence_after_acceptance_is_result_unknown() -> None:
    zvt, _ = terminal([*ecr(SALE), *ACCEPTED, *pt(HEX("04 FF 01 0A")), ("t", 11.0)])
    with pytest.raises(ResultUnknown) as caught:
        zvt.sale(7, 1200, PaymentMethod.CREDIT, lambda step: None)
    assert caught.value.reason == "result_unknown"


def test_no_answer_to_command_is_terminal_timeout() -> None:
    zvt, _ = terminal([*ecr(SALE), ("t", 6.0)])
    with pytest.raises(TerminalTimeout) as caught:
        zvt.sale(7, 1200, PaymentMethod.CREDIT, lambda step: None)
    assert caught.value.reason == "terminal_timeout"


def test_line_drop_after_acceptance_is_result_unknown() -> None:
    zvt, channel = terminal([*ecr(SALE), *ACCEPTED, *pt(HEX("04 FF 01 0A")), ("eof", b"")])
    with pytest.raises(ResultUnknown):
        zvt.sale(7, 1200, PaymentMethod.CREDIT, lambda step: None)
    assert channel.closed


def test_negative_ack_busy() -> None:
    zvt, _ = terminal([*ecr(SALE), ("r", FRAME("84 A0 00")), ("w", ACK)])
    with pytest.raises(TerminalBusy) as caught:
        zvt.sale(7, 1200, PaymentMethod.CREDIT, lambda step: None)
    assert (caught.value.reason, caught.value.code) == ("terminal_busy", 0xA0)


def test_unknown_reported_by_terminal() -> None:
    steps = [*ecr(SALE), *ACCEPTED, *pt(status_info(0xFE, "UNKNOWN")), *pt(HEX("06 1E 01 FE"))]
    zvt, _ = terminal(steps)
    assert zvt.sale(7, 1200, PaymentMethod.CREDIT, lambda step: None).outcome is Outcome.UNKNOWN


def test_answer_for_another_sequence_number_is_not_trusted() -> None:
    steps = [*ecr(SALE), *ACCEPTED, *pt(status_info(0, sequence=8)), *pt(HEX("06 0F 00"))]
    zvt, _ = terminal(steps)
    with pytest.raises(ResultUnknown):
        zvt.sale(7, 1200, PaymentMethod.CREDIT, lambda step: None)


def test_second_operation_while_one_runs_is_busy_and_abort_is_sent_between_messages() -> None:
    steps = [*ecr(SALE), *ACCEPTED, *pt(HEX("04 FF 01 0A")), *ecr(HEX("06 B0 00")), *pt(HEX("06 1E 01 6C"))]
    zvt, channel = terminal(steps)
    errors: list[Exception] = []

    def on_progress(step: SaleProgress) -> None:
        try:
            zvt.status()
        except TerminalBusy as exc:
            errors.append(exc)
        zvt.abort()

    result = zvt.sale(7, 1200, PaymentMethod.CREDIT, on_progress)
    assert result.outcome is Outcome.CANCELLED
    assert len(errors) == 1
    assert channel.done()


def test_last_transaction_and_end_of_day_totals() -> None:
    record = status_info(0, "APPROVED", brand="PAYPAY")
    totals = encode_tlv(
        [(cmd.TAG_BATCH, (3).to_bytes(4, "big")), (cmd.TAG_TOTALS, b"PAYPAY,2,800,1,300,0,0")]
    )
    steps = [*ecr(cmd.repeat_receipt(0).encode()), *ACCEPTED, *pt(record), *pt(HEX("06 0F 00"))]
    steps += [*ecr(cmd.end_of_day(0).encode()), *ACCEPTED]
    steps += [*pt(encode_apdu(0x04, 0x0F, encode_bmps([(0x06, totals)]))), *pt(HEX("06 0F 00"))]
    zvt, channel = terminal(steps)
    last = zvt.last_transaction()
    assert last is not None
    assert (last.sequence_number, last.outcome, last.brand) == (7, Outcome.APPROVED, Brand.PAYPAY)
    day = zvt.end_of_day()
    assert (day.batch_number, day.closed, day.net_yen) == (3, True, 500)
    assert day.for_brand(Brand.PAYPAY).voids_count == 1
    assert channel.done()


def test_no_last_transaction() -> None:
    zvt, _ = terminal([*ecr(cmd.repeat_receipt(0).encode()), *ACCEPTED, *pt(HEX("06 0F 02 27 00"))])
    assert zvt.last_transaction() is None
