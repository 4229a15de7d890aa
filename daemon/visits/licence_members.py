"""A household member from a 運転免許証 read (CardService.ReadLicence): the 転入 flow's "by licence" path.

Name, 呼び名 (as furigana) and birth date come from the licence; its address (for a 転入, the previous
one) fills the household's old address when it is still empty. The licence has no sex and says nothing
about a My Number card: those questions stay open. Each 外字 becomes a private-use character registered
with its card glyph (frontyard.render.glyphs), so the PDF form draws the card's own image; a 欠字 stays 〓.
Staff see the name with 〓, the glyph images and a confirmation flag (:func:`name_characters`).
"""

from __future__ import annotations

import dataclasses
import io
from dataclasses import dataclass

from kiosk.v1 import visit_pb2 as pb
from PIL import Image

from drivers.licence import DriversLicence, LicenceText
from frontyard.documents import FilledForm
from frontyard.household import Person
from frontyard.render import glyphs

GETA = "\u3013"  # 〓


@dataclass(frozen=True)
class LicenceMember:
    person: Person
    address: str
    glyph_chars: frozenset[str]


def _with_glyphs(text: LicenceText, licence: DriversLicence, registered: dict[int, str]) -> str:
    chars = list(text.text)
    for item in text.placeholders:
        glyph = licence.glyphs.get(item.gaiji) if item.gaiji is not None else None
        if glyph is None or item.gaiji is None:
            continue  # 欠字: 〓 stays, staff complete it
        if item.gaiji not in registered:
            registered[item.gaiji] = glyphs.register(
                glyphs.GlyphImage(glyph.width, glyph.height, glyph.bitmap)
            )
        chars[item.position] = registered[item.gaiji]
    return "".join(chars)


def member_from_licence(licence: DriversLicence, relationship: str) -> LicenceMember:
    matters = licence.matters
    registered: dict[int, str] = {}
    name = _with_glyphs(matters.name, licence, registered)
    furigana = matters.kana.text if not matters.kana.needs_confirmation else None
    address = _with_glyphs(matters.address, licence, registered)
    person = Person("", relationship, name, furigana, matters.birth_date)
    return LicenceMember(person, address, frozenset(registered.values()))


def _png(image: glyphs.GlyphImage) -> bytes:
    bits = Image.frombytes("1", (image.width, image.height), image.bitmap)
    out = io.BytesIO()
    Image.eval(bits.convert("L"), lambda value: 255 - value).convert("1").save(out, format="PNG")
    return out.getvalue()


def name_characters(name: str) -> tuple[str, list[pb.NameCharacter]]:
    """``name`` for a screen (each 外字 as 〓) and its 外字/欠字 characters with their images."""
    shown: list[str] = []
    characters: list[pb.NameCharacter] = []
    for position, char in enumerate(name):
        image = glyphs.lookup(char)
        if image is not None:
            characters.append(pb.NameCharacter(position=position, glyph_png=_png(image)))
            shown.append(GETA)
        elif glyphs.PRIVATE_USE_FIRST <= ord(char) < glyphs.PRIVATE_USE_FIRST + glyphs.PRIVATE_USE_SIZE:
            characters.append(pb.NameCharacter(position=position))  # an image already released
            shown.append(GETA)
        else:
            if char == GETA:
                characters.append(pb.NameCharacter(position=position))
            shown.append(char)
    return "".join(shown), characters


def without_glyphs(form: FilledForm) -> FilledForm:
    """``form`` with each registered 外字 character as 〓: what the outbox keeps after the visit (its
    glyph images are released then; the application's PDF, rendered before, still shows them)."""
    fields = tuple(
        dataclasses.replace(item, value=name_characters(item.value)[0])
        if isinstance(item.value, str)
        else item
        for item in form.fields
    )
    return dataclasses.replace(form, fields=fields)
