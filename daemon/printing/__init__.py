"""Durable print jobs: the journal, the per-printer FIFO queue, and the workers that drive the printers.

``PrintQueue`` is what other services call (``daemon.server.create_server`` builds one and hands it to
them as a ``daemon.ports.PrintSubmitter`` / ``JobWaiter``)::

    name = await print_queue.submit_receipt(receipt, title="整理券", order_id="")
    name = await print_queue.submit_pdf(pdf, title="転入 届出書", pages=14, copies=1)
    state = await print_queue.wait(name, timeout=30)   # JobState
    job = print_queue.get(name)                         # Job

Personal data: a job's *payload* (the receipt document or the PDF) may hold personal data. It lives in
the journal only while the job is not final and is overwritten (``secure_delete``, WAL truncated) when the
job is COMPLETED or CANCELLED; a FAILED job keeps it for RetryJob until it is cleared or
``failed_payload_ttl_s`` passes. Everything else in the journal is ids, counts and reason keys.
"""

from __future__ import annotations

from .model import FINAL_STATES, Job, JobKind, JobState
from .queue import PrintQueue
from .receipt_codec import ReceiptCodecError, decode_receipt, encode_receipt_document

__all__ = [
    "FINAL_STATES",
    "Job",
    "JobKind",
    "JobState",
    "PrintQueue",
    "ReceiptCodecError",
    "decode_receipt",
    "encode_receipt_document",
]
