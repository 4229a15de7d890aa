"""The driver against CUPS's own ippeveprinter: an independent IPP implementation."""

from __future__ import annotations

import pytest

from drivers.ipp import FormPrinter, JobState, open_device
from frontyard.render import render_forms
from frontyard.render.samples import sample_checklist, sample_form
from tests.fixtures.ipp import EvePrinter

pytestmark = pytest.mark.integration


def test_print_forms_through_ippeveprinter(ippeveprinter: EvePrinter) -> None:
    printer = open_device(ippeveprinter.endpoint, timeout=10)
    printer.open()
    try:
        _print(printer, ippeveprinter)
    finally:
        printer.close()


def _print(printer: FormPrinter, ippeveprinter: EvePrinter) -> None:
    health = printer.check_health()
    assert health.ready, health
    attributes = printer.printer_attributes()
    assert "application/pdf" in attributes["document-format-supported"].values
    pdf = render_forms([sample_form(0)], sample_checklist())
    job_id = printer.print_pdf(pdf, "frontyard-forms")
    final = printer.wait_for_job(job_id, timeout=30, poll_interval=0.2)
    assert final.state is JobState.COMPLETED, final
    stored = sorted(ippeveprinter.spool.glob(f"{job_id}-*.pdf"))
    assert stored
    assert stored[0].read_bytes() == pdf
