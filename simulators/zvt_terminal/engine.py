"""The simulated terminal's behaviour: commands, scripted outcomes, Japanese brands and their void rules."""

from __future__ import annotations

import datetime
import logging
import threading
from collections import deque
from typing import Any, Protocol

from simulators.zvt_terminal.store import Record, TransactionLog
from simulators.zvt_terminal.wire import ClosedError, Message, bcd, from_bcd, parse_message, read_request, tlv

_LOGGER = logging.getLogger(__name__)

OUTCOMES = (
    "approve",
    "decline",
    "cancel",
    "timeout",
    "disconnect_before_approve",
    "disconnect_after_approve",
    "unknown",
    "busy",
)

# brand -> (method, void before end-of-day, refund days: None = unlimited, -1 = never)
BRANDS: dict[str, tuple[str, bool, int | None]] = {
    "VISA": ("CREDIT", True, None),
    "MASTERCARD": ("CREDIT", True, None),
    "JCB": ("CREDIT", True, None),
    "AMEX": ("CREDIT", True, None),
    "DINERS": ("CREDIT", True, None),
    "TRANSIT_IC": ("EMONEY", False, -1),
    "ID": ("EMONEY", True, 60),
    "QUICPAY": ("EMONEY", True, 60),
    "WAON": ("EMONEY", True, 14),
    "NANACO": ("EMONEY", False, -1),
    "RAKUTEN_EDY": ("EMONEY", False, -1),
    "PAYPAY": ("QR", True, None),
    "D_BARAI": ("QR", True, None),
    "AU_PAY": ("QR", True, None),
    "RAKUTEN_PAY": ("QR", True, None),
}
DEFAULT_BRAND = {"CREDIT": "VISA", "EMONEY": "TRANSIT_IC", "QR": "PAYPAY"}

ACK = Message(0x80, 0x00, b"")
PRESENT, PIN, PROCESSING, REMOVE = 0x0A, 0x01, 0x04, 0x0B


class Link(Protocol):
    def send(self, apdu: bytes) -> None: ...

    def receive(self, timeout: float) -> bytes | None: ...


class DroppedError(Exception):
    """The scenario drops the line now."""


class Terminal:
    def __init__(self, log: TransactionLog, terminal_id: int = 52000001) -> None:
        self.log = log
        self.terminal_id = terminal_id
        self.lock = threading.Lock()
        self.busy = threading.Lock()
        self.reset()

    def reset(self) -> None:
        with self.lock:
            self.outcomes: deque[str] = deque()
            self.brand: str | None = None
            self.delay_ms = 10

    def state(self) -> dict[str, Any]:
        with self.lock:
            queued, brand, delay = list(self.outcomes), self.brand, self.delay_ms
        return {
            "queued_outcomes": queued,
            "brand": brand,
            "delay_ms": delay,
            "busy": self.busy.locked(),
            "batch": self.log.batch,
            "log": self.log.snapshot()[-20:],
        }

    def script(self, outcomes: list[str], brand: str | None) -> None:
        unknown = [item for item in outcomes if item not in OUTCOMES]
        if unknown or (brand is not None and brand not in BRANDS):
            raise ValueError(f"unknown outcome or brand: {unknown or brand}")
        with self.lock:
            self.outcomes.extend(outcomes)
            if brand is not None:
                self.brand = brand

    def next_outcome(self) -> str:
        with self.lock:
            return self.outcomes.popleft() if self.outcomes else "approve"

    # ---- dispatch -----------------------------------------------------------------------------------

    def handle(self, link: Link, raw: bytes) -> None:
        message = parse_message(raw)
        command = (message.ccrc, message.aprc)
        if command == (0x80, 0x00):
            return
        session = _Session(self, link)
        if command in ((0x06, 0x01), (0x06, 0x31), (0x06, 0x30)):
            if not self.busy.acquire(blocking=False):
                session.put(Message(0x84, 0xA0, b""))
                return
            try:
                if command == (0x06, 0x30):
                    session.void(message.data)
                else:
                    session.payment(message.data, refund=command == (0x06, 0x31))
            finally:
                self.busy.release()
        elif command == (0x06, 0x00):
            session.put(ACK)
            session.talk(Message(0x06, 0x0F, bytes([0x27, 0x00, 0x29]) + bcd(self.terminal_id, 4)))
        elif command == (0x05, 0x01):
            session.status()
        elif command == (0x06, 0xB0):
            session.put(ACK)
        elif command == (0x06, 0x20):
            session.repeat_receipt(message.data)
        elif command == (0x06, 0x50):
            session.end_of_day(message.data)
        else:
            session.put(Message(0x84, 0x83, b""))


def _u32(value: int) -> bytes:
    return value.to_bytes(4, "big")


