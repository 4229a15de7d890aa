"""PDF rendering of filled forms and the household checklist (pure: data in, PDF bytes out).

``render_forms(forms, checklist)`` returns one A4 PDF (the checklist first, then each form) with the
IPAex Gothic font embedded as a subset. The output is reproducible: the same input gives the same bytes.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Sequence

from frontyard.documents import Checklist, FilledForm
from frontyard.render.canvas import new_canvas
from frontyard.render.checklist_page import draw_checklist
from frontyard.render.form_page import MISSING_HINT, draw_form, format_value
from frontyard.render.wareki import format_wareki, to_wareki

_LOGGER = logging.getLogger(__name__)


def render_forms(forms: Sequence[FilledForm], checklist: Checklist | None = None) -> bytes:
    """One PDF job: the checklist (if any) then every form, each form starting on a new page."""
    if not forms and checklist is None:
        raise ValueError("render_forms needs at least one form or a checklist")
    buffer = io.BytesIO()
    title = checklist.title if checklist is not None else forms[0].title
    canvas = new_canvas(buffer, title)
    if checklist is not None:
        draw_checklist(canvas, checklist)
    for form in forms:
        draw_form(canvas, form)
    canvas.save()
    pdf = buffer.getvalue()
    _LOGGER.debug("rendered %d forms into %d bytes", len(forms), len(pdf))
    return pdf


__all__ = ["MISSING_HINT", "format_value", "format_wareki", "render_forms", "to_wareki"]
