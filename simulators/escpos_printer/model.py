"""The simulated printer: status flags, paper roll, and the page being printed, rendered to PNG + JSON.

Geometry: 203 dpi (8 dots per mm), text in a 24-dot font plus 6 dots of line spacing, magnified by
``GS !`` / ``ESC !``. Printing stops (the rest of the receipt is lost) while the printer is offline,
the cover is open or the paper is out; a roll set with ``remaining_mm`` runs out mid-receipt.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import segno
from PIL import Image, ImageDraw, ImageFont

from simulators.escpos_printer.parser import Command

_LOGGER = logging.getLogger(__name__)
FONT_FILE = Path(__file__).resolve().parents[2] / "fonts" / "ipaexg.ttf"
DOTS_PER_MM = 8.0
GLYPH = 24
SPACING = 6
ALIGN_NAMES = {0: "left", 1: "center", 2: "right", 48: "left", 49: "center", 50: "right"}


@dataclass
class Page:
    """The receipt being printed now."""

    strips: list[Image.Image] = field(default_factory=list)
    lines: list[dict[str, Any]] = field(default_factory=list)
    qr: list[str] = field(default_factory=list)
    barcodes: list[str] = field(default_factory=list)
    raster_blocks: int = 0
    started_at: float = 0.0

    @property
    def empty(self) -> bool:
        return not self.strips


@dataclass
class Format:
    width: int = 1
    height: int = 1
    bold: bool = False
    align: int = 0
    kanji: bool = False
    line_spacing: int = GLYPH + SPACING
    qr_module: int = 3
    qr_data: bytes = b""


class PrinterModel:
    """All state of one simulated printer; every method takes the lock."""

    def __init__(self, state_dir: Path, dot_width: int = 576) -> None:
        self.lock = threading.RLock()
        self.dot_width = dot_width
        self.receipt_dir = state_dir / "receipts"
        self.receipt_dir.mkdir(parents=True, exist_ok=True)
        self.font = ImageFont.truetype(str(FONT_FILE), GLYPH)
        self.paper = "ok"  # ok | near_end | out
        self.cover_open = False
        self.offline = False
        self.garbage_status = False
        self.remaining_mm: float | None = None
        self.receipts: list[dict[str, Any]] = []
        self.skipped_bytes = 0
        self.status_queries = 0
        self.page = Page()
        self.fmt = Format()
        self.line_buffer = bytearray()
        self.losing = False  # the current receipt was cut short; drop its rest

    # ---- status -------------------------------------------------------------------------------
    def can_print(self) -> bool:
        return not (self.offline or self.cover_open or self.paper == "out")

    def status_byte(self, n: int) -> int:
        if self.garbage_status:
            return 0xFF
        value = 0x12
        if n == 1 and not self.can_print():
            value |= 0x08
        elif n == 2:
            value |= (0x04 if self.cover_open else 0) | (0x20 if self.paper == "out" else 0)
        elif n == 4:
            value |= {"ok": 0x00, "near_end": 0x0C, "out": 0x6C}[self.paper]
        return value

    # ---- commands -------------------------------------------------------------------------------
    def apply(self, command: Command) -> bytes:
        """Carry out one command; return the bytes to answer (status replies only)."""
        with self.lock:
            if command.name == "status":
                self.status_queries += 1
                n = command.args[0]
                return bytes([self.status_byte(n)]) if n in (1, 2, 3, 4) else b""
            handler = getattr(self, f"_on_{command.name}", None)
            if handler is None:
                return b""  # understood, no effect on the simulated output (code page, ASB …)
            handler(command)
            return b""

    def _on_garbage(self, command: Command) -> None:
        self.skipped_bytes += len(command.data)
        _LOGGER.warning("skipped unparseable bytes: %s", command.data[:16].hex(" ").upper())

    def _on_init(self, command: Command) -> None:
        self.fmt = Format()
        self.line_buffer.clear()

    def _on_print_mode(self, command: Command) -> None:
        mode = command.args[0]
        self.fmt.bold = bool(mode & 0x08)
        self.fmt.height = 2 if mode & 0x10 else 1
        self.fmt.width = 2 if mode & 0x20 else 1

    def _on_size(self, command: Command) -> None:
        self.fmt.width = min(8, (command.args[0] >> 4) + 1)
        self.fmt.height = min(8, (command.args[0] & 0x07) + 1)

    def _on_bold(self, command: Command) -> None:
        self.fmt.bold = bool(command.args[0] & 1)

    def _on_align(self, command: Command) -> None:
        self.fmt.align = {0: 0, 1: 1, 2: 2, 48: 0, 49: 1, 50: 2}.get(command.args[0], 0)

    def _on_kanji_on(self, command: Command) -> None:
        self.fmt.kanji = True

    def _on_kanji_off(self, command: Command) -> None:
        self.fmt.kanji = False

    def _on_line_spacing(self, command: Command) -> None:
        self.fmt.line_spacing = command.args[0]

    def _on_default_spacing(self, command: Command) -> None:
        self.fmt.line_spacing = GLYPH + SPACING

    def _on_text(self, command: Command) -> None:
        self.line_buffer += command.data

    def _on_lf(self, command: Command) -> None:
        raw = bytes(self.line_buffer)
        self.line_buffer.clear()
        if not raw:
            self._add_strip(self._blank(self.fmt.line_spacing))
            return
        text = raw.decode("shift_jis" if self.fmt.kanji else "cp437", errors="replace")
        strip = self._text_strip(text)
        entry = {
            "text": text,
            "size": [self.fmt.width, self.fmt.height],
            "bold": self.fmt.bold,
            "align": ALIGN_NAMES[self.fmt.align],
            "kanji": self.fmt.kanji,
        }
        if self._add_strip(strip):
            self.page.lines.append(entry)

    def _on_feed_lines(self, command: Command) -> None:
        self._flush_text()
        if command.args[0]:
            self._add_strip(self._blank(command.args[0] * (GLYPH + SPACING)))

    def _on_feed_dots(self, command: Command) -> None:
        self._flush_text()
        if command.args[0]:
            self._add_strip(self._blank(command.args[0]))

    def _on_raster(self, command: Command) -> None:
        self._flush_text()
        mode, width_bytes, height = command.args
        bits = np.unpackbits(np.frombuffer(command.data, dtype=np.uint8).reshape(height, width_bytes), axis=1)
        image = Image.fromarray(np.where(bits > 0, 0, 255).astype(np.uint8), mode="L")
        if mode & 0x01 or mode & 0x02:
            scale_w, scale_h = (2 if mode & 0x01 else 1), (2 if mode & 0x02 else 1)
            image = image.resize((image.width * scale_w, image.height * scale_h), Image.Resampling.NEAREST)
        if self._add_strip(self._placed(image, 0)):
            self.page.raster_blocks += 1

    def _on_qr(self, command: Command) -> None:
        body = command.data
        if len(body) < 2 or body[0] != ord("1"):
            return
        function, params = body[1], body[2:]
        if function == 67 and params:
            self.fmt.qr_module = max(1, min(16, params[0]))
        elif function == 80:
            self.fmt.qr_data = params[1:]
        elif function == 81 and self.fmt.qr_data:
            self._flush_text()
            payload = self.fmt.qr_data.decode("utf-8", errors="replace")
            code = segno.make_qr(payload, error="m", boost_error=False)
            cells = np.pad(np.array([list(row) for row in code.matrix], dtype=np.uint8), 4)
            module = np.ones((self.fmt.qr_module, self.fmt.qr_module), dtype=np.uint8)
            pixels = np.kron(np.where(cells > 0, 0, 255).astype(np.uint8), module)
            if self._add_strip(self._placed(Image.fromarray(pixels, mode="L"), self.fmt.align)):
                self.page.qr.append(payload)

    def _on_barcode(self, command: Command) -> None:
        self._flush_text()
        data = command.data[2:] if command.data.startswith(b"{") else command.data
        text = data.decode("ascii", errors="replace")
        image = Image.new("L", (min(self.dot_width, 22 * len(text) + 20), 110), 255)
        draw = ImageDraw.Draw(image)
        for index, byte in enumerate(data):  # a stand-in pattern: one group of bars per character
            for bit in range(8):
                if byte >> bit & 1:
                    left = 10 + index * 22 + bit * 2
                    draw.rectangle((left, 0, left + 1, 79), fill=0)
        draw.text((10, 82), text, font=self.font, fill=0)
        if self._add_strip(self._placed(image, self.fmt.align)):
            self.page.barcodes.append(text)

    def _on_cut(self, command: Command) -> None:
        self._flush_text()
        if self.losing:
            self.losing = False
            self.page = Page()
            return
        if not self.page.empty:
            self._record("complete")

    # ---- drawing and paper --------------------------------------------------------------------
    def _flush_text(self) -> None:
        if self.line_buffer:
            self._on_lf(Command("lf"))

    def _blank(self, height: int) -> Image.Image:
        return Image.new("L", (self.dot_width, max(1, height)), 255)

    def _placed(self, content: Image.Image, align: int) -> Image.Image:
        strip = self._blank(content.height)
        width = min(content.width, self.dot_width)
        left = {0: 0, 1: (self.dot_width - width) // 2, 2: self.dot_width - width}[align]
        strip.paste(content.crop((0, 0, width, content.height)), (left, 0))
        return strip

    def _text_strip(self, text: str) -> Image.Image:
        width = max(1, int(np.ceil(self.font.getlength(text))) + 1)
        glyphs = Image.new("L", (width, GLYPH), 255)
        draw = ImageDraw.Draw(glyphs)
        draw.text((0, 0), text, font=self.font, fill=0, anchor="la")
        if self.fmt.bold:
            draw.text((1, 0), text, font=self.font, fill=0, anchor="la")
        glyphs = glyphs.resize((width * self.fmt.width, GLYPH * self.fmt.height), Image.Resampling.NEAREST)
        strip = self._blank(GLYPH * self.fmt.height + SPACING)
        left = {0: 0, 1: (self.dot_width - glyphs.width) // 2, 2: self.dot_width - glyphs.width}[
            self.fmt.align
        ]
        strip.paste(glyphs, (max(0, left), 0))
        return strip

    def _add_strip(self, strip: Image.Image) -> bool:
        """Print a strip if possible; False when it was not (or not fully) printed."""
        if self.losing or not self.can_print():
            if not self.losing:
                _LOGGER.warning("printer cannot print (offline/cover/paper); data dropped")
            return False
        if self.page.empty:
            self.page.started_at = time.time()
        if self.remaining_mm is not None:
            needed = strip.height / DOTS_PER_MM
            if needed > self.remaining_mm:
                rows = int(self.remaining_mm * DOTS_PER_MM)
                if rows > 0:
                    self.page.strips.append(strip.crop((0, 0, strip.width, rows)))
                self.remaining_mm = 0.0
                self.paper = "out"
                self.losing = True
                _LOGGER.warning("paper ran out during a receipt")
                self._record("partial")
                return False
            self.remaining_mm -= needed
        self.page.strips.append(strip)
        return True

    def _record(self, status: str) -> None:
        index = len(self.receipts) + 1
        height = sum(strip.height for strip in self.page.strips)
        sheet = self._blank(height)
        top = 0
        for strip in self.page.strips:
            sheet.paste(strip, (0, top))
            top += strip.height
        png = self.receipt_dir / f"{index:04d}.png"
        sheet.convert("1").save(png, optimize=False)
        record = {
            "index": index,
            "status": status,
            "complete": status == "complete",
            "lines": self.page.lines,
            "text": [line["text"] for line in self.page.lines],
            "qr": self.page.qr,
            "barcodes": self.page.barcodes,
            "raster_blocks": self.page.raster_blocks,
            "height_dots": height,
            "length_mm": round(height / DOTS_PER_MM, 3),
            "png": str(png),
            "started_at": self.page.started_at,
            "finished_at": time.time(),
        }
        (self.receipt_dir / f"{index:04d}.json").write_text(json.dumps(record, ensure_ascii=False, indent=1))
        self.receipts.append(record)
        self.page = Page()

    def connection_closed(self) -> None:
        """A job that ends without a cut is kept as ``uncut``."""
        with self.lock:
            self._flush_text()
            if not self.page.empty and not self.losing:
                self._record("uncut")
            self.losing = False
            self.page = Page()

    # ---- control --------------------------------------------------------------------------------
    def snapshot(self) -> dict[str, Any]:
        with self.lock:
            return {
                "paper": self.paper,
                "cover_open": self.cover_open,
                "offline": self.offline,
                "garbage_status": self.garbage_status,
                "remaining_mm": self.remaining_mm,
                "dot_width": self.dot_width,
                "skipped_bytes": self.skipped_bytes,
                "status_queries": self.status_queries,
                "status_bytes": [self.status_byte(n) for n in (1, 2, 3, 4)],
                "receipts": list(self.receipts),
            }
