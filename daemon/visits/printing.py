"""Submitting the front-yard's documents to the print queue (a ``daemon.ports.PrintSubmitter``).

``submit_pdf`` for the A4 form printer (with its page count) and ``submit_receipt`` for the receipt printer,
each giving the job's resource name. Titles carry reception ids, never personal data.
"""

from __future__ import annotations

import re

from drivers.escpos.document import Receipt

from ..ports import PrintSubmitter

_PAGE = re.compile(rb"/Type\s*/Page(?![a-zA-Z])")


def count_pages(pdf: bytes) -> int:
    """Pages in a PDF we rendered ourselves (reportlab writes page objects uncompressed)."""
    return max(1, len(_PAGE.findall(pdf)))


async def submit_pdf(printer: PrintSubmitter, pdf: bytes, title: str) -> str:
    return await printer.submit_pdf(pdf, title=title, pages=count_pages(pdf))


async def submit_receipt(printer: PrintSubmitter, receipt: Receipt, title: str) -> str:
    return await printer.submit_receipt(receipt, title=title)
