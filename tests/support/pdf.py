"""Small PDFs for print tests."""

from __future__ import annotations

import io

from reportlab.pdfgen import canvas


def make_pdf(pages: int, marker: str = "FRONTYARD-TEST") -> bytes:
    """An uncompressed PDF with ``marker`` on every page (so a test can look for it on disk)."""
    buffer = io.BytesIO()
    document = canvas.Canvas(buffer, pageCompression=0)
    for page in range(1, pages + 1):
        document.drawString(72, 720, f"{marker} page {page}")
        document.showPage()
    document.save()
    return buffer.getvalue()
