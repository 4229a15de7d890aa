"""ESC/POS receipt printer driver (python-escpos transports, our own command generation).

URI: ``tcp://127.0.0.1:9100`` | ``usb://VID:PID`` | ``serial:///dev/ttyUSB0?baud=19200``
(+ ``?profile=NAME&timeout=SECONDS``).

| feature                          | support                                                   |
|----------------------------------|-----------------------------------------------------------|
| raster receipts (``GS v 0``)     | every profile; Japanese text drawn with IPAex Gothic      |
| kanji text (``FS &``, Shift_JIS) | profiles with ``kanji=True``; non-JIS X 0208 lines → raster |
| QR (``GS ( k``) / barcode (``GS k``) | native where the profile allows; QR otherwise raster  |
| real-time status (``DLE EOT 1-4``) | validated; paper near-end/out, cover open, offline, cutter |
| reprint after paper-out          | ``PrintOutcome.completed`` False → print the receipt again |
"""

from __future__ import annotations

from drivers.base import DeviceKind, DriverInfo
from drivers.escpos.document import (
    Align,
    Barcode,
    BarcodeKind,
    Block,
    Cut,
    Feed,
    Logo,
    QrCode,
    Receipt,
    Rule,
    TextLine,
    TextSize,
)
from drivers.escpos.encoder import EncodedReceipt, RenderMode, encode_receipt
from drivers.escpos.errors import (
    CoverOpenError,
    CutterError,
    MalformedStatusError,
    PaperOutError,
    PrinterError,
    PrinterOfflineError,
    PrinterUnreachableError,
    ReceiptContentError,
)
from drivers.escpos.printer import SCHEMES, PrintOutcome, ReceiptPrinter, open_device
from drivers.escpos.profiles import PROFILES, PrinterProfile, get_profile
from drivers.escpos.status import PrinterStatus, parse_status

DRIVER = DriverInfo(
    name="escpos",
    kind=DeviceKind.RECEIPT_PRINTER,
    schemes=SCHEMES,
    summary="ESC/POS receipt printer: raster or kanji receipts, DLE EOT status, reprint after paper-out",
)

__all__ = [
    "DRIVER",
    "PROFILES",
    "Align",
    "Barcode",
    "BarcodeKind",
    "Block",
    "CoverOpenError",
    "Cut",
    "CutterError",
    "EncodedReceipt",
    "Feed",
    "Logo",
    "MalformedStatusError",
    "PaperOutError",
    "PrintOutcome",
    "PrinterError",
    "PrinterOfflineError",
    "PrinterProfile",
    "PrinterStatus",
    "PrinterUnreachableError",
    "QrCode",
    "Receipt",
    "ReceiptContentError",
    "ReceiptPrinter",
    "RenderMode",
    "Rule",
    "TextLine",
    "TextSize",
    "encode_receipt",
    "get_profile",
    "open_device",
    "parse_status",
]
