"""Read an ID document from a camera frame: find the card, straighten it, tell its type, OCR its fields.

``read_document(image) -> DocumentReading``. Supported: 運転免許証 and マイナンバーカード表面. The back of a
My Number card is recognised from its label alone and refused (``MyNumberCardBack``) before any field is
cropped; its number is never read or kept. Images are only held in memory for the call. Every field has a
confidence and is flagged ``needs_confirmation`` with its ``reasons`` (``review.FlagReason``): below
``CONFIDENCE_THRESHOLD``, when it does not parse, and for names and addresses whenever a character may
be a variant (異体字) or a look-alike the context cannot settle (``review``). The recogniser is chosen
with ``engine`` (``engines``): PP-OCRv6 reads every field once; Tesseract reads names again
at three scales to vote, and other fields a second time at another scale.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass

import cv2
import numpy as np

from drivers.camera.engines import EngineChoice, OcrEngine, load_engine
from drivers.camera.errors import MyNumberCardBack, NoDocument, OcrFailed, UnsupportedDocument, WarekiError
from drivers.camera.geometry import Image, find_card, rectify
from drivers.camera.layouts import FIELDS, TITLES, DocumentType, FieldKind, FieldLayout, FieldName
from drivers.camera.ocr import RegionText
from drivers.camera.review import FlagReason, Review, review_address, review_name
from drivers.camera.wareki import find_date

_LOGGER = logging.getLogger(__name__)
CONFIDENCE_THRESHOLD = 0.80
RETRY_HEIGHT_PX = 72
# Names are isolated kanji with no language context to help, and each scale has its own misreadings
# (和也 → 和志 or 和世, 葵 → 壮, 蓮 → 夢). The name is read again alone at three scales, stacked in one
# Tesseract call, and the four readings vote. A kanji missing from jpn's character set (黎 of 今給黎) is
# never read right; the readings then disagree and the name is flagged.
NAME_HEIGHTS_PX = (52, 44, 36)
DISPUTED_CONFIDENCE = 0.5  # readings disagree: below the threshold, so staff confirm the name
_DIGIT_LOOKALIKES = str.maketrans({"O": "0", "o": "0", "D": "0", "I": "1", "l": "1", "|": "1", "S": "5",
                                   "B": "8", "Z": "2", "b": "6"})  # fmt: skip
_LABELS = ("氏名", "住所", "生年月日", "第", "号")


@dataclass(frozen=True)
class FieldReading:
    """One field as read; ``value`` is "" when nothing usable was read (then it needs confirmation).
    ``reasons`` says why staff must confirm it; a field without reasons is not flagged."""

    value: str
    confidence: float
    reasons: tuple[FlagReason, ...] = ()

    @property
    def needs_confirmation(self) -> bool:
        return bool(self.reasons)

    def __repr__(self) -> str:
        return (
            f"FieldReading(<hidden>, confidence={self.confidence:.2f}, "
            f"reasons={[reason.value for reason in self.reasons]})"
        )


@dataclass(frozen=True)
class DocumentReading:
    doc_type: DocumentType
    fields: dict[FieldName, FieldReading]

    def __repr__(self) -> str:
        flagged = sorted(name.value for name, field in self.fields.items() if field.needs_confirmation)
        return (
            f"DocumentReading(doc_type={self.doc_type.value}, fields={len(self.fields)}, "
            f"needs_confirmation={flagged})"
        )

    engine: str = ""  # the recogniser that read it

    @property
    def needs_confirmation(self) -> bool:
        return any(field.needs_confirmation for field in self.fields.values())


def _compact(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def fold_width(text: str) -> str:
    """Full-width letters and digits to ASCII (NFKC) but CJK compatibility ideographs (福 U+FA1B, a
    family-register form) and variation selectors kept: NFKC would turn them into the common form."""
    return "".join(
        char if 0xF900 <= ord(char) <= 0xFAFF or ord(char) >= 0x2F800 else unicodedata.normalize("NFKC", char)
        for char in text
    )


def classify(card: Image, engine: OcrEngine | None = None) -> DocumentType | None:
    """The document type from its title regions, or None if no title is recognised."""
    engine = engine or load_engine()
    texts = engine.read_regions(card, [title.region for title in TITLES])
    found = {
        title.doc_type
        for title, text in zip(TITLES, texts, strict=True)
        if any(keyword in _compact(text.text) for keyword in title.keywords)
    }
    if DocumentType.MY_NUMBER_CARD_BACK in found:
        return DocumentType.MY_NUMBER_CARD_BACK
    for doc_type in (DocumentType.DRIVERS_LICENCE, DocumentType.MY_NUMBER_CARD_FRONT):
        if doc_type in found:
            return doc_type
    return None


def parse_field(kind: FieldKind, raw: str) -> str:
    """The normalised value of one field's OCR text; ``ValueError`` when it does not parse."""
    if kind is FieldKind.DATE:
        return find_date(raw).isoformat()
    if kind is FieldKind.DIGITS12:
        digits = re.sub(r"\D", "", _compact(raw).translate(_DIGIT_LOOKALIKES))
        if len(digits) != 12:
            raise ValueError(f"expected 12 digits, got {len(digits)}")
        return digits
    text = fold_width(raw).strip()
    for label in _LABELS[:3]:
        text = text.removeprefix(label).strip()
    if not text:
        raise ValueError("empty")
    return re.sub(r"\s+", "\u3000", text) if kind is FieldKind.TEXT and " " in text else text


