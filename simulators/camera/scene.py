"""Compose one camera frame: a document (or nothing) on the stand, with the capture's imperfections.

``render_scene(Scene) -> PIL.Image`` places the flat document from ``documents.py`` on a darker desk,
rotated, keystoned (perspective), then applies glare, blur, lighting and sensor noise.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
from dataclasses import dataclass, field

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

from simulators.camera import documents

DOCUMENT_KINDS = ("licence", "mynumber_front", "mynumber_back", "qr")


@dataclass(frozen=True)
class Scene:
    """What the camera sees. ``document`` None is the empty stand."""

    document: str | None = None
    fields: documents.CardFields | None = None
    payload: str = ""
    encoding: str = "utf-8"
    rotation: float = 0.0  # degrees, counter-clockwise
    perspective: float = 0.0  # 0..1 keystone
    blur: float = 0.0  # Gaussian radius in px
    glare: float = 0.0  # 0..1
    noise: float = 3.0  # sigma of Gaussian sensor noise
    brightness: float = 1.0
    width: int = 1920
    height: int = 1080
    seed: int = 0
    extra: dict[str, str] = field(default_factory=dict)


@functools.cache
def _desk(width: int, height: int) -> np.ndarray:
    """A dark wood-like desk texture (deterministic)."""
    rng = np.random.default_rng(7)
    ys = np.arange(height, dtype=np.float32)[:, None]
    xs = np.arange(width, dtype=np.float32)[None, :]
    grain = 10 * np.sin(ys / 9.0 + 4 * np.sin(xs / 170.0)) + 6 * np.sin(ys / 31.0 + xs / 400.0)
    base = 62 + grain + rng.normal(0, 4, (height, width)).astype(np.float32)
    rgb = np.stack([base * 1.15, base * 0.95, base * 0.8], axis=-1)
    desk: np.ndarray = np.clip(rgb, 0, 255).astype(np.uint8)
    return desk


def _document_image(scene: Scene) -> Image.Image:
    fields = scene.fields or documents.CardFields(name="", address="", birth=dt.date(1990, 1, 1))
    if scene.document == "licence":
        return documents.licence(fields)
    if scene.document == "mynumber_front":
        return documents.mynumber_front(fields)
    if scene.document == "mynumber_back":
        return documents.mynumber_back(fields)
    if scene.document == "qr":
        return documents.qr_slip(scene.payload, scene.encoding)
    raise ValueError(f"unknown document {scene.document!r}")


def _target_quad(scene: Scene, doc_w: int, doc_h: int) -> list[tuple[float, float]]:
    """Corners (tl, tr, br, bl) of the document in the frame."""
    scale = 0.5 * scene.width / documents._px(documents.CARD_MM[0])
    w, h = doc_w * scale, doc_h * scale
    if h > 0.8 * scene.height:
        w, h = w * 0.8 * scene.height / h, 0.8 * scene.height
    keystone = 0.18 * max(0.0, min(1.0, scene.perspective)) * w
    corners = [(-w / 2 + keystone, -h / 2), (w / 2 - keystone, -h / 2), (w / 2, h / 2), (-w / 2, h / 2)]
    angle = math.radians(scene.rotation)
    cos, sin = math.cos(angle), math.sin(angle)
    cx, cy = scene.width / 2, scene.height / 2
    return [(cx + x * cos + y * sin, cy - x * sin + y * cos) for x, y in corners]


def _perspective_coefficients(
    source: list[tuple[float, float]], target: list[tuple[float, float]]
) -> list[float]:
    """PIL's 8 coefficients mapping each ``target`` (output) point to its ``source`` (input) point."""
    rows, rhs = [], []
    for (sx, sy), (tx, ty) in zip(source, target, strict=True):
        rows.append([tx, ty, 1, 0, 0, 0, -sx * tx, -sx * ty])
        rows.append([0, 0, 0, tx, ty, 1, -sy * tx, -sy * ty])
        rhs.extend([sx, sy])
    solution = np.linalg.solve(np.array(rows, dtype=np.float64), np.array(rhs, dtype=np.float64))
    return [float(v) for v in solution]


def render_scene(scene: Scene) -> Image.Image:
    frame = Image.fromarray(_desk(scene.width, scene.height))
    if scene.document is not None:
        doc = _document_image(scene)
        mask = Image.new("L", doc.size, 0)
        ImageDraw.Draw(mask).rounded_rectangle((0, 0, doc.width - 1, doc.height - 1), radius=30, fill=255)
        source = [(0.0, 0.0), (doc.width, 0.0), (doc.width, doc.height), (0.0, doc.height)]
        target = _target_quad(scene, doc.width, doc.height)
        coeffs = _perspective_coefficients(source, target)
        size = (scene.width, scene.height)
        warped = doc.transform(size, Image.Transform.PERSPECTIVE, coeffs, Image.Resampling.BICUBIC)
        warped_mask = mask.transform(size, Image.Transform.PERSPECTIVE, coeffs, Image.Resampling.BILINEAR)
        frame.paste(warped, (0, 0), warped_mask)
    if scene.blur > 0:
        frame = frame.filter(ImageFilter.GaussianBlur(scene.blur))
    pixels: np.ndarray = np.asarray(frame, dtype=np.float32)
    if scene.glare > 0:
        ys = np.arange(scene.height, dtype=np.float32)[:, None]
        xs = np.arange(scene.width, dtype=np.float32)[None, :]
        cx, cy, radius = scene.width * 0.42, scene.height * 0.38, scene.height * 0.18
        spot = np.exp(-(((xs - cx) ** 2 + (ys - cy) ** 2) / (2 * radius**2)))
        pixels = pixels + (255 - pixels) * (min(scene.glare, 1.0) * 0.85 * spot)[..., None]
    pixels = pixels * scene.brightness
    if scene.noise > 0:
        rng = np.random.default_rng(scene.seed)
        pixels = pixels + rng.normal(0, scene.noise, pixels.shape).astype(np.float32)
    return Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8))
