"""Turn a ``Receipt`` into ESC/POS bytes for one printer profile (pure: returns bytes, sends nothing).

Two renderings:

* raster: every text line, rule, logo (and QR on printers without ``GS ( k``) is drawn with the
  embedded font and sent as ``GS v 0``; works on every model and for every character.
* kanji: text lines go as Shift_JIS in kanji mode (``FS C 1``, ``FS &``); a line with a character
  outside JIS X 0208 (𠮷, 髙, 﨑) is drawn as raster on its own.

QR codes use ``GS ( k`` where the profile allows and barcodes always use ``GS k``, in both renderings.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from PIL import Image

from drivers.escpos import commands, raster
from drivers.escpos.document import Align, Barcode, Cut, Feed, Logo, QrCode, Receipt, Rule, TextLine, TextSize
from drivers.escpos.errors import ReceiptContentError
from drivers.escpos.jis import encode_shift_jis, is_jis_x0208_text
from drivers.escpos.profiles import PrinterProfile


class RenderMode(enum.Enum):
    RASTER = "raster"
    KANJI = "kanji"


@dataclass(frozen=True)
class EncodedReceipt:
    data: bytes
    mode: RenderMode
    raster_lines: int  # text lines drawn as raster although the mode is kanji (non-JIS characters)


def choose_mode(profile: PrinterProfile, raster: bool | None) -> RenderMode:
    """``raster=None`` follows the profile: kanji text where the model has it, else raster."""
    if raster is None:
        return RenderMode.KANJI if profile.kanji else RenderMode.RASTER
    if not raster and not profile.kanji:
        raise ReceiptContentError(f"profile {profile.name} has no kanji mode; print as raster")
    return RenderMode.RASTER if raster else RenderMode.KANJI


class _Builder:
    def __init__(self, profile: PrinterProfile, mode: RenderMode) -> None:
        self.profile = profile
        self.mode = mode
        self.out = bytearray(commands.initialize())
        self.pending: list[Image.Image] = []
        self.raster_lines = 0
        if mode is RenderMode.KANJI:
            self.out += commands.kanji_on()

    def flush(self) -> None:
        if not self.pending:
            return
        sheet = raster.stack(self.pending, self.profile.dot_width)
        self.out += commands.align(Align.LEFT)
        self.out += commands.raster_image(sheet.width, raster.pack_rows(sheet))
        self.pending.clear()

    def native_text(self, line: TextLine) -> None:
        self.flush()
        self.out += commands.align(line.align) + commands.select_size(line.size) + commands.bold(line.bold)
        self.out += encode_shift_jis(line.text) + commands.LF

    def text(self, line: TextLine) -> None:
        if self.mode is RenderMode.KANJI and is_jis_x0208_text(line.text):
            self.native_text(line)
            return
        if self.mode is RenderMode.KANJI:
            self.raster_lines += 1
        self.pending.append(raster.render_text(line, self.profile.dot_width))

    def rule(self, rule: Rule) -> None:
        if self.mode is RenderMode.KANJI and is_jis_x0208_text(rule.char) and len(rule.char) == 1:
            columns = self.profile.columns
            self.native_text(TextLine(rule.char * columns))
        else:
            self.pending.append(raster.render_rule(rule, self.profile.dot_width))

    def qr(self, qr: QrCode) -> None:
        if not self.profile.native_qr:
            self.pending.append(raster.render_qr(qr, self.profile.dot_width))
            return
        self.flush()
        try:
            code = commands.qr_code(qr.payload.encode("utf-8"), qr.module_size)
        except ValueError as exc:
            raise ReceiptContentError(f"QR code cannot be printed: {exc}") from exc
        self.out += commands.align(qr.align) + code + commands.LF

    def barcode(self, barcode: Barcode) -> None:
        self.flush()
        try:
            code = commands.barcode(barcode.kind, barcode.data.encode("ascii"), barcode.height)
        except (ValueError, UnicodeEncodeError) as exc:
            raise ReceiptContentError(f"barcode cannot be printed: {exc}") from exc
        self.out += commands.align(barcode.align) + code + commands.LF

    def finish(self, cut: Cut) -> None:
        self.flush()
        self.out += commands.align(Align.LEFT) + commands.select_size(TextSize.NORMAL)
        self.out += commands.bold(False) + commands.cut(cut.partial)


def encode_receipt(
    receipt: Receipt, profile: PrinterProfile, raster_mode: bool | None = None
) -> EncodedReceipt:
    """The full byte stream of one receipt, ending in a cut."""
    builder = _Builder(profile, choose_mode(profile, raster_mode))
    finished = False
    for block in receipt.blocks:
        if finished:
            raise ReceiptContentError("a receipt has content after its cut; make two receipts")
        if isinstance(block, TextLine):
            builder.text(block)
        elif isinstance(block, Rule):
            builder.rule(block)
        elif isinstance(block, QrCode):
            builder.qr(block)
        elif isinstance(block, Barcode):
            builder.barcode(block)
        elif isinstance(block, Logo):
            builder.pending.append(raster.render_logo(block, profile.dot_width))
        elif isinstance(block, Feed):
            builder.flush()
            builder.out += commands.feed(block.lines)
        else:
            builder.finish(block)
            finished = True
    if not finished:
        builder.finish(Cut())
    return EncodedReceipt(bytes(builder.out), builder.mode, builder.raster_lines)
