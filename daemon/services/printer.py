"""kiosk.v1.PrinterService: print receipts and forms as durable jobs, follow them, Retry or Clear them.

The servicer turns requests into ``drivers.escpos.Receipt`` documents (daemon/receipts.py) or PDFs and
hands them to the print queue; the queue journals, prints and publishes the job events. The daemon starts
the queue before the services and stops it after them (``daemon.server``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import grpc
from google.protobuf.timestamp_pb2 import Timestamp
from kiosk.v1 import printer_pb2, printer_pb2_grpc

from drivers.escpos.document import Receipt
from drivers.payment.brands import BRAND_RULES
from drivers.payment.model import Brand, PaymentMethod
from frontyard.catalog import load_catalog
from frontyard.certificates import CATALOG as CERTIFICATES
from frontyard.lifeevents import life_events
from frontyard.municipality import Municipality

from .. import inputs, receipts
from ..errors import InvalidArgument
from ..payments.closing import METHOD_LABELS as CLOSE_METHOD_LABELS
from ..printing import PrintQueue
from ..printing.messages import PROTO_TO_STATE, job_message

Context = grpc.aio.ServicerContext[Any, Any]
JST = dt.timezone(dt.timedelta(hours=9), "JST")


def _when(stamp: Timestamp, has: bool) -> dt.datetime:
    """A Timestamp in Japan time; now when it is unset; InvalidArgument when it is out of range."""
    if not has:
        return dt.datetime.now(JST)
    try:
        return stamp.ToDatetime(tzinfo=JST)
    except (ValueError, OverflowError, OSError):
        raise InvalidArgument(
            "time is out of range (seconds 0001-01-01..9999-12-31, nanos 0..999999999)",
            reason="invalid_time",
        ) from None


def _nonnegative(value: int, field: str) -> int:
    if value < 0:
        raise InvalidArgument(f"{field} must not be negative", reason="invalid_argument")
    return value


class ReceiptBuilder:
    """Request messages → typed receipts; an empty municipality takes the configured one."""

    def __init__(self, municipality: str) -> None:
        self.municipality = municipality

    def _town(self, given: str) -> str:
        return given or self.municipality

    def ticket(self, message: printer_pb2.NumberedTicket) -> Receipt:
        return receipts.numbered_ticket(
            receipts.TicketInput(
                municipality=self._town(message.municipality),
                number=_nonnegative(message.number, "number"),
                counter=message.counter,
                issued_at=_when(message.issue_time, message.HasField("issue_time")),
                waiting=message.waiting if message.HasField("waiting") else None,
            )
        )

    def request_receipt(self, message: printer_pb2.CertificateRequestReceipt) -> Receipt:
        if not message.reception_number or not message.qr_payload:
            raise InvalidArgument("reception_number and qr_payload are required", reason="invalid_argument")
        lines = tuple(
            receipts.CertificateLine(
                line.name,
                _nonnegative(line.copies, "copies"),
                _nonnegative(line.fee_per_copy.yen, "fee_per_copy"),
            )
            for line in message.certificates
        )
        return receipts.request_receipt(
            receipts.RequestInput(
                municipality=self._town(message.municipality),
                reception_number=message.reception_number,
                certificates=lines,
                received_at=_when(message.receive_time, message.HasField("receive_time")),
                qr_payload=message.qr_payload,
                counter=message.counter,
            )
        )

    def payment_slip(self, message: printer_pb2.PaymentSlip) -> Receipt:
        return receipts.payment_slip(
            receipts.PaymentInput(
                municipality=self._town(message.municipality),
                order_id=message.order_id,
                items=tuple(receipts.PaymentItem(item.subject, item.amount.yen) for item in message.items),
                method=message.method,
                brand=message.brand,
                approval_number=message.approval_number,
                card_number=message.card_number,
                paid_at=_when(message.pay_time, message.HasField("pay_time")),
            )
        )

    def unknown_payment_slip(self, message: printer_pb2.UnknownPaymentSlip) -> Receipt:
        if not message.order_id:
            raise InvalidArgument("order_id is required", reason="invalid_argument")
        return receipts.unknown_payment_slip(
            receipts.UnknownPaymentInput(
                municipality=self._town(message.municipality),
                order_id=message.order_id,
                amount=message.amount.yen,
                terminal_sequence=message.terminal_sequence,
                occurred_at=_when(message.occur_time, message.HasField("occur_time")),
            )
        )


BRAND_LABELS = frozenset({brand.value for brand in Brand} | {rule.label_ja for rule in BRAND_RULES.values()})
METHOD_LABELS = frozenset({*CLOSE_METHOD_LABELS.values(), *(method.value for method in PaymentMethod)})


@dataclass(frozen=True)
class ReceiptLabels:
    """What a receipt request may print besides numbers: the labels of their tables (issue 21: staff
    type names where the API takes a counter), so a name never lands in the print journal or on paper."""

    municipalities: frozenset[str]
    counters: frozenset[str]
    certificates: frozenset[str] = frozenset()  # certificate names (住民票の写し) and the fees' 科目
    subjects: frozenset[str] = frozenset()  # 科目 a payment slip may print (住民票, 住民票の写し交付手数料)

    def check(self, request: printer_pb2.PrintReceiptRequest) -> None:
        ticket, receipt, slip = request.numbered_ticket, request.request_receipt, request.payment_slip
        documents = (("numbered_ticket", ticket), ("request_receipt", receipt), ("payment_slip", slip))
        for field, town in documents:
            what = {"what": "municipality", "what_ja": "設定された市町村名"}
            inputs.check_label(self.municipalities, f"{field}.municipality", town.municipality, **what)
        inputs.check_counter(self.counters, "numbered_ticket.counter", ticket.counter)
        inputs.check_counter(self.counters, "request_receipt.counter", receipt.counter)
        brand = {"what": "brand", "what_ja": "決済ブランド"}
        inputs.check_label(BRAND_LABELS, "payment_slip.brand", slip.brand, **brand)
        method = {"what": "payment method", "what_ja": "クレジット・電子マネー・QRコード"}
        inputs.check_label(METHOD_LABELS, "payment_slip.method", slip.method, **method)
        certificate = {"what": "certificate", "what_ja": "市の証明書名(例: 住民票の写し)"}
        for line in receipt.certificates:
            field = "request_receipt.certificates.name"
            inputs.check_label(self.certificates, field, line.name, **certificate)
        subject = {"what": "subject", "what_ja": "市の手数料の科目(例: 住民票の写し)"}
        for item in slip.items:
            inputs.check_label(self.subjects, "payment_slip.items.subject", item.subject, **subject)


TITLES = {"numbered_ticket": "整理券", "request_receipt": "受付票", "payment_slip": "お支払い明細"}


def document_titles() -> frozenset[str]:
    """The titles a print job may carry (issue 21: the print journal keeps the title): the catalog's form
    titles, the life events' checklists and the receipts'."""
    forms = {form.title for form in load_catalog().forms.values()}
    checklists = {info.checklist_title for info in life_events()} | {"手続き一覧"}
    return frozenset(forms | checklists | set(TITLES.values()) | {"障害伝票", "交付請求書"})


def fee_subjects(town: Municipality) -> frozenset[str]:
    """The 科目 of the municipality's fees, alone or as a 手数料 (住民票, 住民票の写し交付手数料)."""
    subjects = {subject for fee in town.fees.values() for subject in fee.subjects}
    return frozenset(f"{subject}{suffix}" for subject in subjects for suffix in ("", "手数料", "交付手数料"))


