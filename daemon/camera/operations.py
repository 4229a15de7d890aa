"""What the camera service runs on the camera slot's worker thread (imports OpenCV; loaded lazily).

Each function takes the slot's device and returns plain data; images never leave this module except as
the JPEG bytes of ``capture_jpeg`` (returned to the caller, never stored).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

import cv2
import numpy as np

from drivers.base import Device
from drivers.camera import CameraDevice, EngineChoice, MyNumberCardBack, QrCode, QrWatcher
from drivers.camera.engines import load_engine
from drivers.camera.geometry import Image, find_card, rectify
from drivers.camera.layouts import DocumentType
from drivers.camera.reading import classify

from .store import FieldValue

_LOGGER = logging.getLogger(__name__)
JPEG_QUALITY = 90

__all__ = ["QrWatcher", "Still", "capture_jpeg", "read_fields", "scan_qr"]


@dataclass(frozen=True)
class Still:
    jpeg: bytes = field(repr=False)
    width: int
    height: int


@dataclass(frozen=True)
class Fields:
    doc_type: str
    fields: list[FieldValue]


def _camera(device: Device) -> CameraDevice:
    if not isinstance(device, CameraDevice):
        raise TypeError(f"not a camera: {type(device).__name__}")
    return device


def _is_my_number_back(frame: Image, engine: EngineChoice) -> bool:
    """True when the card on the stand is the back of a My Number card (title OCR only, no fields)."""
    quad = find_card(frame)
    if quad is None:
        return False
    card = rectify(frame, quad)
    loaded = load_engine(engine)
    doc_type = classify(card, loaded)
    if doc_type is None:
        doc_type = classify(np.asarray(cv2.rotate(card, cv2.ROTATE_180), dtype=np.uint8), loaded)
    return doc_type is DocumentType.MY_NUMBER_CARD_BACK


def capture_jpeg(device: Device, engine: str = "auto") -> Still:
    """The sharpest still of a burst as JPEG; ``MyNumberCardBack`` if the back of a My Number card shows."""
    frame = _camera(device).capture_still()
    if _is_my_number_back(frame, EngineChoice(engine)):
        raise MyNumberCardBack("the back of a My Number card is on the stand; no still is taken")
    ok, encoded = cv2.imencode(".jpg", frame, [cv2.IMWRITE_JPEG_QUALITY, JPEG_QUALITY])
    if not ok:
        raise RuntimeError("JPEG encoding failed")
    height, width = frame.shape[:2]
    return Still(encoded.tobytes(), int(width), int(height))


def read_fields(device: Device, engine: str = "auto") -> Fields:
    """Read the document on the stand into plain field values (driver errors pass through); ``engine``
    is an ``EngineChoice`` value."""
    reading = _camera(device).read_document(EngineChoice(engine))
    fields = [
        FieldValue(
            name.value,
            item.value,
            float(item.confidence),
            item.needs_confirmation,
            tuple(reason.value for reason in item.reasons),
        )
        for name, item in reading.fields.items()
    ]
    _LOGGER.info(
        "document read",
        extra={
            "doc_type": reading.doc_type.value,
            "engine": reading.engine,
            "flagged": sum(f.needs_confirmation for f in fields),
        },
    )
    return Fields(reading.doc_type.value, fields)


def scan_qr(device: Device) -> list[QrCode]:
    """The QR codes in the next frame."""
    return _camera(device).scan_qr()
