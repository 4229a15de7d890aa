"""QR payload decoding (UTF-8, Shift_JIS, OpenCV's latin-1 mojibake) and the deduplicating watcher."""

from __future__ import annotations

import io

import numpy as np
import pytest
import segno
from hypothesis import given
from hypothesis import strategies as st
from PIL import Image

from drivers.camera.errors import QrDecodeError
from drivers.camera.qr import QrCode, QrWatcher, decode_payload, decode_qr, decode_text

PAYLOAD = "住民票 申請番号 12345"


def qr_image(payload: bytes, angle: float = 0.0) -> np.ndarray:
    code = segno.make(payload, mode="byte", error="m", micro=False)
    buffer = io.BytesIO()
    code.save(buffer, kind="png", scale=8, border=6)
    image = Image.open(io.BytesIO(buffer.getvalue())).convert("L").rotate(angle, fillcolor=255, expand=True)
    return np.asarray(image, dtype=np.uint8)


@pytest.mark.parametrize("encoding", ["utf-8", "shift_jis"])
@pytest.mark.parametrize("angle", [0.0, 20.0])
def test_decode_both_encodings(encoding: str, angle: float) -> None:
    codes = decode_qr(qr_image(PAYLOAD.encode(encoding), angle))
    assert codes == [QrCode(PAYLOAD, encoding)]


def test_mojibake_str_is_repaired() -> None:
    as_opencv_returns_it = PAYLOAD.encode("shift_jis").decode("latin-1")
    assert decode_text(as_opencv_returns_it) == QrCode(PAYLOAD, "shift_jis")
    utf8_read_as_latin1 = PAYLOAD.encode("utf-8").decode("latin-1")
    assert decode_text(utf8_read_as_latin1) == QrCode(PAYLOAD, "utf-8")
    assert decode_text("café") == QrCode("café", "utf-8")  # real latin-1 text is left alone
    assert decode_text(PAYLOAD) == QrCode(PAYLOAD, "utf-8")


def test_bytes_in_neither_encoding_raise() -> None:
    with pytest.raises(QrDecodeError):
        decode_payload(b"\x81\xff\xfe")


@given(st.binary(max_size=64))
def test_any_bytes_decode_or_raise_qr_error(raw: bytes) -> None:
    try:
        code = decode_payload(raw)
    except QrDecodeError:
        return
    assert code.encoding in ("utf-8", "shift_jis")


def test_blank_image_has_no_codes() -> None:
    assert decode_qr(np.full((200, 200), 255, dtype=np.uint8)) == []


def test_watcher_reports_a_payload_once_per_window() -> None:
    now = [100.0]
    watcher = QrWatcher(window_s=5.0, clock=lambda: now[0])
    first, second = QrCode("A", "utf-8"), QrCode("B", "shift_jis")
    assert watcher.offer([first]) == [first]
    now[0] += 3
    assert watcher.offer([first, second]) == [second]
    now[0] += 4  # first was seen 4 s ago (refreshed), still inside the window
    assert watcher.offer([first]) == []
    now[0] += 6
    assert watcher.offer([first, first]) == [first]


def test_watcher_feed_decodes_frames() -> None:
    watcher = QrWatcher(window_s=60)
    image = qr_image(PAYLOAD.encode("shift_jis"))
    assert [code.payload for code in watcher.feed(image)] == [PAYLOAD]
    assert watcher.feed(image) == []