class PrinterService(printer_pb2_grpc.PrinterServiceServicer):
    def __init__(
        self, queue: PrintQueue, builder: ReceiptBuilder, labels: ReceiptLabels, titles: frozenset[str]
    ) -> None:
        self.queue = queue
        self.builder = builder
        self.labels = labels
        self.titles = titles

    async def PrintReceipt(
        self, request: printer_pb2.PrintReceiptRequest, context: Context
    ) -> printer_pb2.PrintReceiptResponse:
        inputs.check(inputs.ORDER_ID, "order_id", request.order_id, optional=True)
        inputs.check(inputs.ORDER_ID, "payment_slip.order_id", request.payment_slip.order_id, optional=True)
        self.labels.check(request)
        which = request.WhichOneof("document")
        if which == "numbered_ticket":
            receipt = self.builder.ticket(request.numbered_ticket)
        elif which == "request_receipt":
            receipt = self.builder.request_receipt(request.request_receipt)
        elif which == "payment_slip":
            receipt = self.builder.payment_slip(request.payment_slip)
        else:
            raise InvalidArgument(
                "choose a document: numbered_ticket, request_receipt or payment_slip",
                reason="document_missing",
            )
        order_id = request.order_id or (request.payment_slip.order_id if which == "payment_slip" else "")
        name = await self.queue.submit_receipt(receipt, title=TITLES[which], order_id=order_id)
        return printer_pb2.PrintReceiptResponse(job=job_message(self.queue.get(name)))

    async def PrintStaffSlip(
        self, request: printer_pb2.PrintStaffSlipRequest, context: Context
    ) -> printer_pb2.PrintStaffSlipResponse:
        slip = request.unknown_payment_slip
        inputs.check(inputs.ORDER_ID, "unknown_payment_slip.order_id", slip.order_id, optional=True)
        receipt = self.builder.unknown_payment_slip(slip)
        name = await self.queue.submit_receipt(receipt, title="障害伝票", order_id=slip.order_id)
        return printer_pb2.PrintStaffSlipResponse(job=job_message(self.queue.get(name)))

    async def PrintForms(
        self, request: printer_pb2.PrintFormsRequest, context: Context
    ) -> printer_pb2.PrintFormsResponse:
        inputs.check(inputs.ORDER_ID, "order_id", request.order_id, optional=True)
        inputs.check_title(self.titles, "title", request.title)
        name = await self.queue.submit_pdf(
            request.pdf,
            title=request.title,
            pages=request.pages,
            copies=request.copies or 1,
            order_id=request.order_id,
        )
        return printer_pb2.PrintFormsResponse(job=job_message(self.queue.get(name)))

    async def GetJob(self, request: printer_pb2.GetJobRequest, context: Context) -> printer_pb2.Job:
        inputs.check(inputs.JOB, "name", request.name)
        return job_message(self.queue.get(request.name))

    async def ListJobs(
        self, request: printer_pb2.ListJobsRequest, context: Context
    ) -> printer_pb2.ListJobsResponse:
        state = PROTO_TO_STATE.get(request.state)
        if request.state and state is None:
            raise InvalidArgument(f"unknown job state {request.state}", reason="invalid_argument")
        jobs, token = self.queue.list(state, request.page_size, request.page_token)
        return printer_pb2.ListJobsResponse(jobs=[job_message(job) for job in jobs], next_page_token=token)

    async def RetryJob(
        self, request: printer_pb2.RetryJobRequest, context: Context
    ) -> printer_pb2.RetryJobResponse:
        inputs.check(inputs.JOB, "name", request.name)
        return printer_pb2.RetryJobResponse(job=job_message(self.queue.retry(request.name)))

    async def CancelJob(
        self, request: printer_pb2.CancelJobRequest, context: Context
    ) -> printer_pb2.CancelJobResponse:
        inputs.check(inputs.JOB, "name", request.name)
        return printer_pb2.CancelJobResponse(job=job_message(await self.queue.cancel(request.name)))


class PrinterServiceRunner:
    service_names = ("kiosk.v1.PrinterService",)

    def __init__(self, queue: PrintQueue, municipality: str, town: Municipality) -> None:
        """``municipality`` is printed where a request leaves it empty; ``town`` gives the counters."""
        labels = ReceiptLabels(
            municipalities=frozenset({town.name, municipality}),
            counters=frozenset(name for c in town.counters.values() for name in (c.name, c.generic)),
            certificates=frozenset(
                {item.name_ja for item in CERTIFICATES}
                | {s for fee in town.fees.values() for s in fee.subjects},
            ),
            subjects=fee_subjects(town),
        )
        self.servicer = PrinterService(queue, ReceiptBuilder(municipality), labels, document_titles())

    def add_to_server(self, server: grpc.aio.Server) -> None:
        printer_pb2_grpc.add_PrinterServiceServicer_to_server(self.servicer, server)

    async def start(self) -> None:
        """Nothing of its own: the daemon starts the print queue before the services."""

    async def stop(self) -> None:
        """Nothing of its own: the daemon stops the print queue after the services."""
