"""The camera simulator draws a persona's 𠮷 (beyond the BMP, not in IPAex) with IPAmj, not as a box."""

from __future__ import annotations

from PIL import Image, ImageDraw

from simulators.camera.documents import FONT_PATH, WIDE_FONT_PATH, draw_line, font, line_length


def _drawn(text: str, with_fallback: bool) -> bytes:
    image = Image.new("L", (200, 60), 255)
    draw = ImageDraw.Draw(image)
    if with_fallback:
        draw_line(draw, (4, 4), text, 40, "#000")
    else:
        draw.text((4, 4), text, font=font(40, FONT_PATH), fill="#000")
    return image.tobytes()


def test_a_character_beyond_the_bmp_is_drawn_with_ipamj() -> None:
    assert WIDE_FONT_PATH.exists(), "scripts/setup.sh installs fonts-ipamj-mincho"
    assert _drawn("𠮷田", with_fallback=True) != _drawn("𠮷田", with_fallback=False)
    assert _drawn("吉田", with_fallback=True) == _drawn("吉田", with_fallback=False), "the rest is unchanged"
    image = ImageDraw.Draw(Image.new("L", (10, 10)))
    assert line_length(image, "𠮷田", 40) == image.textlength(
        "𠮷", font=font(40, WIDE_FONT_PATH)
    ) + image.textlength("田", font=font(40, FONT_PATH))
