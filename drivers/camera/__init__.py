"""Document camera driver: capture (OpenCV), ID document reading (PP-OCRv6 or Tesseract), QR codes.

``open_device("http://127.0.0.1:8080/stream.mjpg").read_document()``; see ``capture`` for URI formats.
"""

from drivers.camera.capture import DRIVER, CameraDevice, CaptureSettings, open_device
from drivers.camera.engines import EngineChoice, EngineUnavailable
from drivers.camera.errors import (
    CameraError,
    CameraOffline,
    MyNumberCardBack,
    NoDocument,
    OcrFailed,
    QrDecodeError,
    UnsupportedDocument,
    WarekiError,
)
from drivers.camera.layouts import DocumentType, FieldName
from drivers.camera.qr import QrCode, QrWatcher, decode_qr
from drivers.camera.reading import DocumentReading, FieldReading, read_document
from drivers.camera.review import MESSAGES, FlagReason

__all__ = [
    "DRIVER",
    "MESSAGES",
    "CameraDevice",
    "CameraError",
    "CameraOffline",
    "CaptureSettings",
    "DocumentReading",
    "DocumentType",
    "EngineChoice",
    "EngineUnavailable",
    "FieldName",
    "FieldReading",
    "FlagReason",
    "MyNumberCardBack",
    "NoDocument",
    "OcrFailed",
    "QrCode",
    "QrDecodeError",
    "QrWatcher",
    "UnsupportedDocument",
    "WarekiError",
    "decode_qr",
    "open_device",
    "read_document",
]
