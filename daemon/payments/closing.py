"""Daily close (日次締め) for 会計課: journal totals by 科目 × method × brand, reconciled with the terminal.

The close covers every approved terminal operation (sale, void, refund) not in an earlier close. The
terminal's batch totals come from ``end_of_day()`` (the batch is closed) or, for a dry run,
``daily_log()``. Each brand's counts and yen of sales, voids and refunds must match; mismatches are
flagged per brand and in the CSV.

A sale the terminal left 処理未了 (``OpState.UNKNOWN``) that staff later confirmed as paid (ResolvePayment)
is money outside the terminal's batch totals: it is listed apart (職員確認, 照合 端末計外) in the first
close after the confirmation, never in the brand reconciliation.

CSV (UTF-8 with BOM, so Excel opens it in Japanese; one header row), columns:

| column   | meaning                                                                       |
|----------|-------------------------------------------------------------------------------|
| 区分     | 明細 (科目 × 支払方法 × ブランド), 職員確認 (処理未了, staff confirmed paid),   |
|          | ジャーナル計 / 端末計 (per brand)                                              |
| 締め番号 | the close number (0 for a dry run)                                            |
| 科目コード, 科目 | the fee item (empty on brand rows)                                     |
| 支払方法 | クレジット / 電子マネー / QRコード                                             |
| ブランド | the brand's Japanese label                                                    |
| 売上件数, 売上金額, 取消件数, 取消金額, 返金件数, 返金金額 | counts and yen                 |
| 差引金額 | sales − voids − refunds                                                       |
| 照合     | on brand rows: 一致 (matches the terminal) or 不一致; 端末計外 on 職員確認     |
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from drivers.payment import BrandTotals, DailyTotals, PaymentMethod, PaymentTerminal
from drivers.payment.brands import BRAND_RULES

from .journal import PaymentJournal
from .manager import PaymentManager, brand_of
from .model import FeeLine, OpKind, OpState, Payment, PaymentState, TerminalOp

_LOGGER = logging.getLogger(__name__)

CSV_HEADER = (
    "区分",
    "締め番号",
    "科目コード",
    "科目",
    "支払方法",
    "ブランド",
    "売上件数",
    "売上金額",
    "取消件数",
    "取消金額",
    "返金件数",
    "返金金額",
    "差引金額",
    "照合",
)
METHOD_LABELS = {
    PaymentMethod.CREDIT: "クレジット",
    PaymentMethod.EMONEY: "電子マネー",
    PaymentMethod.QR: "QRコード",
}


@dataclass
class Counts:
    sales_count: int = 0
    sales_yen: int = 0
    voids_count: int = 0
    voids_yen: int = 0
    refunds_count: int = 0
    refunds_yen: int = 0

    def add(self, kind: OpKind, amount: int) -> None:
        column = {OpKind.SALE: "sales", OpKind.VOID: "voids", OpKind.REFUND: "refunds"}[kind]
        setattr(self, f"{column}_count", getattr(self, f"{column}_count") + 1)
        setattr(self, f"{column}_yen", getattr(self, f"{column}_yen") + amount)

    @property
    def net_yen(self) -> int:
        return self.sales_yen - self.voids_yen - self.refunds_yen

    def as_tuple(self) -> tuple[int, int, int, int, int, int]:
        return (
            self.sales_count,
            self.sales_yen,
            self.voids_count,
            self.voids_yen,
            self.refunds_count,
            self.refunds_yen,
        )


@dataclass(frozen=True)
class SubjectTotal:
    fee_code: str
    subject: str
    method: str
    brand: str
    counts: Counts


@dataclass(frozen=True)
class BrandCheck:
    brand: str
    journal: Counts
    terminal: Counts

    @property
    def matches(self) -> bool:
        return self.journal.as_tuple() == self.terminal.as_tuple()


@dataclass(frozen=True)
class DailyCloseReport:
    number: int  # 0 for a dry run
    terminal_batch: int
    totals: tuple[SubjectTotal, ...]
    brands: tuple[BrandCheck, ...]
    csv_bytes: bytes
    csv_path: str = ""
    staff_confirmed: tuple[SubjectTotal, ...] = ()  # 処理未了 sales staff confirmed: outside the terminal
    closed_at: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.UTC))

    @property
    def reconciled(self) -> bool:
        return all(check.matches for check in self.brands)


_SubjectKey = tuple[str, str, str, str]  # fee code, 科目, method, brand
STAFF_CONFIRMED_PAID = frozenset({PaymentState.APPROVED, PaymentState.COMMITTED})


def _add_lines(by_subject: dict[_SubjectKey, Counts], payment: Payment, brand: str, kind: OpKind) -> None:
    for line in payment.lines or (FeeLine("", "未分類", 1, payment.amount_yen),):
        key = (line.fee_code, line.subject, payment.method, brand)
        by_subject.setdefault(key, Counts()).add(kind, line.amount_yen)


def _subject_totals(by_subject: dict[_SubjectKey, Counts]) -> list[SubjectTotal]:
    return [SubjectTotal(*key, counts) for key, counts in sorted(by_subject.items())]


def journal_totals(
    journal: PaymentJournal, unclosed: list[TerminalOp]
) -> tuple[list[SubjectTotal], dict[str, Counts], list[int]]:
    """Approved operations among ``unclosed``: totals per 科目 line and per brand; their sequence numbers."""
    by_subject: dict[_SubjectKey, Counts] = {}
    by_brand: dict[str, Counts] = {}
    seqs: list[int] = []
    for op in unclosed:
        if op.state is not OpState.APPROVED:
            continue
        payment = journal.payment(op.order_id)
        brand = op.brand or payment.brand
        seqs.append(op.sequence_number)
        by_brand.setdefault(brand, Counts()).add(op.kind, op.amount_yen)
        _add_lines(by_subject, payment, brand, op.kind)
    return _subject_totals(by_subject), by_brand, seqs


def staff_confirmed_totals(
    journal: PaymentJournal, unclosed: list[TerminalOp]
) -> tuple[list[SubjectTotal], list[int]]:
    """処理未了 sales among ``unclosed`` whose payment staff confirmed as paid, per 科目 line; their sequence
    numbers. A 処理未了 sale still unresolved waits for a later close."""
    by_subject: dict[_SubjectKey, Counts] = {}
    seqs: list[int] = []
    for op in unclosed:
        if op.state is not OpState.UNKNOWN or op.kind is not OpKind.SALE:
            continue
        payment = journal.payment(op.order_id)
        if payment.state not in STAFF_CONFIRMED_PAID:
            continue
        seqs.append(op.sequence_number)
        _add_lines(by_subject, payment, op.brand or payment.brand, op.kind)
    return _subject_totals(by_subject), seqs


def _terminal_counts(totals: BrandTotals) -> Counts:
    return Counts(
        totals.sales_count,
        totals.sales_yen,
        totals.voids_count,
        totals.voids_yen,
        totals.refunds_count,
        totals.refunds_yen,
    )


def reconcile(journal: dict[str, Counts], terminal: DailyTotals) -> list[BrandCheck]:
    reported = {item.brand.value: _terminal_counts(item) for item in terminal.brands}
    return [
        BrandCheck(brand, journal.get(brand, Counts()), reported.get(brand, Counts()))
        for brand in sorted(set(journal) | set(reported))
    ]


def _brand_label(brand: str) -> str:
    rule = BRAND_RULES.get(brand_of(brand))
    return rule.label_ja if rule else brand


def _method_label(method: str) -> str:
    try:
        return METHOD_LABELS[PaymentMethod(method)]
    except ValueError:
        return method


def render_csv(
    number: int,
    totals: Iterable[SubjectTotal],
    brands: Iterable[BrandCheck],
    staff_confirmed: Iterable[SubjectTotal] = (),
) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    for kind, items, verdict in (("明細", totals, ""), ("職員確認", staff_confirmed, "端末計外")):
        for item in items:
            label = (item.fee_code, item.subject, _method_label(item.method), _brand_label(item.brand))
            writer.writerow((kind, number, *label, *item.counts.as_tuple(), item.counts.net_yen, verdict))
    for check in brands:
        verdict = "一致" if check.matches else "不一致"
        method = BRAND_RULES[brand_of(check.brand)].method if brand_of(check.brand) in BRAND_RULES else ""
        for kind, counts in (("ジャーナル計", check.journal), ("端末計", check.terminal)):
            label = ("", "", _method_label(method), _brand_label(check.brand))
            writer.writerow((kind, number, *label, *counts.as_tuple(), counts.net_yen, verdict))
    return "\ufeff".encode() + out.getvalue().encode("utf-8")


def daily_close(
    manager: PaymentManager, terminal: PaymentTerminal, *, directory: Path, dry_run: bool = False
) -> DailyCloseReport:
    """Settle the journal, total it, ask the terminal for its batch totals, reconcile, write the CSV."""
    manager.ensure_recovered(terminal)
    unclosed = manager.journal.ops(unclosed=True)
    totals, by_brand, seqs = journal_totals(manager.journal, unclosed)
    confirmed, confirmed_seqs = staff_confirmed_totals(manager.journal, unclosed)
    terminal_totals = terminal.daily_log() if dry_run else terminal.end_of_day()
    brands = reconcile(by_brand, terminal_totals)
    if dry_run:
        body = render_csv(0, totals, brands, confirmed)
        batch, staff = terminal_totals.batch_number, tuple(confirmed)
        return DailyCloseReport(0, batch, tuple(totals), tuple(brands), body, staff_confirmed=staff)
    reconciled = all(check.matches for check in brands)
    number = manager.journal.record_close(
        terminal_totals.batch_number, reconciled, "", [*seqs, *confirmed_seqs]
    )
    body = render_csv(number, totals, brands, confirmed)
    directory.mkdir(parents=True, exist_ok=True)
    now = dt.datetime.now().astimezone()
    path = directory / f"close-{number:04d}-{now:%Y%m%d-%H%M%S}.csv"
    path.write_bytes(body)
    manager.journal.set_close_csv(number, str(path))
    if not reconciled:
        _LOGGER.warning("daily close does not match the terminal", extra={"close": number})
    _LOGGER.info("daily close", extra={"close": number, "operations": len(seqs), "reconciled": reconciled})
    return DailyCloseReport(
        number,
        terminal_totals.batch_number,
        tuple(totals),
        tuple(brands),
        body,
        str(path),
        staff_confirmed=tuple(confirmed),
    )
