"""Drawing helpers shared by the form and checklist pages: the embedded font, text fitting, boxes, QR.

Text is IPAex Gothic (shipped in ``fonts/``); a character IPAex lacks (𠮷 and other 人名 variants outside
JIS X 0208) is set in Debian's IPAmj Mincho (``fonts-ipamj-mincho``) when installed, else left to
IPAex's empty box with one warning in the log: a name is never silently dropped. A 外字 image registered
in :mod:`frontyard.render.glyphs` (from a 運転免許証) is drawn as its bitmap, one em square.
"""

from __future__ import annotations

import functools
import io
import logging
import threading
from pathlib import Path

import segno
from PIL import Image
from reportlab.lib.colors import Color, black
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics, ttfonts
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from frontyard.render import glyphs

MM: float = float(mm)  # one millimetre in points
FONT = "IPAexGothic"
FONT_PATH = Path(__file__).resolve().parents[2] / "fonts" / "ipaexg.ttf"
FALLBACK_FONT = "IPAmjMincho"
FALLBACK_FONT_PATH = Path("/usr/share/fonts/truetype/ipamj/ipamjm.ttf")
GLYPH_RUN = "glyph"  # a run of registered 外字 images, not a font
PAGE_WIDTH: float = float(A4[0])
PAGE_HEIGHT: float = float(A4[1])
MARGIN = 15 * MM
CONTENT_WIDTH = PAGE_WIDTH - 2 * MARGIN
GRAY = Color(0.45, 0.45, 0.45)
LIGHT = Color(0.85, 0.85, 0.85)
HINT = Color(0.75, 0.1, 0.1)

_LOGGER = logging.getLogger(__name__)
_font_lock = threading.Lock()
_REPORTLAB_TO_UNICODE_CMAP = ttfonts.makeToUnicodeCMap


def _to_unicode_cmap(fontname: str, subset: list[int]) -> str:
    """reportlab's ToUnicode CMap, with characters beyond the BMP written as UTF-16 (surrogate pairs).

    reportlab 5.1 writes ``<%04X>``, so 𠮷 (U+20BB7) became five hex digits and copy or search of the PDF
    gave ₻ (U+20BB) in a resident's name. Only those entries are rewritten."""
    text = str(_REPORTLAB_TO_UNICODE_CMAP(fontname, subset))
    for index, code in enumerate(subset):
        if code > 0xFFFF:
            utf16 = chr(code).encode("utf-16-be").hex().upper()
            text = text.replace(f"<{index:02X}> <{code:04X}>", f"<{index:02X}> <{utf16}>")
    return text


ttfonts.makeToUnicodeCMap = _to_unicode_cmap


def register_font() -> None:
    """Register the IPAex Gothic TrueType font once (reportlab embeds a subset in each PDF)."""
    with _font_lock:
        if FONT not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(TTFont(FONT, str(FONT_PATH)))


@functools.cache
def _characters(font: str) -> frozenset[int]:
    register_font()
    return frozenset(pdfmetrics.getFont(font).face.charToGlyph)


@functools.cache
def _fallback_font() -> str | None:
    """IPAmj Mincho, registered the first time a character needs it (parsing it takes ~0.2 s)."""
    if not FALLBACK_FONT_PATH.exists():
        _LOGGER.warning("a character has no glyph in IPAex and %s is missing: apt-get install "
                        "fonts-ipamj-mincho", FALLBACK_FONT_PATH)  # fmt: skip
        return None
    with _font_lock:
        if FALLBACK_FONT not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(TTFont(FALLBACK_FONT, str(FALLBACK_FONT_PATH)))
    return FALLBACK_FONT


def font_runs(text: str) -> list[tuple[str, str]]:
    """``text`` as runs of (font name, text): IPAex, or the fallback for the characters IPAex lacks."""
    covered = _characters(FONT)
    if all(ord(char) in covered for char in text):
        return [(FONT, text)]
    runs: list[tuple[str, str]] = []
    for char in text:
        if glyphs.is_glyph(char):
            font = GLYPH_RUN
        else:
            font = FONT if ord(char) in covered or char.isspace() else _fallback_font() or FONT
        if runs and runs[-1][0] == font:
            runs[-1] = (font, runs[-1][1] + char)
        else:
            runs.append((font, char))
    return runs


