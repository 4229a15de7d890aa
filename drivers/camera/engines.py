"""Which recogniser reads the text of a document, chosen by configuration.

| choice      | engine                                                            | when absent          |
|-------------|-------------------------------------------------------------------|----------------------|
| `auto`      | PP-OCRv6 (`rapidocr`'s packaged ONNX model) if installed, else Tesseract | —             |
| `rapidocr`  | PP-OCRv6 on onnxruntime (``ppocr``)                               | ``EngineUnavailable`` |
| `tesseract` | Tesseract jpn via pytesseract (``ocr``)                           | —                    |

``load_engine(EngineChoice.AUTO)`` loads once per process (the model takes ~0.3 s to open). Every engine
offers ``name``, ``charset`` (what it can ever output) and ``read_regions(card, regions, heights)``.
"""

from __future__ import annotations

import enum
import logging
import threading
from collections.abc import Sequence
from typing import Protocol

from drivers.camera.geometry import Image
from drivers.camera.layouts import Region
from drivers.camera.ocr import RegionText, TesseractEngine
from drivers.camera.ppocr import EngineUnavailable, PpOcrEngine

_LOGGER = logging.getLogger(__name__)

__all__ = ["EngineChoice", "EngineUnavailable", "OcrEngine", "load_engine"]


class EngineChoice(enum.StrEnum):
    AUTO = "auto"
    RAPIDOCR = "rapidocr"
    TESSERACT = "tesseract"


class OcrEngine(Protocol):
    @property
    def name(self) -> str: ...

    @property
    def charset(self) -> frozenset[str]: ...

    @property
    def scale_sensitive(self) -> bool:
        """True when reading a line again at another scale can give another text (Tesseract)."""
        ...

    def read_regions(
        self, card: Image, regions: list[Region], target_height: int | Sequence[int] = ...
    ) -> list[RegionText]: ...


_LOCK = threading.Lock()
_LOADED: dict[EngineChoice, OcrEngine] = {}


def load_engine(choice: EngineChoice = EngineChoice.AUTO) -> OcrEngine:
    """The engine for ``choice``; ``auto`` falls back to Tesseract (logged once) without rapidocr."""
    with _LOCK:
        if choice not in _LOADED:
            _LOADED[choice] = _create(choice)
        return _LOADED[choice]


def _create(choice: EngineChoice) -> OcrEngine:
    if choice is EngineChoice.TESSERACT:
        return TesseractEngine()
    try:
        return PpOcrEngine()
    except EngineUnavailable as exc:
        if choice is EngineChoice.RAPIDOCR:
            raise
        _LOGGER.warning("OCR engine rapidocr unavailable (%s); using tesseract", exc)
        return TesseractEngine()
