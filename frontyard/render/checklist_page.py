"""The household checklist: counters in visiting order, procedures and why, what to bring, deadlines, QR."""

from __future__ import annotations

from reportlab.lib.colors import black
from reportlab.pdfgen.canvas import Canvas

from frontyard.documents import Checklist, ChecklistItem
from frontyard.render.canvas import (
    CONTENT_WIDTH,
    GRAY,
    HINT,
    LIGHT,
    MARGIN,
    MM,
    PAGE_HEIGHT,
    PAGE_WIDTH,
    draw_qr,
    draw_right,
    draw_text,
    fit_size,
    wrap,
)
from frontyard.render.wareki import format_wareki

QR_SIZE = 28 * MM
LINE = 5 * MM
BODY = 10.0
SMALL = 9.0


def _item_lines(item: ChecklistItem, width: float) -> list[tuple[str, float, bool]]:
    """The lines of one item as (text, size, highlighted)."""
    lines: list[tuple[str, float, bool]] = []
    for index, procedure in enumerate(item.procedures):
        reason = item.reasons[index] if index < len(item.reasons) else ""
        text = f"・{procedure}" + (f"（{reason}）" if reason else "")
        lines += [(line, BODY, False) for line in wrap(text, BODY, width)]
    if item.bring:
        lines += [(line, SMALL, False) for line in wrap("持ち物：" + "、".join(item.bring), SMALL, width)]
    if item.deadline is not None:
        lines.append((f"期限：{format_wareki(item.deadline)}まで", SMALL, True))
    return lines


def draw_checklist(canvas: Canvas, checklist: Checklist) -> None:
    """Draw the checklist on the canvas's current page (and more pages if needed); ends with showPage."""
    y = _header(canvas, checklist, first=True)
    inner = CONTENT_WIDTH - 16 * MM
    for item in sorted(checklist.items, key=lambda item: item.order):
        lines = _item_lines(item, inner)
        height = 9 * MM + len(lines) * LINE + 2 * MM
        if y - height < MARGIN + 25 * MM:
            canvas.showPage()
            y = _header(canvas, checklist, first=False)
        _item(canvas, item, lines, y, height)
        y -= height + 3 * MM
    _notes(canvas, checklist, y)
    canvas.showPage()


def _header(canvas: Canvas, checklist: Checklist, first: bool) -> float:
    top = PAGE_HEIGHT - MARGIN
    title = checklist.title if first else f"{checklist.title}（続き）"
    draw_text(canvas, MARGIN, top - 9 * MM, title, fit_size(title, 20, CONTENT_WIDTH - QR_SIZE - 5 * MM))
    draw_text(canvas, MARGIN, top - 17 * MM, f"届出日：{format_wareki(checklist.event_date)}", 11)
    draw_text(canvas, MARGIN, top - 23 * MM, "上から順に窓口をお回りください。", 10, GRAY)
    if checklist.reception_qr:
        draw_qr(canvas, checklist.reception_qr, PAGE_WIDTH - MARGIN - QR_SIZE, top - QR_SIZE, QR_SIZE)
        draw_right(
            canvas, PAGE_WIDTH - MARGIN, top - QR_SIZE - 4 * MM, "各窓口でこのQRをお見せください", 7, GRAY
        )
    return top - QR_SIZE - 10 * MM


def _item(
    canvas: Canvas, item: ChecklistItem, lines: list[tuple[str, float, bool]], y: float, h: float
) -> None:
    x = MARGIN
    canvas.setStrokeColor(GRAY)
    canvas.rect(x, y - h, CONTENT_WIDTH, h, stroke=1, fill=0)
    canvas.setFillColor(LIGHT)
    canvas.rect(x, y - 8 * MM, CONTENT_WIDTH, 8 * MM, stroke=0, fill=1)
    canvas.setStrokeColorRGB(0, 0, 0)
    canvas.circle(x + 6 * MM, y - 4 * MM, 3 * MM, stroke=1, fill=0)
    draw_text(canvas, x + 6 * MM - _digit_offset(item.order), y - 5.5 * MM, str(item.order), 11)
    heading = f"{item.counter}　{item.place}"
    draw_text(canvas, x + 12 * MM, y - 5.8 * MM, heading, fit_size(heading, 12, CONTENT_WIDTH - 40 * MM))
    draw_right(canvas, x + CONTENT_WIDTH - 3 * MM, y - 5.8 * MM, "済 □", 10, GRAY)
    line_y = y - 8 * MM - LINE
    for text, size, highlighted in lines:
        color = HINT if highlighted else (GRAY if size < BODY else black)
        draw_text(canvas, x + 8 * MM, line_y + 1 * MM, text, size, color)
        line_y -= LINE


def _digit_offset(order: int) -> float:
    return 1.5 * MM * len(str(order))


def _notes(canvas: Canvas, checklist: Checklist, y: float) -> None:
    for note in checklist.notes:
        for line in wrap(f"※ {note}", SMALL, CONTENT_WIDTH):
            if y < MARGIN + 10 * MM:
                canvas.showPage()
                y = PAGE_HEIGHT - MARGIN - 10 * MM
            draw_text(canvas, MARGIN, y, line, SMALL, GRAY)
            y -= LINE