def _now() -> datetime.datetime:
    return datetime.datetime.now().astimezone()


class _Session:
    def __init__(self, terminal: Terminal, link: Link) -> None:
        self.terminal, self.link, self.log = terminal, link, terminal.log
        self.aborted = False

    def put(self, message: Message) -> None:
        self.link.send(message.raw())

    def talk(self, message: Message) -> None:
        """Send a PT message and wait for the ECR's 80 00 (noting an Abort that comes instead)."""
        self.put(message)
        for _ in range(3):
            raw = self.link.receive(5.0)
            if raw is None:
                return
            self._note(raw)
            if raw[:2] == b"\x80\x00":
                return

    def _note(self, raw: bytes) -> None:
        if raw[:2] == b"\x06\xb0":
            self.aborted = True

    def pause(self) -> None:
        with self.terminal.lock:
            delay = self.terminal.delay_ms / 1000
        raw = self.link.receive(delay) if delay > 0 else None
        if raw is not None:
            self._note(raw)

    def step(self, code: int) -> None:
        self.talk(Message(0x04, 0xFF, bytes([code])))
        self.pause()

    # ---- payments -----------------------------------------------------------------------------------

    def payment(self, data: bytes, *, refund: bool) -> None:
        fields, tags = read_request(data[3:] if refund else data)
        seq = int.from_bytes(tags.get(0xDF60, b"\0\0\0\0"), "big")
        amount = from_bcd(fields[0x04])
        if (known := self.log.find(seq)) is not None:
            self.put(ACK)
            self.finish(known, replayed=True)
            return
        outcome = self.terminal.next_outcome()
        if outcome == "busy":
            self.put(Message(0x84, 0xA0, b""))
            return
        original_seq = int.from_bytes(tags[0xDF65], "big") if 0xDF65 in tags else None
        method = tags.get(0xDF62, b"CREDIT").decode()
        with self.terminal.lock:
            chosen = self.terminal.brand
        brand = chosen if chosen is not None else DEFAULT_BRAND.get(method, "VISA")
        original = self.log.find(original_seq, "SALE") if original_seq is not None else None
        kind = "REFUND" if refund else "SALE"
        if original is not None:
            brand = original["brand"]
        record = self.new_record(seq, kind, amount, brand, original_seq)
        self.put(ACK)
        if refund and not self.refund_allowed(original, amount):
            self.finish(self.store(record, "DECLINED", 0x83))
            return
        self.step(PRESENT)
        if outcome == "timeout":
            self.store(record, "CANCELLED", 0x6C)
            return  # never answers
        if outcome == "disconnect_before_approve":
            self.store(record, "CANCELLED", 0x6C)
            raise DroppedError
        if BRANDS[brand][0] == "CREDIT":
            self.step(PIN)
        if outcome == "cancel" or self.aborted:
            self.finish(self.store(record, "CANCELLED", 0x6C))
            return
        self.step(PROCESSING)
        if outcome == "decline":
            self.finish(self.store(record, "DECLINED", 0x05))
        elif outcome == "unknown":
            self.finish(self.store(record, "UNKNOWN", 0xFE))
        else:
            stored = self.store(record, "APPROVED", 0x00)
            if outcome == "disconnect_after_approve":
                raise DroppedError
            if BRANDS[brand][0] != "QR":
                self.step(REMOVE)
            self.finish(stored)

    def refund_allowed(self, original: Record | None, amount: int) -> bool:
        if original is None or original["outcome"] != "APPROVED" or amount > original["amount"]:
            return False
        days = BRANDS[original["brand"]][2]
        if days is None:
            return True
        age = (_now().date() - datetime.date.fromisoformat(original["date"])).days
        return days >= 0 and age <= days

    def void(self, data: bytes) -> None:
        _, tags = read_request(data[3:])
        seq = int.from_bytes(tags.get(0xDF60, b"\0\0\0\0"), "big")
        if (known := self.log.find(seq)) is not None:
            self.put(ACK)
            self.finish(known, replayed=True)
            return
        original_seq = int.from_bytes(tags.get(0xDF65, b"\0\0\0\0"), "big")
        original = self.log.find(original_seq, "SALE")
        self.put(ACK)
        brand = original["brand"] if original else "VISA"
        record = self.new_record(seq, "VOID", original["amount"] if original else 0, brand, original_seq)
        if original is None or original["outcome"] != "APPROVED":
            code = 0x83 if original is None else 0xB5
        elif original.get("voided"):
            code = 0xB4
        elif not BRANDS[brand][1] or original["batch"] != self.log.batch:
            code = 0xB5
        else:
            code = 0x00
        if code:
            self.finish(self.store(record, "DECLINED", code))
            return
        stored = self.store(record, "APPROVED", 0x00)
        self.log.mark_voided(original_seq)
        self.finish(stored)

    def new_record(self, seq: int, kind: str, amount: int, brand: str, original: int | None) -> Record:
        trace = len(self.log.records) + 1
        now = _now()
        method = BRANDS[brand][0]
        return {
            "seq": seq,
            "kind": kind,
            "amount": amount,
            "brand": brand,
            "method": method,
            "trace": trace,
            "receipt": trace % 10000,
            "approval": f"{trace * 7919 % 1000000:06d}",
            "pan": "4111EEEEEEEE1111" if method == "CREDIT" else "",
            "ts": now.isoformat(timespec="seconds"),
            "date": now.date().isoformat(),
            "batch": self.log.batch,
            "original_seq": original,
            "voided": False,
        }

    def store(self, record: Record, outcome: str, code: int) -> Record:
        stored = {**record, "outcome": outcome, "code": code}
        if outcome != "APPROVED":
            stored["approval"] = ""
        self.log.append(stored)
        return stored

    def record_fields(self, record: Record, *, replayed: bool = False) -> bytes:
        tags = [
            (0xDF60, _u32(record["seq"])),
            (0xDF61, record["brand"].encode()),
            (0xDF62, record["method"].encode()),
            (0xDF63, record["outcome"].encode()),
            (0xDF64, record["kind"].encode()),
            (0xDF69, record["ts"].encode()),
            (0xDF6A, b"\x01" if record.get("voided") else b"\x00"),
            (0xDF6B, b"\x01" if replayed else b"\x00"),
        ]
        if record.get("original_seq") is not None:
            tags.append((0xDF65, _u32(record["original_seq"])))
        out = bytes([0x27, record["code"]]) + b"\x04" + bcd(record["amount"], 6)
        out += b"\x0b" + bcd(record["trace"], 3) + b"\x87" + bcd(record["receipt"], 2)
        if record["approval"]:
            out += b"\x3b" + record["approval"].encode().ljust(8)
        if record["pan"]:
            pan = bytes.fromhex(record["pan"])  # LLVAR: the length counts bytes
            out += b"\x22" + bytes([0xF0 | len(pan) // 10, 0xF0 | len(pan) % 10]) + pan
        return out + tlv(tags)

    def finish(self, record: Record, *, replayed: bool = False) -> None:
        self.talk(Message(0x04, 0x0F, self.record_fields(record, replayed=replayed)))
        if record["outcome"] == "APPROVED":
            for line in (f"Frontyard 決済 {record['brand']}", f"金額 {record['amount']}円", "お控え"):
                self.talk(Message(0x06, 0xD1, b"\x00" + line.encode()))
            self.talk(Message(0x06, 0x0F, bytes([0x27, 0x00])))
        else:
            self.talk(Message(0x06, 0x1E, bytes([record["code"]])))

    # ---- queries ------------------------------------------------------------------------------------

    def status(self) -> None:
        last = self.log.last()
        self.put(ACK)
        tags = [(0xDF6C, _u32(last["seq"]))] if last else []
        data = bytes([0x27, 0x00, 0x29]) + bcd(self.terminal.terminal_id, 4) + (tlv(tags) if tags else b"")
        self.talk(Message(0x06, 0x0F, data))

    def repeat_receipt(self, data: bytes) -> None:
        _, tags = read_request(data[3:])
        record = self.log.find(int.from_bytes(tags[57184], "big")) if 57184 in tags else self.log.last()
        self.put(ACK)
        if record is not None:
            self.talk(Message(0x04, 0x0F, self.record_fields(record)))
        self.talk(Message(0x06, 0x0F, bytes([0x27, 0x00])))

    def end_of_day(self, data: bytes) -> None:
        _, tags = read_request(data[3:])
        report_only = tags.get(0xDF68, b"\x00") != b"\x00"
        batch = self.log.batch
        totals: dict[str, list[int]] = {}
        for record in self.log.snapshot():
            if record["batch"] != batch or record["outcome"] != "APPROVED":
                continue
            row = totals.setdefault(record["brand"], [0] * 6)
            column = {"SALE": 0, "VOID": 2, "REFUND": 4}[record["kind"]]
            row[column] += 1
            row[column + 1] += record["amount"]
        items = [(0xDF67, _u32(batch))]
        items += [
            (0xDF66, ",".join([brand, *map(str, row)]).encode()) for brand, row in sorted(totals.items())
        ]
        self.put(ACK)
        self.talk(Message(0x04, 0x0F, bytes([0x27, 0x00]) + tlv(items)))
        if not report_only:
            self.log.close_batch()
        self.talk(Message(0x06, 0x0F, bytes([0x27, 0x00])))


__all__ = ["OUTCOMES", "ClosedError", "DroppedError", "Terminal"]
