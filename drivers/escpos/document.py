"""A receipt as a typed document: the blocks the driver renders to ESC/POS bytes.

A ``Receipt`` is the unit of printing and of reprint. Blocks print top to bottom; a receipt ends with a
``Cut`` unless it already has one.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import TypeAlias

from PIL import Image


class TextSize(enum.Enum):
    NORMAL = "normal"
    DOUBLE_WIDTH = "double_width"
    DOUBLE_HEIGHT = "double_height"
    DOUBLE = "double"  # double width and double height

    @property
    def scale(self) -> tuple[int, int]:
        """(width, height) magnification."""
        return {
            TextSize.NORMAL: (1, 1),
            TextSize.DOUBLE_WIDTH: (2, 1),
            TextSize.DOUBLE_HEIGHT: (1, 2),
            TextSize.DOUBLE: (2, 2),
        }[self]


class Align(enum.Enum):
    LEFT = 0
    CENTER = 1
    RIGHT = 2


class BarcodeKind(enum.Enum):
    """Barcode systems of ``GS k`` (function B numbers)."""

    JAN13 = 67
    JAN8 = 68
    CODE39 = 69
    CODE128 = 73


@dataclass(frozen=True)
class TextLine:
    text: str
    size: TextSize = TextSize.NORMAL
    bold: bool = False
    align: Align = Align.LEFT


@dataclass(frozen=True)
class Rule:
    """A horizontal line across the paper."""

    char: str = "-"


@dataclass(frozen=True)
class QrCode:
    payload: str
    module_size: int = 6  # dots per module, 1..16
    align: Align = Align.CENTER


@dataclass(frozen=True)
class Barcode:
    data: str
    kind: BarcodeKind = BarcodeKind.CODE128
    height: int = 80  # dots
    align: Align = Align.CENTER


@dataclass(frozen=True)
class Logo:
    image: Image.Image
    align: Align = Align.CENTER


@dataclass(frozen=True)
class Feed:
    lines: int = 1


@dataclass(frozen=True)
class Cut:
    partial: bool = False


Block: TypeAlias = TextLine | Rule | QrCode | Barcode | Logo | Feed | Cut


@dataclass(frozen=True)
class Receipt:
    """A whole receipt; ``kind`` names the document (``ticket``, ``request``) for logs, never its text."""

    blocks: tuple[Block, ...]
    kind: str = "receipt"
    metadata: dict[str, str] = field(default_factory=dict)

    def text_lines(self) -> list[str]:
        return [block.text for block in self.blocks if isinstance(block, TextLine)]