def new_canvas(buffer: io.BytesIO, title: str) -> Canvas:
    """An A4 canvas whose output is byte-for-byte reproducible (fixed dates and document id)."""
    register_font()
    canvas = Canvas(buffer, pagesize=A4, invariant=True, pageCompression=1)
    canvas.setTitle(title)
    canvas.setAuthor("Frontyard")
    canvas.setCreator("Frontyard frontyard.render")
    canvas.setSubject("")
    return canvas


def _run_width(font: str, run: str, size: float) -> float:
    if font == GLYPH_RUN:
        return len(run) * size
    return float(pdfmetrics.stringWidth(run, font, size))


def text_width(text: str, size: float) -> float:
    return sum(_run_width(font, run, size) for font, run in font_runs(text))


def fit_size(text: str, size: float, width: float, smallest: float = 6.0) -> float:
    """The largest font size ≤ ``size`` (not below ``smallest``) at which ``text`` fits in ``width``."""
    while size > smallest and text_width(text, size) > width:
        size -= 0.5
    return size


def wrap(text: str, size: float, width: float) -> list[str]:
    """Break ``text`` into lines no wider than ``width`` (character-wise, as Japanese text breaks)."""
    lines: list[str] = []
    for paragraph in text.splitlines() or [""]:
        line = ""
        for char in paragraph:
            if line and text_width(line + char, size) > width:
                lines.append(line)
                line = ""
            line += char
        lines.append(line)
    return lines


def draw_text(canvas: Canvas, x: float, y: float, text: str, size: float, color: Color = black) -> None:
    canvas.setFillColor(color)
    for font, run in font_runs(text):
        if font == GLYPH_RUN:
            for char in run:
                _draw_glyph(canvas, x, y, char, size)
                x += size
            continue
        canvas.setFont(font, size)
        canvas.drawString(x, y, run)
        x += float(pdfmetrics.stringWidth(run, font, size))
    canvas.setFillColor(black)


def _draw_glyph(canvas: Canvas, x: float, y: float, char: str, size: float) -> None:
    """A registered 外字 bitmap in one em square on the text baseline (descending like a kanji)."""
    image = glyphs.lookup(char)
    if image is None:
        return
    bits = Image.frombytes("1", (image.width, image.height), image.bitmap)
    ink = Image.eval(bits.convert("L"), lambda value: 255 - value)  # card bit 1 = ink = black
    canvas.drawImage(ImageReader(ink), x, y - 0.12 * size, size, size)


def draw_right(canvas: Canvas, x: float, y: float, text: str, size: float, color: Color = black) -> None:
    draw_text(canvas, x - text_width(text, size), y, text, size, color)


def draw_checkbox(canvas: Canvas, x: float, y: float, checked: bool, side: float = 4.5 * MM) -> None:
    """A square box with its lower-left corner at (x, y); checked boxes get a ✓ (drawn and as text)."""
    canvas.setLineWidth(0.8)
    canvas.rect(x, y, side, side, stroke=1, fill=0)
    if checked:
        canvas.setLineWidth(1.4)
        path = canvas.beginPath()
        path.moveTo(x + side * 0.18, y + side * 0.52)
        path.lineTo(x + side * 0.42, y + side * 0.2)
        path.lineTo(x + side * 0.85, y + side * 0.85)
        canvas.drawPath(path, stroke=1, fill=0)
        mark = canvas.beginText(x + side * 0.08, y + side * 0.15)
        mark.setTextRenderMode(3)  # invisible text: the drawn mark becomes searchable and extractable
        mark.setFont(FONT, side * 0.9)
        mark.textOut("✓")
        mark.setTextRenderMode(0)
        canvas.drawText(mark)
    canvas.setLineWidth(0.6)


def draw_qr(canvas: Canvas, data: str, x: float, y: float, size: float) -> None:
    """``data`` as a QR code (vector squares, 4-module quiet zone) in a ``size`` square at (x, y)."""
    code = segno.make(data, error="m", micro=False)
    rows = [list(row) for row in code.matrix]
    count = len(rows) + 8
    module = size / count
    canvas.setFillColor(black)
    for row_index, row in enumerate(rows):
        top = y + size - (row_index + 4 + 1) * module
        column = 0
        while column < len(row):
            if not row[column]:
                column += 1
                continue
            start = column
            while column < len(row) and row[column]:
                column += 1
            canvas.rect(x + (start + 4) * module, top, (column - start) * module, module, stroke=0, fill=1)
