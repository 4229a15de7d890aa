"""Decode QR codes in camera frames (OpenCV 5 ``QRCodeDetectorAruco``, falling back to ``QRCodeDetector``).

Payloads are byte-mode text in UTF-8 or Shift_JIS. OpenCV hands back bytes it has already turned into
UTF-8 by reading non-UTF-8 payloads as ISO-8859-1; ``decode_payload`` undoes that (latin-1 → bytes) and
tries UTF-8, then Shift_JIS (cp932). ``QrWatcher`` reports a payload once per ``window_s`` seconds.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

import cv2
import numpy as np

from drivers.camera.errors import QrDecodeError
from drivers.camera.geometry import Image

_LOGGER = logging.getLogger(__name__)
HALF_SIZE_ABOVE_PX = 1280


@dataclass(frozen=True)
class QrCode:
    payload: str
    encoding: str  # "utf-8" or "shift_jis"

    def __repr__(self) -> str:
        return f"QrCode(<{len(self.payload)} chars>, encoding={self.encoding})"


def _strict(raw: bytes) -> tuple[str, str] | None:
    for codec, name in (("utf-8", "utf-8"), ("cp932", "shift_jis")):
        try:
            return raw.decode(codec), name
        except UnicodeDecodeError:
            continue
    return None


def decode_text(text: str) -> QrCode:
    """Repair a payload OpenCV returned as ``str``: undo ISO-8859-1 mojibake of UTF-8 or Shift_JIS bytes."""
    if text and all(ord(char) < 256 for char in text) and any(ord(char) >= 0x80 for char in text):
        repaired = _strict(text.encode("latin-1"))
        if repaired is not None:
            return QrCode(*repaired)
    return QrCode(text, "utf-8")


def decode_payload(raw: bytes) -> QrCode:
    """Text of the bytes OpenCV returned; ``QrDecodeError`` if they are neither UTF-8 nor Shift_JIS."""
    try:
        as_utf8 = raw.decode("utf-8")
    except UnicodeDecodeError:
        decoded = _strict(raw)
        if decoded is None:
            raise QrDecodeError(f"QR payload of {len(raw)} bytes is neither UTF-8 nor Shift_JIS") from None
        return QrCode(*decoded)
    return decode_text(as_utf8)


class QrReader:
    """Both OpenCV detectors, created once (they are not thread-safe: one reader per worker)."""

    def __init__(self) -> None:
        self._detectors = (cv2.QRCodeDetectorAruco(), cv2.QRCodeDetector())

    def decode(self, image: Image) -> list[QrCode]:
        """Every QR code decoded in ``image`` (BGR or grey); an empty list when there is none.

        Large frames are tried at half size first (4× fewer pixels); the full frame is the fallback.
        """
        gray = image if image.ndim == 2 else cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
        attempts: list[Image] = [np.asarray(gray, dtype=np.uint8)]
        if gray.shape[1] > HALF_SIZE_ABOVE_PX:
            half = cv2.resize(gray, None, fx=0.5, fy=0.5, interpolation=cv2.INTER_AREA)
            attempts.insert(0, np.asarray(half, dtype=np.uint8))
        for attempt in attempts:
            for detector in self._detectors:
                found = self._decode_with(detector, attempt)
                if found:
                    return found
        return []

    @staticmethod
    def _decode_with(detector: cv2.GraphicalCodeDetector, gray: Image) -> list[QrCode]:
        try:
            ok, payloads, _points, _ = detector.detectAndDecodeBytesMulti(gray)
        except cv2.error as exc:
            _LOGGER.debug("QR detector failed: %s", type(exc).__name__)
            return []
        if not ok:
            return []
        return [decode_payload(bytes(p)) for p in (payloads or ()) if p is not None and len(p)]


def decode_qr(image: Image) -> list[QrCode]:
    """Convenience: decode with a fresh ``QrReader``."""
    return QrReader().decode(np.asarray(image, dtype=np.uint8))


class QrWatcher:
    """Reports each payload once: the same payload seen again within ``window_s`` seconds is dropped."""

    def __init__(self, window_s: float = 5.0, clock: Callable[[], float] = time.monotonic) -> None:
        self.window_s = window_s
        self._clock = clock
        self._last_seen: dict[str, float] = {}
        self._reader = QrReader()

    def offer(self, codes: list[QrCode]) -> list[QrCode]:
        """The codes of ``codes`` not reported within the window; refreshes the window of every code seen."""
        now = self._clock()
        self._last_seen = {p: t for p, t in self._last_seen.items() if now - t < self.window_s}
        fresh = []
        for code in codes:
            if code.payload not in self._last_seen and code not in fresh:
                fresh.append(code)
            self._last_seen[code.payload] = now
        return fresh

    def feed(self, image: Image) -> list[QrCode]:
        """Decode ``image`` and return only the codes that are new."""
        return self.offer(self._reader.decode(image))
