"""Draw synthetic ID documents and slips with PIL (the simulator's own layouts, no driver code).

Cards are drawn flat at ``PX_PER_MM`` on their true 85.6 × 54 mm outline; ``scene.py`` places them on the
stand. Layouts follow the real 運転免許証 and マイナンバーカード: labels, coloured bands, a portrait
placeholder, dates in 和暦.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from pathlib import Path

import segno
from PIL import Image, ImageDraw, ImageFont

FONT_PATH = Path(__file__).resolve().parents[2] / "fonts" / "ipaexg.ttf"
# Characters beyond the BMP (𠮷 of a persona's 𠮷田) are not in IPAex: drawn with Debian's IPAmj Mincho.
WIDE_FONT_PATH = Path("/usr/share/fonts/truetype/ipamj/ipamjm.ttf")
PX_PER_MM = 12.0
CARD_MM = (85.6, 54.0)
_ERAS = (("令和", dt.date(2019, 5, 1)), ("平成", dt.date(1989, 1, 8)), ("昭和", dt.date(1926, 12, 25)),
         ("大正", dt.date(1912, 7, 30)), ("明治", dt.date(1868, 1, 25)))  # fmt: skip
_FONTS: dict[tuple[Path, int], ImageFont.FreeTypeFont] = {}
Box = tuple[float, float, float, float]  # x0, y0, x1, y1 in mm


@dataclass(frozen=True)
class CardFields:
    """What is printed on a card (synthetic data only)."""

    name: str
    address: str
    birth: dt.date
    sex: str = "男"
    licence_number: str = "000000000000"
    expiry: dt.date = dt.date(2030, 1, 1)
    issued: dt.date = dt.date(2024, 1, 1)
    my_number: str = "000000000000"

    def __repr__(self) -> str:
        return "CardFields(<synthetic personal data>)"


def wareki(date: dt.date, *, zero_pad: bool = False) -> str:
    """``date(1988, 4, 1)`` → ``昭和63年4月1日`` (``元年`` for the first year)."""
    for era, first in _ERAS:
        if date >= first:
            year = date.year - first.year + 1
            if zero_pad:
                return f"{era}{year:02d}年{date.month:02d}月{date.day:02d}日"
            shown = "元" if year == 1 else str(year)
            return f"{era}{shown}年{date.month}月{date.day}日"
    raise ValueError("date before 明治")


def font(size_px: int, path: Path = FONT_PATH) -> ImageFont.FreeTypeFont:
    if (path, size_px) not in _FONTS:
        _FONTS[(path, size_px)] = ImageFont.truetype(str(path), size_px)
    return _FONTS[(path, size_px)]


def _pieces(text: str, size_px: int) -> list[tuple[str, ImageFont.FreeTypeFont]]:
    """``text`` split where the font changes: IPAex, or IPAmj for characters beyond the BMP."""
    pieces: list[tuple[str, ImageFont.FreeTypeFont]] = []
    for char in text:
        wide = ord(char) > 0xFFFF and WIDE_FONT_PATH.exists()
        face = font(size_px, WIDE_FONT_PATH if wide else FONT_PATH)
        if pieces and pieces[-1][1] is face:
            pieces[-1] = (pieces[-1][0] + char, face)
        else:
            pieces.append((char, face))
    return pieces


def draw_line(draw: ImageDraw.ImageDraw, xy: tuple[int, int], text: str, size_px: int, fill: str) -> None:
    x, y = xy
    for piece, face in _pieces(text, size_px):
        draw.text((x, y), piece, font=face, fill=fill)
        x += round(draw.textlength(piece, font=face))


def line_length(draw: ImageDraw.ImageDraw, text: str, size_px: int) -> float:
    return sum(draw.textlength(piece, font=face) for piece, face in _pieces(text, size_px))


def _px(mm: float) -> int:
    return round(mm * PX_PER_MM)


def _text(draw: ImageDraw.ImageDraw, box: Box, text: str, size_mm: float, fill: str = "#111") -> None:
    """Draw ``text`` left-aligned and vertically centred in ``box``, shrunk to fit its width."""
    x0, y0, x1, y1 = (_px(v) for v in box)
    size = _px(size_mm)
    while size > 8 and line_length(draw, text, size) > x1 - x0:
        size -= 1
    top = y0 + (y1 - y0 - size) // 2
    draw_line(draw, (x0, top), text, size, fill)


def _blank(colour: tuple[int, int, int]) -> tuple[Image.Image, ImageDraw.ImageDraw]:
    image = Image.new("RGB", (_px(CARD_MM[0]), _px(CARD_MM[1])), colour)
    return image, ImageDraw.Draw(image)


def _portrait(draw: ImageDraw.ImageDraw, box: Box) -> None:
    x0, y0, x1, y1 = (_px(v) for v in box)
    draw.rectangle((x0, y0, x1, y1), fill="#c9ced6", outline="#8a8f99", width=2)
    cx, w = (x0 + x1) // 2, x1 - x0
    draw.ellipse((cx - w // 4, y0 + w // 6, cx + w // 4, y0 + w // 6 + w // 2), fill="#9aa1ad")
    draw.pieslice((x0 + w // 8, y1 - w // 2, x1 - w // 8, y1 + w // 2), 180, 360, fill="#9aa1ad")


def _guilloche(draw: ImageDraw.ImageDraw, colour: str, step_mm: float = 3.0) -> None:
    width, height = _px(CARD_MM[0]), _px(CARD_MM[1])
    step = _px(step_mm)
    for offset in range(-height, width, step):
        draw.line((offset, height, offset + height, 0), fill=colour, width=1)


def licence(fields: CardFields) -> Image.Image:
    """A 運転免許証 (front)."""
    image, draw = _blank((246, 249, 238))
    _guilloche(draw, "#e4edd6")
    draw.rounded_rectangle((2, 2, image.width - 3, image.height - 3), radius=24, outline="#9bb58a", width=3)
    _text(draw, (2.5, 2.5, 9, 8.5), "氏名", 2.6, "#444")
    _text(draw, (9.5, 2.5, 49, 8.5), fields.name, 4.2)
    _text(draw, (51, 2.5, 83.5, 8.5), wareki(fields.birth) + "生", 3.2)
    _text(draw, (2.5, 9.5, 9, 14.8), "住所", 2.6, "#444")
    _text(draw, (9.5, 9.5, 83.5, 14.8), fields.address, 3.4)
    _text(draw, (2.5, 15.5, 9, 20), "交付", 2.6, "#444")
    _text(draw, (9.5, 15.5, 50, 20), wareki(fields.issued, zero_pad=True) + " 12345", 2.8)
    draw.rectangle((_px(2.5), _px(21), _px(58), _px(27)), fill=(236, 206, 120))
    _text(draw, (4, 21, 57, 27), wareki(fields.expiry, zero_pad=True) + "まで有効", 3.4)
    _text(draw, (2.5, 28.5, 30, 32), "免許の条件等", 2.4, "#444")
    _text(draw, (2.5, 32, 40, 36), "眼鏡等", 3.0)
    _text(draw, (2.5, 37, 50, 42.5), f"第 {fields.licence_number} 号", 3.6)
    _portrait(draw, (60, 21, 83, 48))
    _text(draw, (20, 44, 56, 51.5), "運転免許証", 4.6, "#1d2b5c")
    _text(draw, (60, 49, 84, 52.5), "鹿児島県公安委員会", 2.2, "#444")
    return image


def mynumber_front(fields: CardFields) -> Image.Image:
    """The front of a マイナンバーカード (個人番号カード)."""
    image, draw = _blank((252, 250, 250))
    _guilloche(draw, "#f3e6ea", 4.0)
    draw.rectangle((0, _px(40), image.width, image.height), fill=(246, 206, 214))
    draw.rounded_rectangle((2, 2, image.width - 3, image.height - 3), radius=24, outline="#d79aa8", width=3)
    _text(draw, (2.5, 3, 9, 9), "氏名", 2.6, "#444")
    _text(draw, (9.5, 3, 58, 9), fields.name, 4.2)
    _text(draw, (2.5, 11, 9, 17), "住所", 2.6, "#444")
    _text(draw, (9.5, 11, 59, 17), fields.address, 3.2)
    _text(draw, (2.5, 22, 12, 28), "生年月日", 2.4, "#444")
    _text(draw, (12.5, 22, 45, 28), wareki(fields.birth) + "生", 3.2)
    _text(draw, (46, 22, 59, 28), f"性別 {fields.sex}", 3.0)
    _text(draw, (2.5, 30, 12, 35), "有効期限", 2.4, "#444")
    _text(
        draw,
        (12.5, 30, 50, 35),
        f"{fields.expiry.year}年{fields.expiry.month}月{fields.expiry.day}日まで有効",
        2.8,
    )
    _portrait(draw, (62, 6, 83, 34))
    _text(draw, (3, 43, 42, 50.5), "個人番号カード", 4.4, "#6b1f33")
    _text(draw, (62, 44, 83, 49), "指宿市長", 2.6, "#444")
    return image


def mynumber_back(fields: CardFields) -> Image.Image:
    """The back of a マイナンバーカード: 個人番号, IC chip, a small name line."""
    image, draw = _blank((244, 247, 252))
    draw.rectangle((0, _px(46), image.width, image.height), fill=(196, 214, 240))
    draw.rounded_rectangle((2, 2, image.width - 3, image.height - 3), radius=24, outline="#8aa2c8", width=3)
    _text(draw, (3, 3, 18, 10), "個人番号", 3.0, "#333")
    digits = fields.my_number
    _text(draw, (20, 2.5, 75, 10.5), f"{digits[:4]} {digits[4:8]} {digits[8:]}", 5.4)
    draw.rounded_rectangle((_px(8), _px(18), _px(20), _px(30)), radius=10, fill=(214, 178, 88))
    for mm in (21.0, 24.0, 27.0):
        draw.line((_px(8), _px(mm), _px(20), _px(mm)), fill=(150, 120, 50), width=2)
    _text(draw, (3, 35, 50, 40), fields.name, 2.8)
    _text(draw, (3, 40, 50, 44.5), wareki(fields.birth) + "生", 2.4)
    return image


def qr_slip(payload: str, encoding: str = "utf-8") -> Image.Image:
    """A receipt-paper slip (80 × 100 mm) with a QR code of ``payload`` encoded as ``encoding`` bytes."""
    slip = Image.new("RGB", (_px(80), _px(100)), (250, 250, 246))
    draw = ImageDraw.Draw(slip)
    _text(draw, (8, 5, 72, 14), "受付票", 6.0)
    code = segno.make(payload.encode(encoding), mode="byte", error="m", micro=False)
    buffer = io.BytesIO()
    code.save(buffer, kind="png", scale=10, border=4)
    qr = (
        Image.open(io.BytesIO(buffer.getvalue()))
        .convert("RGB")
        .resize((_px(60), _px(60)), Image.Resampling.NEAREST)
    )
    slip.paste(qr, (_px(10), _px(20)))
    _text(draw, (8, 84, 72, 92), "この用紙を窓口にお持ちください", 3.2)
    return slip
