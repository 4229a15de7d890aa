"""Golden images: receipts printed through driver → simulator, compared with tests/golden/escpos/*.png.

Regenerate with ``UPDATE_GOLDEN=1 pytest tests/integration/escpos/test_golden.py`` and look at the PNGs.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from drivers.escpos import Align, Barcode, Feed, QrCode, Receipt, Rule, TextLine, TextSize, open_device
from tests.fixtures.escpos import EscposSimulator

pytestmark = pytest.mark.integration
GOLDEN_DIR = Path(__file__).resolve().parents[2] / "golden" / "escpos"
MAX_DIFFERENT_PIXELS = 0.001  # fraction; rendering is deterministic, this only absorbs font hinting noise

SAMPLE = Receipt(
    (
        TextLine("指宿市役所 市民課", align=Align.CENTER),
        TextLine("受付票", size=TextSize.DOUBLE, bold=True, align=Align.CENTER),
        Rule(),
        TextLine("𠮷田 様・髙橋 様・山﨑 様"),
        TextLine("住民票の写し　2通　600円"),
        TextLine("合計 600円", size=TextSize.DOUBLE_HEIGHT, align=Align.RIGHT),
        Rule(),
        QrCode("R20260401-012.3F9A", module_size=5),
        Barcode("A012"),
        Feed(1),
    )
)
CASES = {"raster-80": "generic-80", "kanji-80": "tm-m30-jp", "raster-58": "generic-58"}


@pytest.mark.parametrize("name", sorted(CASES))
def test_golden_receipt(name: str, escpos_sim: EscposSimulator) -> None:
    printer = open_device(escpos_sim.uri(CASES[name]))
    try:
        assert printer.print_receipt(SAMPLE).completed
    finally:
        printer.close()
    (receipt,) = escpos_sim.receipts()
    assert receipt["qr"] == ["R20260401-012.3F9A"]
    assert receipt["barcodes"] == ["A012"]
    if CASES[name] == "tm-m30-jp":
        assert "住民票の写し　2通　600円" in receipt["text"]
        assert receipt["raster_blocks"] == 1  # the 𠮷/髙/﨑 line only
    golden = GOLDEN_DIR / f"{name}.png"
    if os.environ.get("UPDATE_GOLDEN") == "1":
        GOLDEN_DIR.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(receipt["png"], golden)
    actual = np.asarray(Image.open(receipt["png"]).convert("L"))
    expected = np.asarray(Image.open(golden).convert("L"))
    assert actual.shape == expected.shape
    different = np.count_nonzero(actual != expected) / actual.size
    assert different <= MAX_DIFFERENT_PIXELS, f"{name}: {different:.4%} of pixels differ from {golden.name}"
