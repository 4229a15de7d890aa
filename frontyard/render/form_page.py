"""One FilledForm on A4 pages: header, then each field in a labelled box, continued on new pages."""

from __future__ import annotations

import datetime as dt

from reportlab.pdfgen.canvas import Canvas

from frontyard.documents import FieldKind, FilledForm, FormField
from frontyard.render.canvas import (
    CONTENT_WIDTH,
    GRAY,
    HINT,
    MARGIN,
    MM,
    PAGE_HEIGHT,
    PAGE_WIDTH,
    draw_checkbox,
    draw_right,
    draw_text,
    fit_size,
    text_width,
)
from frontyard.render.wareki import format_wareki

MISSING_HINT = "（記入してください）"
LABEL_SIZE = 8.0
VALUE_SIZE = 12.0
HEADER_HEIGHT = 30 * MM
FOOTER_HEIGHT = 12 * MM
PAD = 2.5 * MM


def format_value(field: FormField) -> str:
    """The printed text of a TEXT/NAME/ADDRESS/PHONE/DATE value ("" when missing)."""
    value = field.value
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return format_wareki(value) if field.wareki else value.isoformat()
    if isinstance(value, bool):
        return "はい" if value else "いいえ"
    return str(value)


def is_missing(form: FilledForm, field: FormField) -> bool:
    return field.key in form.missing or field.value is None or field.value == ""


def row_height(field: FormField) -> float:
    if field.kind is FieldKind.NAME:
        return 21 * MM
    if field.kind is FieldKind.CHECKBOX:
        return 11 * MM
    if field.kind is FieldKind.CHOICE:
        return 17 * MM
    return 16 * MM


def draw_form(canvas: Canvas, form: FilledForm) -> None:
    """Draw ``form`` starting on the canvas's current (empty) page; ends with the last page shown."""
    page = 1
    y = _header(canvas, form, page)
    for field in form.fields:
        height = row_height(field)
        if y - height < MARGIN + FOOTER_HEIGHT:
            _footer(canvas, form)
            canvas.showPage()
            page += 1
            y = _header(canvas, form, page)
        _field_box(canvas, form, field, MARGIN, y - height, CONTENT_WIDTH, height)
        y -= height + 2 * MM
    _footer(canvas, form)
    canvas.showPage()


def _header(canvas: Canvas, form: FilledForm, page: int) -> float:
    top = PAGE_HEIGHT - MARGIN
    title = form.title if page == 1 else f"{form.title}（続き）"
    draw_text(canvas, MARGIN, top - 8 * MM, title, fit_size(title, 18, CONTENT_WIDTH * 0.6))
    draw_right(canvas, PAGE_WIDTH - MARGIN, top - 4 * MM, "提出先", LABEL_SIZE, GRAY)
    draw_right(canvas, PAGE_WIDTH - MARGIN, top - 9.5 * MM, form.counter, fit_size(form.counter, 11, 70 * MM))
    y = top - 13 * MM
    canvas.setLineWidth(1.2)
    canvas.line(MARGIN, y, PAGE_WIDTH - MARGIN, y)
    canvas.setLineWidth(0.6)
    if form.note and page == 1:
        draw_text(canvas, MARGIN, y - 5 * MM, form.note, fit_size(form.note, 9, CONTENT_WIDTH), GRAY)
    if form.missing and page == 1:
        hint = f"※ 赤字の欄（{len(form.missing)}か所）は窓口で記入してください。"
        draw_text(canvas, MARGIN, y - 10 * MM, hint, 9, HINT)
    return PAGE_HEIGHT - MARGIN - HEADER_HEIGHT


def _footer(canvas: Canvas, form: FilledForm) -> None:
    canvas.setLineWidth(0.3)
    canvas.line(MARGIN, MARGIN + 6 * MM, PAGE_WIDTH - MARGIN, MARGIN + 6 * MM)
    canvas.setLineWidth(0.6)
    draw_text(canvas, MARGIN, MARGIN + 1.5 * MM, f"{form.form_id} / {form.procedure_id}", 7, GRAY)
    draw_right(canvas, PAGE_WIDTH - MARGIN, MARGIN + 1.5 * MM, f"{canvas.getPageNumber()}", 7, GRAY)


def _field_box(
    canvas: Canvas, form: FilledForm, field: FormField, x: float, y: float, width: float, height: float
) -> None:
    missing = is_missing(form, field)
    canvas.setStrokeColor(HINT if missing and field.required else GRAY)
    canvas.rect(x, y, width, height, stroke=1, fill=0)
    canvas.setStrokeColorRGB(0, 0, 0)
    label = f"{field.label}{'（必須）' if field.required and missing else ''}"
    if field.kind is FieldKind.CHECKBOX:
        checked = field.value is True
        draw_checkbox(canvas, x + PAD, y + (height - 4.5 * MM) / 2, checked)
        draw_text(canvas, x + PAD + 7 * MM, y + height / 2 - 1.5 * MM, field.label, 10.5)
        if field.value is None:
            _hint(canvas, x + width - PAD, y + height / 2 - 1.5 * MM, right=True)
        return
    draw_text(canvas, x + PAD, y + height - 4 * MM, label, LABEL_SIZE, GRAY)
    inner = width - 2 * PAD
    if field.kind is FieldKind.CHOICE:
        _choices(canvas, field, x + PAD, y + 3.5 * MM, inner)
        if missing:
            _hint(canvas, x + width - PAD, y + height - 4 * MM, right=True)
        return
    if missing:
        _hint(canvas, x + PAD, y + 4 * MM)
        return
    text = format_value(field)
    if field.kind is FieldKind.NAME:
        if field.furigana:
            draw_text(canvas, x + PAD, y + 10.5 * MM, field.furigana, fit_size(field.furigana, 8, inner))
        draw_text(canvas, x + PAD, y + 3.5 * MM, text, fit_size(text, 15, inner))
        return
    draw_text(canvas, x + PAD, y + 4 * MM, text, fit_size(text, VALUE_SIZE, inner))


def _hint(canvas: Canvas, x: float, y: float, right: bool = False) -> None:
    if right:
        draw_right(canvas, x, y, MISSING_HINT, 9, HINT)
    else:
        draw_text(canvas, x, y, MISSING_HINT, 9, HINT)


def _choices(canvas: Canvas, field: FormField, x: float, y: float, width: float) -> None:
    """Each choice as a box and its text; the chosen one gets a ✓ and a circle around its text."""
    size = 10.5
    step_total = sum(text_width(choice, size) + 12 * MM for choice in field.choices)
    if step_total > width:
        size = max(6.0, size * width / step_total)
    cursor = x
    for choice in field.choices:
        chosen = field.value == choice
        draw_checkbox(canvas, cursor, y - 0.5 * MM, chosen, side=4 * MM)
        text_x = cursor + 6 * MM
        draw_text(canvas, text_x, y, choice, size)
        wide = text_width(choice, size)
        if chosen:
            canvas.setLineWidth(1.0)
            canvas.ellipse(
                text_x - 1.5 * MM, y - 1.8 * MM, text_x + wide + 1.5 * MM, y + size * 0.9, stroke=1
            )
            canvas.setLineWidth(0.6)
        cursor = text_x + wide + 6 * MM
