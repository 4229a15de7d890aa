"""Errors of the ESC/POS receipt printer driver.

Error tree::

    DeviceError                         (drivers.base)
    ├── DeviceUnavailable               (drivers.base)
    │   └── PrinterUnreachableError     printer_unreachable: connect/send/read failed or timed out
    └── PrinterError                    printer_error: root of this driver's errors
        ├── PaperOutError               paper_out: the roll is empty (before or during a job)
        ├── CoverOpenError              cover_open: the paper cover is open
        ├── PrinterOfflineError         printer_offline: the printer reports offline (or an error state)
        ├── CutterError                 cutter_error: the auto-cutter failed
        ├── MalformedStatusError        malformed_status: a DLE EOT reply without the fixed bits 0xx1xx10
        └── ReceiptContentError         receipt_content: a document the printer cannot print (bad QR/barcode)

``PrinterUnreachableError`` is also a ``PrinterError``. Status errors carry the status byte in ``code``
and in hex in their message; no message contains receipt text.
"""

from __future__ import annotations

from drivers.base import DeviceError, DeviceUnavailable


class PrinterError(DeviceError):
    """Root of the receipt printer's errors."""

    reason = "printer_error"
    message_ja = "レシートプリンターでエラーが発生しました。職員をお呼びください。"


class PaperOutError(PrinterError):
    reason = "paper_out"
    message_ja = "用紙がありません。職員をお呼びください。"


class CoverOpenError(PrinterError):
    reason = "cover_open"
    message_ja = "プリンターのカバーが開いています。"


class PrinterOfflineError(PrinterError):
    reason = "printer_offline"
    message_ja = "プリンターがオフラインです。職員をお呼びください。"


class CutterError(PrinterError):
    reason = "cutter_error"
    message_ja = "プリンターのカッターに異常があります。職員をお呼びください。"


class MalformedStatusError(PrinterError):
    reason = "malformed_status"
    message_ja = "プリンターの状態を読み取れません。職員をお呼びください。"


class ReceiptContentError(PrinterError):
    reason = "receipt_content"
    message_ja = "レシートを作成できません。職員をお呼びください。"


class PrinterUnreachableError(PrinterError, DeviceUnavailable):
    reason = "printer_unreachable"
    message_ja = "レシートプリンターに接続できません。職員をお呼びください。"
