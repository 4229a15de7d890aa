"""A ``Receipt`` as JSON bytes for the journal, and back (pure).

The journal keeps the typed document, not the rendered bytes, so a reprint goes through the driver's
own status checks and encoder. Every block type of ``drivers.escpos.document`` round-trips; a logo is
kept as PNG. Anything else, or malformed input, raises ``ReceiptCodecError`` (and nothing else).
"""

from __future__ import annotations

import base64
import binascii
import io
import json
from typing import Any

from PIL import Image, UnidentifiedImageError

from drivers.escpos.document import (
    Align,
    Barcode,
    BarcodeKind,
    Block,
    Cut,
    Feed,
    Logo,
    QrCode,
    Receipt,
    Rule,
    TextLine,
    TextSize,
)

FORMAT_VERSION = 1


class ReceiptCodecError(ValueError):
    """The stored receipt cannot be read (or a receipt holds something that cannot be stored)."""


def _block_to_json(block: Block) -> dict[str, Any]:
    if isinstance(block, TextLine):
        return {
            "type": "text",
            "text": block.text,
            "size": block.size.value,
            "bold": block.bold,
            "align": block.align.value,
        }
    if isinstance(block, Rule):
        return {"type": "rule", "char": block.char}
    if isinstance(block, QrCode):
        return {
            "type": "qr",
            "payload": block.payload,
            "module_size": block.module_size,
            "align": block.align.value,
        }
    if isinstance(block, Barcode):
        return {
            "type": "barcode",
            "data": block.data,
            "kind": block.kind.value,
            "height": block.height,
            "align": block.align.value,
        }
    if isinstance(block, Logo):
        buffer = io.BytesIO()
        block.image.save(buffer, format="PNG")
        return {
            "type": "logo",
            "png": base64.b64encode(buffer.getvalue()).decode(),
            "align": block.align.value,
        }
    if isinstance(block, Feed):
        return {"type": "feed", "lines": block.lines}
    if isinstance(block, Cut):
        return {"type": "cut", "partial": block.partial}
    raise ReceiptCodecError(f"cannot store a receipt block of type {type(block).__name__}")


def encode_receipt_document(receipt: Receipt) -> bytes:
    """The receipt as UTF-8 JSON."""
    document = {
        "version": FORMAT_VERSION,
        "kind": receipt.kind,
        "metadata": dict(receipt.metadata),
        "blocks": [_block_to_json(block) for block in receipt.blocks],
    }
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _get(item: dict[str, Any], key: str, kind: type) -> Any:
    value = item.get(key)
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise ReceiptCodecError(f"block field {key!r} must be {kind.__name__}")
    return value


def _enum(enum_type: Any, value: Any) -> Any:
    try:
        return enum_type(value)
    except ValueError:
        raise ReceiptCodecError(f"bad {enum_type.__name__} value") from None


def _block_from_json(item: Any) -> Block:
    if not isinstance(item, dict):
        raise ReceiptCodecError("a block must be an object")
    kind = item.get("type")
    if kind == "text":
        return TextLine(
            _get(item, "text", str),
            size=_enum(TextSize, _get(item, "size", str)),
            bold=_get(item, "bold", bool),
            align=_enum(Align, _get(item, "align", int)),
        )
    if kind == "rule":
        return Rule(_get(item, "char", str))
    if kind == "qr":
        return QrCode(
            _get(item, "payload", str),
            module_size=_get(item, "module_size", int),
            align=_enum(Align, _get(item, "align", int)),
        )
    if kind == "barcode":
        return Barcode(
            _get(item, "data", str),
            kind=_enum(BarcodeKind, _get(item, "kind", int)),
            height=_get(item, "height", int),
            align=_enum(Align, _get(item, "align", int)),
        )
    if kind == "logo":
        try:
            image = Image.open(io.BytesIO(base64.b64decode(_get(item, "png", str), validate=True)))
            image.load()
        except (binascii.Error, UnidentifiedImageError, OSError, ValueError) as exc:
            raise ReceiptCodecError("logo is not a readable PNG") from exc
        return Logo(image, align=_enum(Align, _get(item, "align", int)))
    if kind == "feed":
        return Feed(_get(item, "lines", int))
    if kind == "cut":
        return Cut(_get(item, "partial", bool))
    raise ReceiptCodecError("unknown block type")


def decode_receipt(data: bytes) -> Receipt:
    """Read what ``encode_receipt_document`` wrote."""
    try:
        document = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
        raise ReceiptCodecError("stored receipt is not JSON") from exc
    if not isinstance(document, dict) or document.get("version") != FORMAT_VERSION:
        raise ReceiptCodecError("stored receipt has an unknown format")
    blocks, kind, metadata = document.get("blocks"), document.get("kind"), document.get("metadata")
    if not isinstance(blocks, list) or not isinstance(kind, str) or not isinstance(metadata, dict):
        raise ReceiptCodecError("stored receipt lacks blocks, kind or metadata")
    if not all(isinstance(key, str) and isinstance(value, str) for key, value in metadata.items()):
        raise ReceiptCodecError("receipt metadata must map strings to strings")
    return Receipt(tuple(_block_from_json(item) for item in blocks), kind=kind, metadata=dict(metadata))
