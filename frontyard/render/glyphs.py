"""外字 glyph images that names can carry into forms: one private-use character per image.

A 運転免許証 stores a character outside JIS X 0208 as a 1-bit image, never as a code point. To take
such a name through the domain (plain ``str`` fields) onto a PDF form, the daemon registers the image
here and puts the returned character (Unicode plane 15 private use, U+F0000…) in the name; the form
renderer (``canvas.draw_text``) draws the registered bitmap in its place instead of IPAex's empty box.
Images live in memory only and are released with their visit.
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Iterable
from dataclasses import dataclass

PRIVATE_USE_FIRST = 0xF0000
PRIVATE_USE_SIZE = 0xFFFE


@dataclass(frozen=True)
class GlyphImage:
    """``width`` × ``height`` dots, 1 bit each, rows MSB first, 1 = ink."""

    width: int
    height: int
    bitmap: bytes

    def __repr__(self) -> str:
        return f"GlyphImage({self.width}x{self.height})"


_lock = threading.Lock()
_images: dict[str, GlyphImage] = {}
_next = itertools.count()


def register(image: GlyphImage) -> str:
    """A private-use character that stands for ``image`` until :func:`release`."""
    if image.width % 8 or len(image.bitmap) != image.width * image.height // 8:
        raise ValueError("bitmap size does not match width x height")
    with _lock:
        for _ in range(PRIVATE_USE_SIZE):
            char = chr(PRIVATE_USE_FIRST + next(_next) % PRIVATE_USE_SIZE)
            if char not in _images:
                _images[char] = image
                return char
    raise RuntimeError("too many 外字 images registered")


def lookup(char: str) -> GlyphImage | None:
    return _images.get(char)


def release(chars: Iterable[str]) -> None:
    with _lock:
        for char in chars:
            _images.pop(char, None)


def is_glyph(char: str) -> bool:
    return char in _images
