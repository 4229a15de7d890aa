"""A 転入 member from a 運転免許証: 外字 become registered glyph characters, 欠字 stay 〓, staff see both."""

from __future__ import annotations

import datetime as dt

from daemon.visits.licence_members import GETA, member_from_licence, name_characters, without_glyphs
from drivers.licence import DriversLicence, Glyph, LicenceMatters, LicenceText, Placeholder
from frontyard.documents import FieldKind, FilledForm, FormField
from frontyard.render import glyphs

INK = bytes([0xFF] * 128)


def licence() -> DriversLicence:
    name = LicenceText(f"{GETA}橋　健一", (Placeholder(0, 1),))
    address = LicenceText(f"鹿児島県{GETA}宿市", (Placeholder(4, None),))
    matters = LicenceMatters(
        name=name,
        kana=LicenceText("タカハシ　ケンイチ"),
        alias=None,
        address=address,
        birth_date=dt.date(1975, 7, 7),
        issue_date=dt.date(2023, 6, 1),
        expiry_date=dt.date(2028, 8, 7),
        number="461900556781",
        reference_number="",
        colour="一般",
        authority="鹿児島県公安委員会",
        conditions=(),
        jis_year=2,
    )
    return DriversLicence(matters, {1: Glyph(1, 32, 32, INK, composition=1)})


def test_gaiji_becomes_a_registered_glyph_and_missing_stays_geta() -> None:
    read = member_from_licence(licence(), "世帯主")
    try:
        person = read.person
        assert person.name is not None and person.name[1:] == "橋　健一"
        image = glyphs.lookup(person.name[0])
        assert image is not None and image.bitmap == INK
        assert read.glyph_chars == frozenset({person.name[0]})
        assert read.address == f"鹿児島県{GETA}宿市", "a 欠字 is never filled in"
        assert (person.furigana, person.birth_date, person.has_mn_card) == (
            "タカハシ　ケンイチ",
            dt.date(1975, 7, 7),
            False,
        )
        shown, characters = name_characters(person.name)
        assert shown == f"{GETA}橋　健一"
        assert [c.position for c in characters] == [0]
        assert characters[0].glyph_png.startswith(b"\x89PNG")
        _, missing = name_characters(read.address)
        assert [(c.position, c.glyph_png) for c in missing] == [(4, b"")]
    finally:
        glyphs.release(read.glyph_chars)
    assert glyphs.lookup(next(iter(read.glyph_chars))) is None


def test_plain_name_needs_no_confirmation() -> None:
    shown, characters = name_characters("指宿　太郎")
    assert (shown, characters) == ("指宿　太郎", [])


def test_outbox_forms_keep_geta_not_private_use_characters() -> None:
    read = member_from_licence(licence(), "世帯主")
    name = read.person.name or ""
    form = FilledForm("f", "届出書", "p", "市民課", (FormField("name", "氏名", FieldKind.NAME, name),))
    try:
        filed = without_glyphs(form)
    finally:
        glyphs.release(read.glyph_chars)
    assert filed.fields[0].value == f"{GETA}橋　健一"
    shown, characters = name_characters(name)  # released: still 〓, no image
    assert shown == f"{GETA}橋　健一" and [c.glyph_png for c in characters] == [b""]
