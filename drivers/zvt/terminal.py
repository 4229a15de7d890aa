"""ZVT (ZVT 700 ECR interface) adapter of the payment port.

URI: ``socket://127.0.0.1:20007`` | ``tcp://host:port`` (bare APDUs) | ``/dev/ttyUSB0`` |
``serial:///dev/ttyUSB0?baud=9600`` | ``rfc2217://host:port``; optional query keys ``password`` (6 digits),
``t1``, ``t3``, ``t4`` (seconds).

| operation              | ZVT                 | notes                                                   |
|------------------------|---------------------|---------------------------------------------------------|
| open                   | 06 00 Registration  | ECR password, yen                                        |
| sale                   | 06 01 Authorisation | progress from 04 FF; result from 04 0F + 06 0F / 06 1E    |
| void                   | 06 30 Reversal      | the terminal applies the brand's void rule (B5 if not)   |
| refund                 | 06 31 Refund        | card presented again                                    |
| last/find_transaction  | 06 20 Repeat Receipt| answered from the terminal's own log                    |
| daily_log / end_of_day | 06 50 End-of-Day    | report-only flag DF68 for daily_log                     |
| status / check_health  | 05 01 Status Enquiry|                                                         |
| abort                  | 06 B0 Abort         | sent between messages of a running sale; not guaranteed |

Timers (ZVT names): T1 = ACK after a frame (5 s), T2 = between bytes (1 s), T3 = first answer (80 00 or
84 xx) to a command (5 s), T4 = completion timer (180 s), restarted by every message from the terminal
(Intermediate Status, Print Line, Status Information). A money command the terminal accepted (80 00) whose
result does not arrive raises ``ResultUnknown``; one it never accepted raises ``TerminalTimeout``. The
driver never guesses an outcome: recover with ``find_transaction(sequence_number)``. PANs are masked in
every trace (``format_apdu``).
"""

from __future__ import annotations

import logging
import threading
import time
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass

from drivers.base import DeviceHealth, DeviceKind, DriverInfo, parse_device_uri
from drivers.payment.errors import (
    FrameError,
    PaymentError,
    ResultUnknown,
    TerminalBusy,
    TerminalDisconnected,
    TerminalRefused,
    TerminalTimeout,
)
from drivers.payment.model import (
    DailyTotals,
    PaymentMethod,
    ProgressCallback,
    SaleResult,
    TerminalStatus,
    TransactionKind,
    TransactionRecord,
    ignore_progress,
)
from drivers.zvt import commands as cmd
from drivers.zvt.frames import Apdu, ZvtFrameError, decode_apdu, format_apdu
from drivers.zvt.link import BareLink, ByteChannel, FramedLink, Link
from drivers.zvt.results import Exchange, daily_totals, sale_result, transaction_record

_LOGGER = logging.getLogger(__name__)

ChannelFactory = Callable[[], tuple[ByteChannel, bool]]


@dataclass(frozen=True)
class ZvtTimers:
    t1: float = 5.0
    t2: float = 1.0
    t3: float = 5.0
    t4: float = 180.0
    poll: float = 0.05  # how often a waiting sale looks at an abort request


