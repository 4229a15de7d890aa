"""Find a card in a frame and straighten it; pick the sharpest frame of a burst. Pure OpenCV/numpy."""

from __future__ import annotations

import cv2
import numpy as np
import numpy.typing as npt

from drivers.camera.layouts import CARD_ASPECT, CARD_HEIGHT_MM, CARD_WIDTH_MM, PX_PER_MM

Image = npt.NDArray[np.uint8]
Quad = npt.NDArray[np.float32]  # 4 × 2: top-left, top-right, bottom-right, bottom-left

ASPECT_TOLERANCE = 0.18
MIN_AREA_FRACTION = 0.04
MAX_AREA_FRACTION = 0.85  # a card never fills the whole frame; the frame itself is not a card


def sharpness(image: Image) -> float:
    """Variance of the Laplacian: higher is sharper."""
    gray = image if image.ndim == 2 else cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
    return float(cv2.Laplacian(gray, cv2.CV_64F).var())


def sharpest(frames: list[Image]) -> Image:
    """The frame with the highest variance of the Laplacian; ``ValueError`` on an empty list."""
    if not frames:
        raise ValueError("no frames")
    return max(frames, key=sharpness)


def order_quad(points: npt.ArrayLike) -> Quad:
    """Order 4 points as top-left, top-right, bottom-right, bottom-left, long side horizontal."""
    pts = np.asarray(points, dtype=np.float32).reshape(4, 2)
    centre = pts.mean(axis=0)
    angles = np.arctan2(pts[:, 1] - centre[1], pts[:, 0] - centre[0])
    pts = pts[np.argsort(angles)]  # clockwise in image coordinates (y down), starting anywhere
    start = int(np.argmin(pts.sum(axis=1)))
    pts = np.roll(pts, -start, axis=0)
    top = np.linalg.norm(pts[1] - pts[0]) + np.linalg.norm(pts[2] - pts[3])
    side = np.linalg.norm(pts[3] - pts[0]) + np.linalg.norm(pts[2] - pts[1])
    if side > top:  # the card stands on its short side: rotate the labelling by one corner
        pts = np.roll(pts, -1, axis=0)
    return pts.astype(np.float32)


def quad_aspect(quad: Quad) -> float:
    top = np.linalg.norm(quad[1] - quad[0]) + np.linalg.norm(quad[2] - quad[3])
    side = np.linalg.norm(quad[3] - quad[0]) + np.linalg.norm(quad[2] - quad[1])
    return float(top / side) if side > 0 else 0.0


def _candidate_masks(gray: Image) -> list[npt.NDArray[np.uint8]]:
    blurred = cv2.GaussianBlur(gray, (5, 5), 0)
    _, otsu = cv2.threshold(blurred, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    kernel = cv2.getStructuringElement(cv2.MORPH_RECT, (9, 9))
    closed = cv2.morphologyEx(otsu, cv2.MORPH_CLOSE, kernel)
    edges = cv2.dilate(cv2.Canny(blurred, 40, 120), kernel)
    return [np.asarray(closed, dtype=np.uint8), np.asarray(edges, dtype=np.uint8)]


def find_card(image: Image) -> Quad | None:
    """The largest 4-cornered outline with a card's aspect (85.6 : 54), or None."""
    gray = np.asarray(image if image.ndim == 2 else cv2.cvtColor(image, cv2.COLOR_BGR2GRAY), dtype=np.uint8)
    min_area = MIN_AREA_FRACTION * gray.shape[0] * gray.shape[1]
    max_area = MAX_AREA_FRACTION * gray.shape[0] * gray.shape[1]
    best: Quad | None = None
    best_area = 0.0
    for mask in _candidate_masks(gray):
        contours, _ = cv2.findContours(mask, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
        for contour in sorted(contours, key=cv2.contourArea, reverse=True)[:5]:
            area = float(cv2.contourArea(contour))
            if not min_area <= area <= max_area or area <= best_area:
                continue
            hull = cv2.convexHull(contour)
            approx = cv2.approxPolyDP(hull, 0.02 * cv2.arcLength(hull, True), True)
            corners = approx if len(approx) == 4 else cv2.boxPoints(cv2.minAreaRect(hull))
            quad = order_quad(corners)
            if abs(quad_aspect(quad) - CARD_ASPECT) > ASPECT_TOLERANCE * CARD_ASPECT:
                continue
            if len(approx) != 4 and area < 0.85 * float(cv2.contourArea(quad)):
                continue  # a blob that is not card-shaped
            best, best_area = quad, area
    return best


def rectify(image: Image, quad: Quad) -> Image:
    """Warp the card to its true aspect at ``PX_PER_MM`` (1027 × 648 px)."""
    width, height = round(CARD_WIDTH_MM * PX_PER_MM), round(CARD_HEIGHT_MM * PX_PER_MM)
    target = np.array([[0, 0], [width - 1, 0], [width - 1, height - 1], [0, height - 1]], dtype=np.float32)
    matrix = cv2.getPerspectiveTransform(quad, target)
    warped = cv2.warpPerspective(image, matrix, (width, height), flags=cv2.INTER_CUBIC)
    return np.asarray(warped, dtype=np.uint8)
