"""The IPP printer simulator against CUPS's conformance tests, compared with CUPS's own ``ippeveprinter``.

``ipptool`` (Debian ``cups-ipp-utils``) runs ``ipp-1.1.test``, ``ipp-2.0.test`` and
``get-printer-attributes.test`` against both printers in the same run. The simulator must fail none of
them and pass every test ``ippeveprinter`` passes, except the ones it skips for what it deliberately does
not offer: Print-URI and Send-URI (it fetches nothing) and US Letter paper (it holds A4 only).
"""

from __future__ import annotations

import re
import shutil
import subprocess
from collections import Counter
from dataclasses import dataclass
from enum import Enum
from pathlib import Path

import pytest

from tests.fixtures.ipp import EvePrinter, IppSimulator

pytestmark = pytest.mark.integration

IPPTOOL_DIR = Path("/usr/share/cups/ipptool")
TEST_FILES = ("ipp-1.1.test", "ipp-2.0.test", "get-printer-attributes.test")
NOT_OFFERED = re.compile(r"Print-URI|Send-URI|US Letter")
RESULT_LINE = re.compile(r"^ {4}(?P<name>\S.*?)\s+\[(?P<outcome>PASS|FAIL|SKIP)\]$", re.MULTILINE)


class Outcome(Enum):
    PASS = "pass"
    FAIL = "fail"
    SKIP = "skip"


@dataclass(frozen=True)
class Result:
    test_file: str
    name: str
    outcome: Outcome


def one_page_pdf(width: int = 595, height: int = 842) -> bytes:
    """A valid one-page PDF (a filled square; A4 by default), written by hand: no renderer needed."""
    content = b"0 0 1 rg 100 100 200 200 re f"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %d %d] /Contents 4 0 R >>" % (width, height),
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def ipptool_directory(where: Path) -> Path:
    """The test files, beside the documents they name (CUPS's example documents are not in Debian's
    package: PDFs are written here; the PostScript and JPEG ones are never sent to a PDF-only printer)."""
    where.mkdir()
    for name in TEST_FILES:
        shutil.copy(IPPTOOL_DIR / name, where / name)
    (where / "document-a4.pdf").write_bytes(one_page_pdf())
    (where / "document-letter.pdf").write_bytes(one_page_pdf(612, 792))
    for unsent in ("document-a4.ps", "document-letter.ps", "color.jpg", "gray.jpg"):
        (where / unsent).write_bytes(b"")
    return where


def run_ipptool(uri: str, test_file: str, directory: Path) -> tuple[list[Result], str]:
    """``ipptool -t -I -f document-a4.pdf URI FILE``: one result per test of the file, and the output.

    The text report is parsed (``-P``'s plist is not well-formed when a file INCLUDEs another); a test's
    line is its name, cut to the same width for every printer, and ``[PASS]``, ``[FAIL]`` or ``[SKIP]``.
    """
    finished = subprocess.run(
        ["ipptool", "-t", "-I", "-T", "10", "-f", "document-a4.pdf", uri, test_file],
        cwd=directory,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,  # a failing test makes ipptool exit 1: the report says which
    )
    results = [
        Result(test_file, match["name"], Outcome(match["outcome"].lower()))
        for match in RESULT_LINE.finditer(finished.stdout)
    ]
    return results, finished.stdout + finished.stderr


def count(results: list[Result], outcome: Outcome) -> Counter[tuple[str, str]]:
    return Counter((r.test_file, r.name) for r in results if r.outcome is outcome)


def test_simulator_passes_ipptool_at_least_as_well_as_ippeveprinter(
    ipp_simulator: IppSimulator, ippeveprinter: EvePrinter, tmp_path: Path
) -> None:
    if shutil.which("ipptool") is None:
        pytest.fail("ipptool is not installed (apt-get install cups-ipp-utils)")
    directory = ipptool_directory(tmp_path / "ipptool")
    simulator: list[Result] = []
    reference: list[Result] = []
    reports: list[str] = []
    for test_file in TEST_FILES:
        results, report = run_ipptool(ipp_simulator.endpoint, test_file, directory)
        simulator += results
        reports.append(report)
        reference += run_ipptool(ippeveprinter.endpoint, test_file, directory)[0]

    failed = [r for r in simulator if r.outcome is Outcome.FAIL]
    assert not failed, "the simulator fails ipptool tests:\n" + "\n".join(reports)
    assert sum(r.outcome is Outcome.PASS for r in simulator) >= 50, simulator  # the files really ran
    skipped = count(simulator, Outcome.SKIP)
    missing = [
        test
        for test in count(reference, Outcome.PASS) - count(simulator, Outcome.PASS)
        if not (test in skipped and NOT_OFFERED.search(test[1]))
    ]
    assert not missing, f"ippeveprinter passes, the simulator does not: {sorted(missing)}"