class ZvtTerminal:
    """One ZVT payment terminal; synchronous, one operation at a time (a second gets ``TerminalBusy``)."""

    def __init__(
        self,
        uri: str,
        *,
        password: int = 0,
        timers: ZvtTimers | None = None,
        channel_factory: ChannelFactory | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.uri = uri
        self._password = password
        self._timers = timers or ZvtTimers()
        self._clock = clock
        self._factory = channel_factory or self._open_uri
        self._link: Link | None = None
        self._lock = threading.Lock()
        self._abort_requested = threading.Event()

    # ---- Device -------------------------------------------------------------------------------------

    def open(self) -> None:
        with self._operation():
            self._exchange(cmd.registration(self._password), ignore_progress, money=False)

    def close(self) -> None:
        if self._link is not None:
            self._link.close()
            self._link = None

    def check_health(self) -> DeviceHealth:
        state = self.status()
        reasons = ("terminal-busy",) if state.busy else () if state.ready else ("terminal-not-ready",)
        return DeviceHealth(ready=state.ready and not state.busy, reasons=reasons, detail=state.terminal_id)

    # ---- payments -----------------------------------------------------------------------------------

    def sale(
        self, sequence_number: int, amount_yen: int, method: PaymentMethod, progress: ProgressCallback
    ) -> SaleResult:
        _check_amount(amount_yen)
        with self._operation():
            apdu = cmd.authorisation(sequence_number, amount_yen, method)
            result = self._exchange(apdu, progress, money=True)
        return sale_result(result, TransactionKind.SALE, sequence_number, amount_yen, None)

    def void(self, sequence_number: int, original_sequence_number: int) -> SaleResult:
        with self._operation():
            apdu = cmd.reversal(self._password, sequence_number, original_sequence_number)
            result = self._exchange(apdu, ignore_progress, money=True)
        return sale_result(result, TransactionKind.VOID, sequence_number, 0, original_sequence_number)

    def refund(
        self,
        sequence_number: int,
        original_sequence_number: int,
        amount_yen: int,
        progress: ProgressCallback = ignore_progress,
    ) -> SaleResult:
        _check_amount(amount_yen)
        with self._operation():
            apdu = cmd.refund(self._password, sequence_number, original_sequence_number, amount_yen)
            result = self._exchange(apdu, progress, money=True)
        return sale_result(
            result, TransactionKind.REFUND, sequence_number, amount_yen, original_sequence_number
        )

    def last_transaction(self) -> TransactionRecord | None:
        with self._operation():
            result = self._exchange(cmd.repeat_receipt(self._password), ignore_progress, money=False)
        return transaction_record(result)

    def find_transaction(self, sequence_number: int) -> TransactionRecord | None:
        with self._operation():
            apdu = cmd.repeat_receipt(self._password, sequence_number)
            result = self._exchange(apdu, ignore_progress, money=False)
        return transaction_record(result)

    def daily_log(self) -> DailyTotals:
        with self._operation():
            apdu = cmd.end_of_day(self._password, report_only=True)
            return daily_totals(self._exchange(apdu, ignore_progress, money=False), closed=False)

    def end_of_day(self) -> DailyTotals:
        with self._operation():
            apdu = cmd.end_of_day(self._password)
            return daily_totals(self._exchange(apdu, ignore_progress, money=False), closed=True)

    def status(self) -> TerminalStatus:
        with self._operation():
            try:
                result = self._exchange(cmd.status_enquiry(self._password), ignore_progress, money=False)
            except TerminalBusy as exc:
                return TerminalStatus(ready=False, busy=True, result_code=exc.code or 0)
        info = result.infos[-1] if result.infos else cmd.StatusInformation()
        code = info.result_code or 0
        last = info.number(cmd.TAG_LAST_SEQUENCE)
        return TerminalStatus(code == 0, False, code, info.terminal_id, last)

    def abort(self) -> None:
        """Ask the terminal to abort; during a sale, sent between its messages (the terminal may refuse)."""
        if not self._lock.acquire(blocking=False):
            self._abort_requested.set()
            return
        try:
            self._abort_requested.clear()
            link = self._ensure_link()
            self._send(link, cmd.abort())
            answer = self._receive(link, self._timers.t3)
            if answer is None:
                raise TerminalTimeout("no answer to Abort (06 B0)")
        except TerminalDisconnected:
            self._drop_link()
            raise
        finally:
            self._lock.release()

    # ---- the exchange -------------------------------------------------------------------------------

    def _operation(self) -> _Guard:
        return _Guard(self._lock)

    def _open_uri(self) -> tuple[ByteChannel, bool]:
        from drivers.zvt.transport import open_channel  # the only module touching pyserial

        return open_channel(self.uri)

    def _ensure_link(self) -> Link:
        if self._link is None:
            channel, framed = self._factory()
            timers = self._timers
            if framed:
                self._link = FramedLink(channel, t1=timers.t1, t2=timers.t2, clock=self._clock)
            else:
                self._link = BareLink(channel, t2=timers.t2, clock=self._clock)
        return self._link

    def _drop_link(self) -> None:
        if self._link is not None:
            self._link.close()
        self._link = None

    def _send(self, link: Link, apdu: Apdu) -> None:
        raw = apdu.encode()
        _LOGGER.debug("ECR → PT %s", format_apdu(raw))
        link.send(raw)

    def _receive(self, link: Link, timeout: float) -> Apdu | None:
        raw = link.receive(timeout)
        if raw is None:
            return None
        _LOGGER.debug("PT → ECR %s", format_apdu(raw))
        return decode_apdu(raw)

    def _exchange(self, command: Apdu, progress: ProgressCallback, *, money: bool) -> Exchange:
        self._abort_requested.clear()
        accepted = False
        try:
            link = self._ensure_link()
            self._send(link, command)
            first = self._receive(link, self._timers.t3)
            if first is None:
                self._drop_link()
                raise TerminalTimeout(f"no answer to {command.ccrc:02X} {command.aprc:02X} within T3")
            if first.ccrc == 0x84:
                _raise_negative(first.aprc)
            if first.command != (0x80, 0x00):
                raise ZvtFrameError(f"expected 80 00, got {first.ccrc:02X} {first.aprc:02X}")
            accepted = True
            return self._follow(link, progress)
        except TerminalDisconnected as exc:
            self._drop_link()
            if accepted and money:
                raise ResultUnknown("the line dropped after the terminal accepted the command") from exc
            raise
        except FrameError as exc:
            self._drop_link()
            if accepted and money:
                raise ResultUnknown(f"unreadable answer after the command was accepted: {exc}") from exc
            raise
        except TerminalTimeout as exc:
            if accepted and money:
                raise ResultUnknown("no result from the terminal within T4") from exc
            raise

    def _follow(self, link: Link, progress: ProgressCallback) -> Exchange:
        result = Exchange()
        deadline = self._clock() + self._timers.t4
        abort_sent = False
        while True:
            remaining = deadline - self._clock()
            if remaining <= 0:
                self._drop_link()
                raise TerminalTimeout("T4 ran out while waiting for the terminal")
            if self._abort_requested.is_set() and not abort_sent:
                self._send(link, cmd.abort())
                abort_sent = True
            message = self._receive(link, min(remaining, self._timers.poll))
            if message is None:
                continue
            if message.command == (0x80, 0x00):
                continue  # the terminal's ack of our abort request
            deadline = self._clock() + self._timers.t4
            self._send(link, cmd.ACK_APDU)
            if message.command == (0x04, 0xFF):
                step = cmd.parse_intermediate(message.data)
                if step is not None:
                    progress(step)
            elif message.command == (0x06, 0xD1):
                result.lines.append(cmd.parse_print_line(message.data))
            elif message.command == (0x04, 0x0F):
                info, items = cmd.parse_fields(message.data)
                result.infos.append(info)
                result.tlv_items += items
            elif message.command == (0x06, 0x0F):
                info, items = cmd.parse_fields(message.data)
                result.infos.append(info)
                result.tlv_items += items
                result.final = message
                return result
            elif message.command == (0x06, 0x1E):
                _code, info = cmd.parse_abort(message.data)
                result.infos.append(info)
                result.final = message
                return result
            else:
                _LOGGER.info("ignoring %02X %02X from the terminal", message.ccrc, message.aprc)


class _Guard:
    """Single flight: a second operation while one runs gets ``TerminalBusy`` at once."""

    def __init__(self, lock: threading.Lock) -> None:
        self._lock = lock

    def __enter__(self) -> None:
        if not self._lock.acquire(blocking=False):
            raise TerminalBusy("another payment terminal operation is running")

    def __exit__(self, *exc: object) -> None:
        self._lock.release()


def _check_amount(amount_yen: int) -> None:
    if not 0 < amount_yen <= 999_999_999_999:
        raise PaymentError(f"amount out of range: {amount_yen}", reason="invalid_amount")


def _raise_negative(code: int) -> None:
    if code in cmd.BUSY_CODES:
        raise TerminalBusy(f"terminal busy (84 {code:02X})", code=code)
    raise TerminalRefused(f"terminal refused the command (84 {code:02X})", code=code)


def parse_timers(uri: str) -> tuple[int, ZvtTimers]:
    """Password and timers from the URI's query (``?password=000000&t3=5&t4=180``)."""
    query = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(uri).query))
    defaults = ZvtTimers()
    timers = ZvtTimers(
        t1=float(query.get("t1", defaults.t1)),
        t2=float(query.get("t2", defaults.t2)),
        t3=float(query.get("t3", defaults.t3)),
        t4=float(query.get("t4", defaults.t4)),
    )
    return int(query.get("password", "0")), timers


DRIVER = DriverInfo(
    name="zvt",
    kind=DeviceKind.PAYMENT_TERMINAL,
    schemes=("socket", "tcp", "serial", "rfc2217"),
    summary="ZVT 700 ECR interface: cashless payment terminal over serial, serial-over-TCP or bare TCP",
)


def open_device(uri: str) -> ZvtTerminal:
    """A ZVT terminal for ``uri`` (not yet connected: call ``open()``)."""
    if not uri.startswith("/dev/"):
        parse_device_uri(uri, DRIVER.schemes)
    password, timers = parse_timers(uri)
    return ZvtTerminal(uri, password=password, timers=timers)
