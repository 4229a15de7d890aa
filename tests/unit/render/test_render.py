"""PDF rendering: reproducible bytes, embedded font, the right text in the right field."""

from __future__ import annotations

import datetime as dt
import io
import shutil
import subprocess
from typing import Any, cast

import pytest
from pypdf import PdfReader

from frontyard.documents import FieldKind, FilledForm, FormField
from frontyard.render import MISSING_HINT, render_forms
from frontyard.render.samples import sample_checklist, sample_form, sample_forms


def _form() -> FilledForm:
    return FilledForm(
        form_id="test-form",
        title="テスト届出書",
        procedure_id="test",
        counter="市民課 1番窓口",
        fields=(
            FormField("name", "届出人氏名", FieldKind.NAME, "試験 次郎", furigana="しけん じろう"),
            FormField("birth", "生年月日", FieldKind.DATE, dt.date(2019, 5, 1), wareki=True),
            FormField("iso", "受付日", FieldKind.DATE, dt.date(2025, 4, 2)),
            FormField("phone", "電話番号", FieldKind.PHONE, None),
            FormField("agree", "同意する", FieldKind.CHECKBOX, True),
            FormField("refuse", "郵送を希望する", FieldKind.CHECKBOX, False),
            FormField("kind", "種別", FieldKind.CHOICE, "乙", choices=("甲", "乙", "丙")),
        ),
        missing=("phone",),
    )


def _text(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


def test_same_input_same_bytes() -> None:
    first = render_forms([_form()], sample_checklist())
    second = render_forms([_form()], sample_checklist())
    assert first.startswith(b"%PDF-")
    assert first == second
    assert render_forms([_form()]) != first


def test_font_embedded_as_subset() -> None:
    reader = PdfReader(io.BytesIO(render_forms([_form()])))
    fonts = cast(Any, reader.pages[0])["/Resources"]["/Font"]
    embedded = [
        font.get_object() for font in fonts.values() if "IPAexGothic" in str(font.get_object()["/BaseFont"])
    ]
    assert embedded
    assert all(str(font["/BaseFont"]).startswith("/AAAAAA+") for font in embedded)  # a subset
    assert all("/FontFile2" in font["/FontDescriptor"].get_object() for font in embedded)


def test_values_under_their_labels() -> None:
    (text,) = _text(render_forms([_form()]))
    assert text.index("テスト届出書") < text.index("届出人氏名")
    assert text.index("届出人氏名") < text.index("しけん じろう") < text.index("試験 次郎")
    assert text.index("生年月日") < text.index("令和元年5月1日") < text.index("受付日")
    assert text.index("受付日") < text.index("2025-04-02")
    assert "市民課 1番窓口" in text


def test_missing_field_marked() -> None:
    (text,) = _text(render_forms([_form()]))
    label = text.index("電話番号")
    assert text.index(MISSING_HINT, label) < text.index("同意する")
    assert text.count(MISSING_HINT) == 1
    complete = FilledForm("f", "届", "p", "c", (FormField("a", "住所", FieldKind.ADDRESS, "見本町1"),))
    assert MISSING_HINT not in _text(render_forms([complete]))[0]


def test_checkbox_and_choice_marks() -> None:
    (text,) = _text(render_forms([_form()]))
    # one ✓ for the checked box and one for the chosen choice, each right before its text
    assert text.count("✓") == 2
    assert text.index("✓") < text.index("同意する") < text.index("郵送を希望する")
    assert text.rindex("✓") > text.index("甲")
    assert text.rindex("✓") < text.index("乙")


def test_checklist_then_forms_as_one_job() -> None:
    forms = sample_forms()
    pdf = render_forms(forms, sample_checklist())
    pages = _text(pdf)
    assert pages[0].startswith("転入の手続き一覧")
    assert "令和7年4月15日" in pages[0]
    first_pages = [next(i for i, page in enumerate(pages) if page.startswith(form.title)) for form in forms]
    assert first_pages == sorted(first_pages)
    assert first_pages[0] > 0  # the checklist comes first
    assert len(pages) >= len(forms) + 1


def test_nothing_to_render() -> None:
    with pytest.raises(ValueError, match="at least one"):
        render_forms([])


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
def test_pdftotext_layout_and_wareki_birth_dates() -> None:
    pdf = render_forms([sample_form(0)])
    result = subprocess.run(["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True)
    text = result.stdout.decode()
    assert "昭和25年6月3日" in text
    assert "令和元年5月1日" in text  # the sample household's child born on the first day of 令和
    assert text.index("みほん いちろう") < text.index("見本 一郎")


def test_qr_code_is_drawn() -> None:
    with_qr = render_forms([], sample_checklist())
    checklist = sample_checklist()
    without = render_forms([], type(checklist)(checklist.title, checklist.event_date, checklist.items))
    assert len(with_qr) > len(without) + 500


def test_a_character_ipaex_lacks_is_set_in_the_fallback_font() -> None:
    """𠮷 is not in IPAex: the PDF embeds IPAmj Mincho for it (the rest of the line stays IPAex), and
    copy or search of the PDF gives 𠮷 back (a character beyond the BMP in the ToUnicode map)."""
    form = FilledForm(
        "f", "届出書", "test", "市民課",
        (FormField("name", "氏名", FieldKind.NAME, "𠮷田 花子", furigana="よしだ はなこ"),),
    )  # fmt: skip
    pdf = render_forms([form])
    fonts = cast(Any, PdfReader(io.BytesIO(pdf)).pages[0])["/Resources"]["/Font"]
    names = [str(font.get_object()["/BaseFont"]) for font in fonts.values()]
    assert any("IPAmjMincho" in name for name in names), names
    result = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True)
    assert "𠮷田 花子" in result.stdout.decode()
    assert render_forms([form]) == pdf, "still byte-for-byte reproducible"
