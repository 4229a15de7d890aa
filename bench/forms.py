"""Render the household's 14 forms and checklist to one PDF; compare with the time the printer needs."""

from __future__ import annotations

import importlib
import io
import statistics
import time
from collections.abc import Sequence

from pypdf import PdfReader

from frontyard.documents import Checklist, FilledForm
from frontyard.render import render_forms
from frontyard.render.samples import sample_checklist, sample_forms

PRINTER_PPM = 30


def _documents() -> tuple[Sequence[FilledForm], Checklist, str]:
    """The domain's reference household if it offers one, else the synthetic sample household."""
    try:
        reference = importlib.import_module("frontyard.reference")
        forms, checklist = reference.reference_documents()
        return forms, checklist, "frontyard.reference"
    except (ImportError, AttributeError):
        return sample_forms(), sample_checklist(), "frontyard.render.samples"


def run(quick: bool) -> dict[str, float | int | str]:
    forms, checklist, source = _documents()
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
        "source": source,
        "forms": len(forms),
        "forms_s": round(forms_s, 4),
        "pages": pages,
        "pdf_kib": round(len(pdf) / 1024, 1),
        "print_s_at_30ppm": print_s,
        "render_share_of_print_time": round(forms_s / print_s, 5),
    }
