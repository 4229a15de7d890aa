"""QR decode per 1080p camera frame (qr_ms_p50) against decoding the already-cropped code (baseline)."""

from __future__ import annotations

import statistics
import time

import cv2
import numpy as np

from drivers.camera.qr import QrReader
from simulators.camera.scene import Scene, render_scene

PAYLOAD = "受付番号 A-0123 住民票の写し 2通"


def _median_ms(reader: QrReader, image: np.ndarray, runs: int) -> tuple[float, int]:
    timings, decoded = [], 0
    for _ in range(runs):
        started = time.perf_counter()
        codes = reader.decode(image)
        timings.append((time.perf_counter() - started) * 1000)
        decoded += bool(codes) and codes[0].payload == PAYLOAD
    return statistics.median(timings), decoded


def run(quick: bool = False) -> dict[str, float | int | str]:
    runs = 5 if quick else 30
    reader = QrReader()
    frames = []
    for encoding, rotation in (("utf-8", 0.0), ("shift_jis", 12.0)):
        scene = Scene(document="qr", payload=PAYLOAD, encoding=encoding, rotation=rotation)
        frames.append(
            np.asarray(cv2.cvtColor(np.asarray(render_scene(scene)), cv2.COLOR_RGB2BGR), dtype=np.uint8)
        )
    gray = cv2.cvtColor(frames[0], cv2.COLOR_BGR2GRAY)
    found, points = cv2.QRCodeDetector().detect(gray)
    if not found:
        raise RuntimeError("QR code not located in the baseline frame")
    x, y, w, h = cv2.boundingRect(np.asarray(points, dtype=np.float32).reshape(-1, 2))
    margin = w // 6
    cropped = np.ascontiguousarray(
        frames[0][max(y - margin, 0) : y + h + margin, max(x - margin, 0) : x + w + margin]
    )
    baseline_ms, baseline_ok = _median_ms(reader, cropped, runs)
    frame_ms, frame_ok = zip(*(_median_ms(reader, frame, runs) for frame in frames), strict=True)
    qr_ms = statistics.median(frame_ms)
    return {
        "qr_ms_p50": qr_ms,
        "baseline_cropped_ms_p50": baseline_ms,
        "ratio_vs_cropped": qr_ms / baseline_ms,
        "decoded_frames": sum(frame_ok),
        "frames": runs * len(frames),
        "decoded_cropped": baseline_ok,
    }