def _parse(layout: FieldLayout, text: RegionText) -> tuple[str, float]:
    try:
        value = parse_field(layout.kind, text.text)
    except (ValueError, WarekiError):
        return "", 0.0
    if layout.name is FieldName.ADDRESS:
        value = value.replace("\u3000", "")
    return value, text.confidence


def agreed_reading(readings: list[tuple[str, float]]) -> tuple[str, float]:
    """The value most ``readings`` agree on (spaces ignored) with its best confidence, or without one the
    most confident reading. Unless a strict majority agrees, its confidence is capped at
    ``DISPUTED_CONFIDENCE``."""
    ranked = Counter(_compact(value) for value, _ in readings if value).most_common(2)
    votes = ranked[0][1] if ranked else 0
    if votes >= 2 and (len(ranked) == 1 or ranked[1][1] < votes):
        candidates = [reading for reading in readings if reading[0] and _compact(reading[0]) == ranked[0][0]]
    else:
        candidates, votes = readings, 1
    value, confidence = max(candidates, key=lambda reading: (bool(reading[0]), reading[1]))
    if 2 * votes <= len(readings):
        confidence = min(confidence, DISPUTED_CONFIDENCE)
    return value, confidence


def _name_readings(card: Image, layout: FieldLayout, engine: OcrEngine) -> list[tuple[str, float]]:
    """The name line alone at each of ``NAME_HEIGHTS_PX``, in one Tesseract call."""
    texts = engine.read_regions(card, [layout.region] * len(NAME_HEIGHTS_PX), NAME_HEIGHTS_PX)
    return [_parse(layout, text) for text in texts]


def _reviewed(name: FieldName, value: str, confidence: float, charset: frozenset[str]) -> FieldReading:
    """The field with every reason it needs confirmation (``review`` for names and addresses)."""
    if not value:
        return FieldReading("", confidence, (FlagReason.UNREADABLE,))
    review = Review(value, ())
    if name is FieldName.NAME:
        review = review_name(value, charset)
    elif name is FieldName.ADDRESS:
        review = review_address(value, charset)
    low = (FlagReason.LOW_CONFIDENCE,) if confidence < CONFIDENCE_THRESHOLD else ()
    return FieldReading(review.value, confidence, low + review.reasons)


def _field_readings(
    card: Image, layouts: tuple[FieldLayout, ...], engine: OcrEngine
) -> dict[FieldName, FieldReading]:
    """OCR every field at once. With Tesseract, other text fields and fields that did not parse get a second
    pass at another scale (the more confident is kept), the name three more readings alone that vote with
    the first; PP-OCR reads each line at its own fixed height, so a second pass would read the same."""
    regions = [layout.region for layout in layouts]
    parsed = [
        _parse(layout, text) for layout, text in zip(layouts, engine.read_regions(card, regions), strict=True)
    ]
    if not engine.scale_sensitive:
        return {
            layout.name: _reviewed(layout.name, value, confidence, engine.charset)
            for layout, (value, confidence) in zip(layouts, parsed, strict=True)
        }
    retry = [
        index
        for index, (value, confidence) in enumerate(parsed)
        if layouts[index].name is not FieldName.NAME
        and (not value or layouts[index].kind is FieldKind.TEXT or confidence < CONFIDENCE_THRESHOLD)
    ]
    if retry:
        texts = engine.read_regions(card, [regions[index] for index in retry], RETRY_HEIGHT_PX)
        for index, text in zip(retry, texts, strict=True):
            second = _parse(layouts[index], text)
            if second[0] and (not parsed[index][0] or second[1] > parsed[index][1]):
                parsed[index] = second
    for index, layout in enumerate(layouts):
        if layout.name is FieldName.NAME:
            parsed[index] = agreed_reading([parsed[index], *_name_readings(card, layout, engine)])
    return {
        layout.name: _reviewed(layout.name, value, confidence, engine.charset)
        for layout, (value, confidence) in zip(layouts, parsed, strict=True)
    }


def read_card(card: Image, engine: OcrEngine | None = None) -> DocumentReading:
    """Read a rectified card (1027 × 648 BGR); tries it upside down too."""
    engine = engine or load_engine()
    doc_type = classify(card, engine)
    if doc_type is None:
        card = np.asarray(cv2.rotate(card, cv2.ROTATE_180), dtype=np.uint8)
        doc_type = classify(card, engine)
    if doc_type is None:
        raise UnsupportedDocument("card found but its type was not recognised")
    if doc_type is DocumentType.MY_NUMBER_CARD_BACK:
        raise MyNumberCardBack("the back of a My Number card was presented; it is not read")
    fields = _field_readings(card, FIELDS[doc_type], engine)
    if not any(field.value for field in fields.values()):
        raise OcrFailed("no field could be read")
    _LOGGER.info(
        "read %s: %s", doc_type.value, sorted(f.value for f in fields if fields[f].needs_confirmation)
    )
    return DocumentReading(doc_type, fields, engine.name)


def read_document(image: Image, engine: EngineChoice | OcrEngine = EngineChoice.AUTO) -> DocumentReading:
    """Find the card in a camera frame (BGR) and read it with ``engine`` (a choice or a loaded engine)."""
    if image.ndim != 3 or image.shape[0] < 64 or image.shape[1] < 64:
        raise NoDocument("frame too small or not colour")
    quad = find_card(image)
    if quad is None:
        raise NoDocument("no card-shaped outline in the frame")
    loaded = load_engine(engine) if isinstance(engine, EngineChoice) else engine
    return read_card(rectify(image, quad), loaded)
