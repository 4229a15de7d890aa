"""The recognisers: Tesseract's character set parsed from its model file, PP-OCRv6 loaded from the rapidocr
package with no network, reading a rendered line, and the fallback when rapidocr is absent."""

from __future__ import annotations

import socket
import struct
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from PIL import Image, ImageDraw, ImageFont

from drivers.camera import engines, ppocr
from drivers.camera.engines import EngineChoice, EngineUnavailable
from drivers.camera.ocr import TesseractEngine
from drivers.camera.tessdata import LSTM_UNICHARSET, TessdataError, language_charset, unicharset

FONT = Path(__file__).resolve().parents[3] / "fonts" / "ipaexg.ttf"


def traineddata(components: dict[int, bytes], count: int = 24) -> bytes:
    """A .traineddata container holding ``components`` at their indices."""
    offsets, body, position = [], b"", 4 + 8 * count
    for index in range(count):
        if index in components:
            offsets.append(position + len(body))
            body += components[index]
        else:
            offsets.append(-1)
    return struct.pack(f"<i{count}q", count, *offsets) + body


def test_unicharset_is_read_from_the_lstm_component() -> None:
    text = "5\nNULL 0 Common 0\nJoined 7 0\n高 1 0\n橋 1 0\nab 0 0\n".encode()
    data = traineddata({0: b"config", LSTM_UNICHARSET: text, 23: b"4.00"})
    assert unicharset(data) == frozenset("高橋ab")


def test_debian_jpn_cannot_produce_the_register_forms() -> None:
    charset = language_charset("jpn")
    assert len(charset) > 2000
    assert {"高", "崎", "吉", "徳", "二", "ニ"} <= charset
    assert not {"髙", "﨑", "𠮷", "德"} & charset


@pytest.mark.parametrize(
    "data",
    [b"", b"\x01\x00", traineddata({}), traineddata({LSTM_UNICHARSET: b"x\n"}),
     traineddata({LSTM_UNICHARSET: b"3\nNULL 0\n"}), traineddata({LSTM_UNICHARSET: b"\xff\xfe"})],
)  # fmt: skip
def test_malformed_traineddata_is_a_tessdata_error(data: bytes) -> None:
    with pytest.raises(TessdataError):
        unicharset(data)


@given(st.binary(max_size=300))
def test_traineddata_parser_fails_only_with_its_own_error(data: bytes) -> None:
    try:
        charset = unicharset(data)
    except TessdataError:
        return
    assert all(len(char) == 1 for char in charset)


@pytest.fixture(scope="module")
def ppocr_engine() -> ppocr.PpOcrEngine:
    return ppocr.PpOcrEngine()


def line(text: str, size: int = 40) -> np.ndarray:
    font = ImageFont.truetype(str(FONT), size)
    image = Image.new("L", (int(font.getlength(text)) + 2 * size, 2 * size), 255)
    ImageDraw.Draw(image).text((size, size // 2), text, font=font, fill=0)
    return np.asarray(image, dtype=np.uint8)


def test_ppocr_model_ships_inside_the_rapidocr_package(ppocr_engine: ppocr.PpOcrEngine) -> None:
    path = ppocr.model_path()
    assert path.parent.name == "models" and path.parent.parent.name == "rapidocr"
    assert {"髙", "德", "邉", "邊", "カ", "二"} <= ppocr_engine.charset
    assert not {"𠮷", "﨑"} & ppocr_engine.charset  # so 吉 and 崎 are always flagged


def test_ppocr_reads_lines_without_the_network(
    ppocr_engine: ppocr.PpOcrEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_network(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("the OCR engine tried to open a socket")

    monkeypatch.setattr(socket, "socket", no_network)
    fresh = ppocr.PpOcrEngine()  # loading too must not fetch anything
    address, name = fresh.read_lines([line("鹿児島県指宿市十町2丁目3番4号"), line("指宿\u3000太郎")])
    assert address.text == "鹿児島県指宿市十町2丁目3番4号" and address.confidence > 0.8
    assert name.text == "指宿 太郎"  # the wide gap between 氏 and 名 is a space


def test_ppocr_empty_line_reads_nothing(ppocr_engine: ppocr.PpOcrEngine) -> None:
    (blank,) = ppocr_engine.read_lines([np.full((40, 200), 255, dtype=np.uint8)])
    assert blank.text == "" and blank.confidence == 0.0


def test_a_missing_model_is_engine_unavailable(tmp_path: Path) -> None:
    with pytest.raises(EngineUnavailable, match="no recognition model"):
        ppocr.PpOcrEngine(tmp_path / "absent.onnx")


def test_auto_falls_back_to_tesseract_without_rapidocr(monkeypatch: pytest.MonkeyPatch) -> None:
    def absent() -> ppocr.PpOcrEngine:
        raise EngineUnavailable("the rapidocr package is not installed")

    monkeypatch.setattr(engines, "PpOcrEngine", absent)
    assert isinstance(engines._create(EngineChoice.AUTO), TesseractEngine)
    with pytest.raises(EngineUnavailable):
        engines._create(EngineChoice.RAPIDOCR)
    assert engines._create(EngineChoice.TESSERACT).name == "tesseract"
