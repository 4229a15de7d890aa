"""Where things are printed on the documents we read, in millimetres on the 85.6 × 54 mm card.

Pure data. A ``Region`` is a box (x0, y0, x1, y1) in mm from the card's top-left corner. Each document type
has title regions (with the keywords that identify it) and field regions (with the kind of text expected).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

CARD_WIDTH_MM = 85.6
CARD_HEIGHT_MM = 54.0
CARD_ASPECT = CARD_WIDTH_MM / CARD_HEIGHT_MM
PX_PER_MM = 12.0  # the rectified card is 1027 × 648 px


class DocumentType(enum.StrEnum):
    DRIVERS_LICENCE = "drivers_licence"  # 運転免許証
    MY_NUMBER_CARD_FRONT = "my_number_card_front"  # マイナンバーカード表面
    MY_NUMBER_CARD_BACK = "my_number_card_back"  # recognised to be refused, never read


class FieldName(enum.StrEnum):
    NAME = "name"
    ADDRESS = "address"
    BIRTH_DATE = "birth_date"  # ISO date
    LICENCE_NUMBER = "licence_number"  # 12 digits
    EXPIRY_DATE = "expiry_date"  # ISO date


class FieldKind(enum.Enum):
    TEXT = "text"
    DATE = "date"
    DIGITS12 = "digits12"


@dataclass(frozen=True)
class Region:
    x0: float
    y0: float
    x1: float
    y1: float

    def pixels(self, px_per_mm: float = PX_PER_MM) -> tuple[int, int, int, int]:
        return (
            round(self.x0 * px_per_mm),
            round(self.y0 * px_per_mm),
            round(self.x1 * px_per_mm),
            round(self.y1 * px_per_mm),
        )


@dataclass(frozen=True)
class FieldLayout:
    name: FieldName
    region: Region
    kind: FieldKind


@dataclass(frozen=True)
class TitleMark:
    """A region whose text identifies the document: any of ``keywords`` found there."""

    doc_type: DocumentType
    region: Region
    keywords: tuple[str, ...]


TITLES: tuple[TitleMark, ...] = (
    TitleMark(DocumentType.DRIVERS_LICENCE, Region(18, 43.5, 58, 52), ("運転免許証", "免許証", "運転免許")),
    TitleMark(DocumentType.MY_NUMBER_CARD_FRONT, Region(2, 42, 44, 51.5), ("個人番号カード", "番号カード")),
    # Only the label of the back is looked at; the number beside it is never cropped or read.
    TitleMark(DocumentType.MY_NUMBER_CARD_BACK, Region(2, 2.5, 18.5, 10.5), ("個人番号", "人番号", "個人番")),
)

FIELDS: dict[DocumentType, tuple[FieldLayout, ...]] = {
    DocumentType.DRIVERS_LICENCE: (
        FieldLayout(FieldName.NAME, Region(8.3, 2.2, 50, 8.8), FieldKind.TEXT),
        FieldLayout(FieldName.BIRTH_DATE, Region(50.5, 2.2, 84.5, 8.8), FieldKind.DATE),
        FieldLayout(FieldName.ADDRESS, Region(8.3, 9.3, 84.5, 15.0), FieldKind.TEXT),
        FieldLayout(FieldName.EXPIRY_DATE, Region(3, 21.2, 57.5, 26.8), FieldKind.DATE),
        FieldLayout(FieldName.LICENCE_NUMBER, Region(2.2, 36.8, 50, 42.8), FieldKind.DIGITS12),
    ),
    DocumentType.MY_NUMBER_CARD_FRONT: (
        FieldLayout(FieldName.NAME, Region(8.3, 2.7, 59, 9.3), FieldKind.TEXT),
        FieldLayout(FieldName.ADDRESS, Region(8.3, 10.7, 60, 17.3), FieldKind.TEXT),
        FieldLayout(FieldName.BIRTH_DATE, Region(12.2, 21.7, 45.5, 28.3), FieldKind.DATE),
        FieldLayout(FieldName.EXPIRY_DATE, Region(12.2, 29.7, 55, 35.3), FieldKind.DATE),
    ),
    DocumentType.MY_NUMBER_CARD_BACK: (),
}
