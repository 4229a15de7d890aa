"""A licence 外字 registered as an image is drawn on the form as that bitmap, not as a box or a guess."""

from __future__ import annotations

import io
import subprocess

from PIL import Image
from pypdf import PdfReader

from frontyard.documents import FieldKind, FilledForm, FormField
from frontyard.render import glyphs, render_forms

# A 32×32 test glyph: a filled square frame (ink on the border rows and columns).
FRAME = bytes(
    b for row in range(32) for b in (b"\xff\xff\xff\xff" if row in (0, 1, 30, 31) else b"\xc0\x00\x00\x03")
)


def _form(name: str) -> FilledForm:
    return FilledForm(
        "f", "届出書", "test", "市民課", (FormField("name", "氏名", FieldKind.NAME, name, furigana="たなか"),)
    )


def _raster(pdf: bytes) -> Image.Image:
    page = subprocess.run(
        ["pdftoppm", "-r", "72", "-gray", "-singlefile", "-"], input=pdf, capture_output=True, check=True
    )
    return Image.open(io.BytesIO(page.stdout))


def test_registered_glyph_is_drawn_as_its_bitmap_and_released() -> None:
    char = glyphs.register(glyphs.GlyphImage(32, 32, FRAME))
    try:
        with_glyph = render_forms([_form(f"{char}中　太郎")])
        plain = render_forms([_form("\u3013中　太郎")])
        images = PdfReader(io.BytesIO(with_glyph)).pages[0].images
        assert len(images) == 1
        drawn = images[0].image
        assert drawn is not None and drawn.size == (32, 32)
        assert drawn.convert("L").getpixel((0, 0)) == 0  # the frame's corner is ink
        assert drawn.convert("L").getpixel((16, 16)) == 255  # its middle is paper
        text = subprocess.run(["pdftotext", "-", "-"], input=with_glyph, capture_output=True, check=True)
        extracted = text.stdout.decode()
        assert char not in extracted and "中" in extracted and "太郎" in extracted
        assert _raster(with_glyph).tobytes() != _raster(plain).tobytes()
        assert render_forms([_form(f"{char}中　太郎")]) == with_glyph, "still reproducible"
    finally:
        glyphs.release([char])
    assert glyphs.lookup(char) is None
