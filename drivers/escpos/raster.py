"""Draw receipt blocks as 1-bit images with the embedded IPAex Gothic font (pure: no I/O but the fonts).

Geometry follows a 203 dpi printer in its 12x24 / 24x24 fonts: a text line is ``24 * height`` dots of
glyphs plus 6 dots of line spacing, magnified by integer factors like ``GS !`` does.

A character IPAex lacks (𠮷 and other 人名 variants outside JIS X 0208) is drawn with Debian's IPAmj
Mincho (``fonts-ipamj-mincho``, the 文字情報基盤 font) when it is installed, else as IPAex's empty box with
a warning in the log: a name is never silently dropped.
"""

from __future__ import annotations

import functools
import logging
import math
from pathlib import Path

import segno
from PIL import Image, ImageDraw, ImageFont

from drivers.escpos.document import Align, Logo, QrCode, Rule, TextLine
from drivers.escpos.jis import encodable_char

_LOGGER = logging.getLogger(__name__)
FONT_PATH = Path(__file__).resolve().parents[2] / "fonts" / "ipaexg.ttf"
FALLBACK_FONT_PATH = Path("/usr/share/fonts/truetype/ipamj/ipamjm.ttf")
GLYPH_DOTS = 24
LINE_SPACING_DOTS = 6
WHITE = 255
BLACK = 0


@functools.lru_cache(maxsize=4)
def load_font(size: int = GLYPH_DOTS) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(FONT_PATH), size)


@functools.lru_cache(maxsize=1)
def load_fallback_font(size: int = GLYPH_DOTS) -> ImageFont.FreeTypeFont | None:
    if not FALLBACK_FONT_PATH.exists():
        return None
    return ImageFont.truetype(str(FALLBACK_FONT_PATH), size)


@functools.cache
def _missing_glyph_mask() -> bytes:
    return bytes(load_font().getmask("\U0010fffd"))  # a noncharacter: every font draws its .notdef


@functools.lru_cache(maxsize=1024)
def _has_glyph(char: str) -> bool:
    """Whether IPAex draws ``char`` (all of JIS X 0208 does; others are compared with its .notdef)."""
    if encodable_char(char) or char.isspace():
        return True
    return bytes(load_font().getmask(char)) != _missing_glyph_mask()


@functools.cache
def _warn_no_fallback() -> None:  # once: the character itself may belong to a name (not logged)
    _LOGGER.warning("a character has no glyph in IPAex and %s is missing: apt-get install "
                    "fonts-ipamj-mincho", FALLBACK_FONT_PATH)  # fmt: skip


def font_runs(text: str) -> list[tuple[ImageFont.FreeTypeFont, str]]:
    """``text`` split into runs of one font: IPAex, or the fallback for the characters IPAex lacks."""
    primary, fallback = load_font(), load_fallback_font()
    runs: list[tuple[ImageFont.FreeTypeFont, str]] = []
    for char in text:
        font = primary
        if not _has_glyph(char):
            if fallback is None:
                _warn_no_fallback()
            else:
                font = fallback
        if runs and runs[-1][0] is font:
            runs[-1] = (font, runs[-1][1] + char)
        else:
            runs.append((font, char))
    return runs


def _place(
    strip_width: int, content: Image.Image, alignment: Align, height: int | None = None
) -> Image.Image:
    """Paste ``content`` on a white strip ``strip_width`` wide at the given alignment."""
    strip = Image.new("L", (strip_width, height or content.height), WHITE)
    width = min(content.width, strip_width)
    if alignment is Align.CENTER:
        left = (strip_width - width) // 2
    elif alignment is Align.RIGHT:
        left = strip_width - width
    else:
        left = 0
    strip.paste(content.crop((0, 0, width, content.height)), (left, 0))
    return strip


def render_text(line: TextLine, width: int) -> Image.Image:
    """One text line as a strip ``width`` dots wide and ``24*h + 6`` dots high."""
    runs = font_runs(line.text)
    scale_w, scale_h = line.size.scale
    lengths = [font.getlength(text) for font, text in runs]
    text_width = max(1, math.ceil(sum(lengths)) + (1 if line.bold else 0))
    glyphs = Image.new("L", (text_width, GLYPH_DOTS), WHITE)
    draw = ImageDraw.Draw(glyphs)
    left = 0.0
    for (font, text), length in zip(runs, lengths, strict=True):
        draw.text((left, 0), text, font=font, fill=BLACK, anchor="la")
        if line.bold:  # double-strike one dot to the right, as ESC E does
            draw.text((left + 1, 0), text, font=font, fill=BLACK, anchor="la")
        left += length
    if (scale_w, scale_h) != (1, 1):
        glyphs = glyphs.resize((text_width * scale_w, GLYPH_DOTS * scale_h), Image.Resampling.NEAREST)
    return _place(width, glyphs, line.align, GLYPH_DOTS * scale_h + LINE_SPACING_DOTS)


def render_rule(rule: Rule, width: int) -> Image.Image:
    del rule
    strip = Image.new("L", (width, GLYPH_DOTS + LINE_SPACING_DOTS), WHITE)
    ImageDraw.Draw(strip).rectangle((0, 11, width - 1, 12), fill=BLACK)
    return strip


def render_qr(qr: QrCode, width: int) -> Image.Image:
    """A QR code drawn from segno's matrix (EC level M, 4-module quiet zone)."""
    code = segno.make_qr(qr.payload, error="m", boost_error=False)
    modules = len(code.matrix)
    dark = bytes(BLACK if module else WHITE for row in code.matrix for module in row)
    quiet = Image.new("L", (modules + 8, modules + 8), WHITE)
    quiet.paste(Image.frombytes("L", (modules, modules), dark), (4, 4))
    size = quiet.width * qr.module_size
    return _place(width, quiet.resize((size, size), Image.Resampling.NEAREST), qr.align)


def render_logo(logo: Logo, width: int) -> Image.Image:
    image = logo.image.convert("L")
    if image.width > width:
        image = image.resize((width, max(1, image.height * width // image.width)), Image.Resampling.LANCZOS)
    dithered = image.convert("1").convert("L")  # Floyd-Steinberg, deterministic
    return _place(width, dithered, logo.align)


def stack(strips: list[Image.Image], width: int) -> Image.Image:
    height = sum(strip.height for strip in strips)
    sheet = Image.new("L", (width, max(1, height)), WHITE)
    top = 0
    for strip in strips:
        sheet.paste(strip, (0, top))
        top += strip.height
    return sheet


def pack_rows(image: Image.Image) -> list[bytes]:
    """Rows of a greyscale image as packed bits, MSB first, 1 = black (threshold at 50 %)."""
    bits = image.convert("L").point(lambda value: 255 if value < 128 else 0, mode="1")
    packed, stride = bits.tobytes(), (image.width + 7) // 8
    return [packed[top : top + stride] for top in range(0, len(packed), stride)]
