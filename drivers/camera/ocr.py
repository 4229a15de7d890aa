"""Run Tesseract once over several regions of a card: crops are cleaned, stacked, read, and split back.

One ``image_to_data`` call per batch keeps a document under a second (each call costs ~0.3 s of start-up).
``TesseractEngine`` is this module behind the engine protocol of ``engines``, with the character set of
its jpn model; ``trim`` is the crop preparation the other engine shares.
"""

from __future__ import annotations

import itertools
import logging
import os
from collections.abc import Sequence
from dataclasses import dataclass

import cv2
import numpy as np
import pytesseract

from drivers.camera.errors import OcrFailed
from drivers.camera.geometry import Image
from drivers.camera.layouts import Region
from drivers.camera.tessdata import language_charset

_LOGGER = logging.getLogger(__name__)
GAP_PX = 40
TARGET_HEIGHT_PX = 56  # a text line (plus a small pad) is scaled to this height
OCR_TIMEOUT_S = 10.0
# Tesseract's OpenMP threads cost more than they give on a few small lines: one thread reads a document
# in ~1.0 s instead of ~1.2 s here (bench ocr). pytesseract passes os.environ to tesseract; an operator's
# own setting wins.
os.environ.setdefault("OMP_THREAD_LIMIT", "1")


@dataclass(frozen=True)
class RegionText:
    text: str  # words joined; a wide gap between words becomes one space
    confidence: float  # 0..1, mean word confidence; 0 when nothing was read

    def __repr__(self) -> str:
        return f"RegionText(<{len(self.text)} chars>, confidence={self.confidence:.2f})"


def _ink_box(binary: Image) -> tuple[int, int, int, int] | None:
    """Bounding rows/columns holding dark pixels (text), ignoring specks; None if the crop is blank."""
    ink = binary < 128
    rows = np.flatnonzero(ink.sum(axis=1) > max(2, binary.shape[1] // 200))
    cols = np.flatnonzero(ink.sum(axis=0) > 0)
    if rows.size == 0 or cols.size == 0:
        return None
    return int(rows[0]), int(rows[-1]) + 1, int(cols[0]), int(cols[-1]) + 1


def _binarise(gray: Image) -> Image:
    _, binary = cv2.threshold(cv2.GaussianBlur(gray, (3, 3), 0), 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    if np.mean(binary) < 127:  # light text on a dark band
        binary = cv2.bitwise_not(binary)
    return np.asarray(binary, dtype=np.uint8)


def trim(crop: Image, target_height: int = TARGET_HEIGHT_PX) -> Image:
    """Grey, trimmed to the text (found by Otsu) with a small pad, scaled to ``target_height``."""
    gray = np.asarray(crop if crop.ndim == 2 else cv2.cvtColor(crop, cv2.COLOR_BGR2GRAY), dtype=np.uint8)
    box = _ink_box(_binarise(gray))
    if box is not None:
        top, bottom, left, right = box
        pad = max(2, (bottom - top) // 6)
        gray = gray[max(top - pad, 0) : bottom + pad, max(left - pad, 0) : right + pad]
    scale = target_height / max(gray.shape[0], 1)
    return np.asarray(
        cv2.resize(gray, None, fx=scale, fy=scale, interpolation=cv2.INTER_CUBIC), dtype=np.uint8
    )


def clean(crop: Image, target_height: int = TARGET_HEIGHT_PX) -> Image:
    """Grey, binarised (Otsu), trimmed to the text and scaled so the text is ``target_height`` × 0.7 tall,
    with a white margin: the same text size whatever font size the card used."""
    gray = trim(crop, target_height)
    margin = target_height // 4
    return np.asarray(
        cv2.copyMakeBorder(_binarise(gray), margin, margin, margin, margin, cv2.BORDER_CONSTANT, value=255),
        dtype=np.uint8,
    )


def read_regions(
    card: Image,
    regions: list[Region],
    target_height: int | Sequence[int] = TARGET_HEIGHT_PX,
) -> list[RegionText]:
    """Text and confidence of each region of the rectified ``card``, crops scaled to ``target_height`` (one
    height for all, or one per region: the same region may be listed twice at two scales)."""
    heights = [target_height] * len(regions) if isinstance(target_height, int) else list(target_height)
    if len(heights) != len(regions):
        raise ValueError("one target height per region")
    crops = []
    for region, line_height in zip(regions, heights, strict=True):
        x0, y0, x1, y1 = region.pixels()
        crops.append(clean(card[max(y0, 0) : y1, max(x0, 0) : x1], line_height))
    width = max(crop.shape[1] for crop in crops) + 2 * GAP_PX
    height = sum(crop.shape[0] + GAP_PX for crop in crops) + GAP_PX
    sheet = np.full((height, width), 255, dtype=np.uint8)
    spans = []
    top = GAP_PX
    for crop in crops:
        sheet[top : top + crop.shape[0], GAP_PX : GAP_PX + crop.shape[1]] = crop
        spans.append((top - GAP_PX // 2, top + crop.shape[0] + GAP_PX // 2))
        top += crop.shape[0] + GAP_PX
    try:
        data = pytesseract.image_to_data(
            sheet,
            lang="jpn",
            config="--psm 6",
            output_type=pytesseract.Output.DICT,
            timeout=OCR_TIMEOUT_S,
        )
    except (pytesseract.TesseractError, RuntimeError, OSError) as exc:
        raise OcrFailed(f"tesseract failed: {type(exc).__name__}") from exc
    words: list[list[tuple[int, int, str, float]]] = [[] for _ in regions]
    for text, conf, left, top_px, word_h, word_w in zip(
        data["text"], data["conf"], data["left"], data["top"], data["height"], data["width"], strict=True
    ):
        if not str(text).strip():
            continue
        middle = top_px + word_h // 2
        for index, (start, end) in enumerate(spans):
            if start <= middle < end:
                words[index].append((left, left + word_w, str(text).strip(), float(conf)))
                break
    return [_join(sorted(found), line_height) for found, line_height in zip(words, heights, strict=True)]


def _join(words: list[tuple[int, int, str, float]], target_height: int) -> RegionText:
    if not words:
        return RegionText("", 0.0)
    parts = [words[0][2]]
    for (_, previous_end, _, _), (start, _, text, _) in itertools.pairwise(words):
        if start - previous_end > target_height * 0.45:
            parts.append(" ")
        parts.append(text)
    confidence = sum(max(conf, 0.0) for *_, conf in words) / (100.0 * len(words))
    return RegionText("".join(parts), confidence)


class TesseractEngine:
    """Tesseract's jpn model (Debian's "fast" model: 2,690 characters, no 髙 﨑 𠮷 德 邉 齊)."""

    name = "tesseract"
    scale_sensitive = True

    @property
    def charset(self) -> frozenset[str]:
        return language_charset("jpn")

    def read_regions(
        self, card: Image, regions: list[Region], target_height: int | Sequence[int] = TARGET_HEIGHT_PX
    ) -> list[RegionText]:
        return read_regions(card, regions, target_height)
