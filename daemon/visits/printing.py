"""Submitting the front-yard's documents to the daemon's print queue (``daemon.print_queue``).

The print service owns the queue: ``submit_pdf(pdf, title=..., pages=...)`` for the A4 form printer and
``submit_receipt(receipt, title=...)`` for the receipt printer, each giving a job (its resource name, or
an object with ``.name``). Titles carry reception ids, never personal data.
"""

from __future__ import annotations

import inspect
import re
from typing import Any

from drivers.escpos.document import Receipt

from ..errors import FailedPrecondition

_PAGE = re.compile(rb"/Type\s*/Page(?![a-zA-Z])")


def count_pages(pdf: bytes) -> int:
    """Pages in a PDF we rendered ourselves (reportlab writes page objects uncompressed)."""
    return max(1, len(_PAGE.findall(pdf)))


def _queue(daemon: Any) -> Any:
    queue = getattr(daemon, "print_queue", None)
    if queue is None:
        raise FailedPrecondition(
            "the daemon has no print queue",
            reason="printing_unavailable",
            message_ja="いまは印刷できません。職員をお呼びください。",
        )
    return queue


async def _job_name(result: Any) -> str:
    if inspect.isawaitable(result):
        result = await result
    if isinstance(result, str):
        return result
    return str(result.name)


async def submit_pdf(daemon: Any, pdf: bytes, title: str) -> str:
    return await _job_name(_queue(daemon).submit_pdf(pdf, title=title, pages=count_pages(pdf)))


async def submit_receipt(daemon: Any, receipt: Receipt, title: str) -> str:
    return await _job_name(_queue(daemon).submit_receipt(receipt, title=title))
