"""The payment port: UnifiedPOS CAT vocabulary as typed dataclasses, enums and one Protocol.

A terminal family plugs in with one adapter module (``drivers/zvt/terminal.py`` is the first) that
implements ``PaymentTerminal`` and is declared by its package's ``DRIVER``. Every operation carries a
client-supplied ``sequence_number`` (UPOS ``sequenceNumber``): the terminal stores it with the
transaction, so ``last_transaction()`` / ``find_transaction()`` tell a recovering daemon exactly what
happened to that number.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

from drivers.base import DeviceHealth


class PaymentMethod(enum.StrEnum):
    CREDIT = "credit"
    EMONEY = "emoney"
    QR = "qr"


class Brand(enum.StrEnum):
    VISA = "visa"
    MASTERCARD = "mastercard"
    JCB = "jcb"
    AMEX = "amex"
    DINERS = "diners"
    TRANSIT_IC = "transit_ic"  # 交通系IC
    ID = "id"
    QUICPAY = "quicpay"
    WAON = "waon"
    NANACO = "nanaco"
    RAKUTEN_EDY = "rakuten_edy"
    PAYPAY = "paypay"
    D_BARAI = "d_barai"
    AU_PAY = "au_pay"
    RAKUTEN_PAY = "rakuten_pay"
    UNKNOWN = "unknown"  # the terminal did not say


class Outcome(enum.StrEnum):
    APPROVED = "approved"
    DECLINED = "declined"
    CANCELLED = "cancelled"
    UNKNOWN = "unknown"  # 処理未了: the terminal itself cannot say


class TransactionKind(enum.StrEnum):
    SALE = "sale"
    VOID = "void"
    REFUND = "refund"


class SaleProgress(enum.StrEnum):
    PRESENT_CARD = "present_card"
    PIN_ON_TERMINAL = "pin_on_terminal"
    PROCESSING = "processing"
    REMOVE_CARD = "remove_card"


ProgressCallback = Callable[[SaleProgress], None]


def ignore_progress(step: SaleProgress) -> None:
    """A progress callback that does nothing."""


@dataclass(frozen=True)
class SaleResult:
    """The answer to sale, void or refund. ``result_code`` is the terminal's own code (0 = success)."""

    sequence_number: int
    kind: TransactionKind
    outcome: Outcome
    amount_yen: int
    brand: Brand = Brand.UNKNOWN
    method: PaymentMethod | None = None
    approval_number: str = ""
    masked_pan: str = ""
    trace_number: int | None = None
    receipt_number: int | None = None
    result_code: int = 0
    original_sequence_number: int | None = None
    replayed: bool = False  # the terminal already had this sequence number and repeated its stored result
    receipt_lines: tuple[str, ...] = ()


@dataclass(frozen=True)
class TransactionRecord:
    """One transaction from the terminal's own log (UPOS ``queryLastSuccessfulTransactionResult``)."""

    sequence_number: int
    kind: TransactionKind
    outcome: Outcome
    amount_yen: int
    brand: Brand
    method: PaymentMethod | None
    approval_number: str
    masked_pan: str
    trace_number: int | None
    receipt_number: int | None
    timestamp: str  # ISO 8601, terminal clock
    original_sequence_number: int | None = None
    voided: bool = False


@dataclass(frozen=True)
class BrandTotals:
    brand: Brand
    sales_count: int = 0
    sales_yen: int = 0
    voids_count: int = 0
    voids_yen: int = 0
    refunds_count: int = 0
    refunds_yen: int = 0

    @property
    def net_yen(self) -> int:
        return self.sales_yen - self.voids_yen - self.refunds_yen


@dataclass(frozen=True)
class DailyTotals:
    """Totals of one terminal batch; ``closed`` is True after end-of-day (the batch is settled)."""

    batch_number: int
    closed: bool
    brands: tuple[BrandTotals, ...] = field(default_factory=tuple)

    @property
    def net_yen(self) -> int:
        return sum(item.net_yen for item in self.brands)

    def for_brand(self, brand: Brand) -> BrandTotals:
        return next((item for item in self.brands if item.brand == brand), BrandTotals(brand))


@dataclass(frozen=True)
class TerminalStatus:
    ready: bool
    busy: bool
    result_code: int
    terminal_id: str = ""
    last_sequence_number: int | None = None


class PaymentTerminal(Protocol):
    """What the daemon's payment service calls; synchronous, one operation at a time per terminal."""

    def open(self) -> None: ...

    def close(self) -> None: ...

    def check_health(self) -> DeviceHealth: ...

    def sale(
        self, sequence_number: int, amount_yen: int, method: PaymentMethod, progress: ProgressCallback
    ) -> SaleResult: ...

    def void(self, sequence_number: int, original_sequence_number: int) -> SaleResult: ...

    def refund(
        self,
        sequence_number: int,
        original_sequence_number: int,
        amount_yen: int,
        progress: ProgressCallback,
    ) -> SaleResult: ...

    def last_transaction(self) -> TransactionRecord | None: ...

    def find_transaction(self, sequence_number: int) -> TransactionRecord | None: ...

    def daily_log(self) -> DailyTotals: ...

    def end_of_day(self) -> DailyTotals: ...

    def status(self) -> TerminalStatus: ...

    def abort(self) -> None: ...
