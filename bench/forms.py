"""The reference household's 14 forms and checklist to one PDF, against the time an A4 printer needs."""

from __future__ import annotations

import io
import statistics
import time
from collections.abc import Sequence

from pypdf import PdfReader

from frontyard.documents import Checklist, FilledForm
from frontyard.forms import fill_forms
from frontyard.lifeevents import build_checklist, evaluate
from frontyard.reference import reference_household
from frontyard.render import render_forms

PRINTER_PPM = 30


def _documents() -> tuple[Sequence[FilledForm], Checklist]:
    """The report's reference household (3 generations, 7 people, moving in): its forms and checklist."""
    evaluation = evaluate(reference_household())
    return fill_forms(evaluation), build_checklist(
        evaluation, reception_qr="FY1:20250909:SHIMIN:0001:BENCHMARK"
    )


def run(quick: bool) -> dict[str, float | int | str]:
    forms, checklist = _documents()
    render_forms(forms, checklist)  # warm up: font loading and parsing happen once per process
    times = []
    pdf = b""
    for _ in range(3 if quick else 9):
        start = time.perf_counter()
        pdf = render_forms(forms, checklist)
        times.append(time.perf_counter() - start)
    forms_s = statistics.median(times)
    pages = len(PdfReader(io.BytesIO(pdf)).pages)
    print_s = pages * 60.0 / PRINTER_PPM
    return {
        "source": "frontyard.reference",
        "forms": len(forms),
        "forms_s": round(forms_s, 4),
        "pages": pages,
        "pdf_kib": round(len(pdf) / 1024, 1),
        "print_s_at_30ppm": print_s,
        "render_share_of_print_time": round(forms_s / print_s, 5),
    }
