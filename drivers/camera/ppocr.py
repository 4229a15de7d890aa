"""PP-OCRv6 text-line recognition on onnxruntime, with the model the ``rapidocr`` wheel ships.

``PpOcrEngine().read_regions(card, regions)`` reads each region of a rectified card as one text line:
the layout already locates every field, so only the recognition network runs (no text detection), one
call per crop. The model file is opened from the installed ``rapidocr`` package folder and nothing
else: no code path here downloads anything (a missing file raises ``EngineUnavailable``). The character
set (18,708 characters with kana) is read from the model's own metadata. Models and code: Apache-2.0
(rapidocr's ``MODEL_LICENSES.md``: weights by Baidu / PaddleOCR).
"""

from __future__ import annotations

import importlib.util
import itertools
import logging
import math
from collections.abc import Sequence
from pathlib import Path

import cv2
import numpy as np

from drivers.camera.errors import OcrFailed
from drivers.camera.geometry import Image
from drivers.camera.layouts import Region
from drivers.camera.ocr import RegionText, trim

_LOGGER = logging.getLogger(__name__)
NAME = "rapidocr"
REC_MODEL = "PP-OCRv6_rec_small.onnx"
INPUT_HEIGHT = 48  # the network's fixed line height
TRIM_HEIGHT_PX = 64  # crops are trimmed to their ink and scaled so a line is this tall before resizing
# The network emits one step per 8 px of its 48 px line; trimmed text is ~36 px tall, so a full-width
# character spans ~4.5 steps. Two characters 8 or more steps apart have a blank of about an em between
# them (氏 and 名 of a name), which the network does not always emit as a space.
WIDE_GAP_STEPS = 8
THREADS = 1  # one thread: the machine is shared with the daemon's other work (and other kiosks' tests)


class EngineUnavailable(RuntimeError):
    """The engine's package or model is not installed."""


def model_path() -> Path:
    """The recognition model inside the installed rapidocr package (never fetched)."""
    spec = importlib.util.find_spec("rapidocr")
    if spec is None or not spec.submodule_search_locations:
        raise EngineUnavailable("the rapidocr package is not installed")
    path = Path(next(iter(spec.submodule_search_locations))) / "models" / REC_MODEL
    if not path.is_file():
        raise EngineUnavailable(f"{REC_MODEL} is not in the installed rapidocr package")
    return path


class PpOcrEngine:
    """Recognises text lines with PP-OCRv6 (CTC); confidence is the mean probability of the characters."""

    name = NAME
    scale_sensitive = False

    def __init__(self, path: Path | None = None) -> None:
        try:
            import onnxruntime
        except ImportError as exc:
            raise EngineUnavailable("onnxruntime is not installed") from exc
        path = path or model_path()
        if not path.is_file():
            raise EngineUnavailable(f"no recognition model at {path}")
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = THREADS
        options.inter_op_num_threads = 1
        options.log_severity_level = 3
        self._session = onnxruntime.InferenceSession(
            str(path), sess_options=options, providers=["CPUExecutionProvider"]
        )
        self._input = self._session.get_inputs()[0].name
        characters = self._session.get_modelmeta().custom_metadata_map.get("character", "").splitlines()
        if not characters:
            raise EngineUnavailable(f"{REC_MODEL} holds no character list")
        self._labels = ["", *characters, " "]  # CTC blank first, space last (PP-OCR's convention)
        self.charset = frozenset(char for label in characters for char in label)

    def read_regions(
        self, card: Image, regions: list[Region], target_height: int | Sequence[int] = TRIM_HEIGHT_PX
    ) -> list[RegionText]:
        """Text and confidence of each region; ``target_height`` is accepted for the engine protocol
        (the network reads every line at its own fixed height)."""
        crops = []
        for region in regions:
            x0, y0, x1, y1 = region.pixels()
            crops.append(trim(card[max(y0, 0) : y1, max(x0, 0) : x1], TRIM_HEIGHT_PX))
        return self.read_lines(crops)

    def read_lines(self, lines: list[Image]) -> list[RegionText]:
        """Each grey line image read on its own: a batch would pad every line to the widest, which cost
        more than the calls it saves (5 fields of a licence: 1.4 s alone against 2.1–4.2 s batched, same
        loaded machine)."""
        return [self._read_line(line) for line in lines]

    def _read_line(self, line: Image) -> RegionText:
        width = max(1, math.ceil(INPUT_HEIGHT * line.shape[1] / max(line.shape[0], 1)))
        resized = cv2.resize(line, (width, INPUT_HEIGHT), interpolation=cv2.INTER_AREA)
        batch = np.repeat((resized.astype(np.float32) / 127.5 - 1.0)[np.newaxis, np.newaxis], 3, axis=1)
        try:
            (probabilities,) = self._session.run(None, {self._input: batch})
        except Exception as exc:  # onnxruntime raises its own exception types, not exported
            raise OcrFailed(f"recognition failed: {type(exc).__name__}") from exc
        return self._decode(np.asarray(probabilities[0]))

    def _decode(self, probabilities: np.ndarray) -> RegionText:
        best = probabilities.argmax(axis=1)
        keep = best != 0
        keep[1:] &= best[1:] != best[:-1]
        steps = np.flatnonzero(keep)
        if steps.size == 0:
            return RegionText("", 0.0)
        chars = [self._labels[best[steps[0]]]]
        for previous, step in itertools.pairwise(steps):
            label = self._labels[best[step]]
            if step - previous >= WIDE_GAP_STEPS and not (label.isspace() or chars[-1].isspace()):
                chars.append(" ")
            chars.append(label)
        text = "".join(chars)
        confidence = float(probabilities.max(axis=1)[keep].mean())
        return RegionText(text.strip(), confidence)
