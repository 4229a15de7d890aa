"""Errors of the document camera driver.

Error tree::

    DeviceError                       (drivers.base)
    ├── DeviceUnavailable             camera_offline: the stream or V4L2 device is gone or stopped answering
    └── CameraError                   camera_error
        ├── NoDocument                no_document: no card-shaped quad in the frame
        ├── UnsupportedDocument       unsupported_document: a card, but not one we can read
        ├── MyNumberCardBack          my_number_card_back: the back of a My Number card, refused, not read
        ├── OcrFailed                 ocr_failed: Tesseract failed or returned nothing usable
        └── QrDecodeError             qr_decode_error: a QR code was found but its payload is not text

    WarekiError (ValueError)          a 和暦 date string that does not parse (pure parser error)

Messages never contain what was read from a document.
"""

from __future__ import annotations

from drivers.base import DeviceError, DeviceUnavailable


class CameraOffline(DeviceUnavailable):
    """The camera cannot be opened or stopped delivering frames."""

    reason = "camera_offline"
    message_ja = "カメラに接続できません。職員をお呼びください。"


class CameraError(DeviceError):
    """Root of the camera's own (non-transport) errors."""

    reason = "camera_error"
    message_ja = "カメラでエラーが発生しました。職員をお呼びください。"


class NoDocument(CameraError):
    reason = "no_document"
    message_ja = "書類が見つかりません。台の上に置いてください。"


class UnsupportedDocument(CameraError):
    reason = "unsupported_document"
    message_ja = "この書類は読み取りできません。職員にお渡しください。"


class MyNumberCardBack(CameraError):
    reason = "my_number_card_back"
    message_ja = "マイナンバーカードの裏面です。表面を上にして置いてください。"


class OcrFailed(CameraError):
    reason = "ocr_failed"
    message_ja = "文字を読み取れませんでした。置き直してください。"


class QrDecodeError(CameraError):
    reason = "qr_decode_error"
    message_ja = "QRコードを読み取れませんでした。"


class WarekiError(ValueError):
    """A Japanese-era (和暦) date that cannot be parsed or does not exist."""
