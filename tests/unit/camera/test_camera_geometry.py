"""Sharpest-frame selection, quad ordering, card detection and rectification."""

from __future__ import annotations

import math
from typing import cast

import cv2
import numpy as np
import numpy.typing as npt
import pytest
from hypothesis import given
from hypothesis import strategies as st

from drivers.camera.geometry import find_card, order_quad, quad_aspect, rectify, sharpest, sharpness
from drivers.camera.layouts import CARD_ASPECT


def _pattern() -> npt.NDArray[np.uint8]:
    rng = np.random.default_rng(1)
    image = np.full((240, 320, 3), 200, dtype=np.uint8)
    for _ in range(40):
        x, y = (int(v) for v in rng.integers(0, 300, 2))
        cv2.putText(image, "ABC", (x, y % 230), cv2.FONT_HERSHEY_SIMPLEX, 0.8, (20, 20, 20), 2)
    return image


def test_sharpest_frame_is_kept() -> None:
    sharp = _pattern()
    frames = [cast(npt.NDArray[np.uint8], cv2.GaussianBlur(sharp, (0, 0), sigma)) for sigma in (3.0, 1.5)]
    frames.insert(1, sharp)
    assert sharpest(frames) is sharp
    assert sharpness(frames[0]) < sharpness(frames[2]) < sharpness(sharp)
    with pytest.raises(ValueError, match="no frames"):
        sharpest([])


def _rectangle(cx: float, cy: float, w: float, h: float, degrees: float) -> np.ndarray:
    angle = math.radians(degrees)
    cos, sin = math.cos(angle), math.sin(angle)
    corners = [(-w / 2, -h / 2), (w / 2, -h / 2), (w / 2, h / 2), (-w / 2, h / 2)]
    return np.array([(cx + x * cos - y * sin, cy + x * sin + y * cos) for x, y in corners], dtype=np.float32)


@given(st.floats(-40, 40), st.permutations([0, 1, 2, 3]), st.floats(1.2, 2.0))
def test_order_quad_gives_tl_tr_br_bl(degrees: float, order: list[int], aspect: float) -> None:
    expected = _rectangle(500, 400, 300 * aspect, 300, degrees)
    ordered = order_quad(expected[order])
    np.testing.assert_allclose(ordered, expected, atol=1e-3)
    assert quad_aspect(ordered) == pytest.approx(aspect, rel=1e-3)


def test_order_quad_puts_long_side_on_top_for_a_standing_card() -> None:
    standing = _rectangle(500, 400, 200, 320, 0)  # taller than wide
    ordered = order_quad(standing)
    assert quad_aspect(ordered) > 1


def _frame_with_card(degrees: float) -> tuple[np.ndarray, np.ndarray]:
    frame = np.full((720, 1280, 3), 50, dtype=np.uint8)
    quad = _rectangle(640, 360, 540, 540 / CARD_ASPECT, degrees)
    cv2.fillConvexPoly(frame, quad.astype(np.int32), (235, 235, 235))
    cv2.putText(frame, "TOP", tuple(int(v) + 40 for v in quad[0]), cv2.FONT_HERSHEY_SIMPLEX, 1, (0, 0, 0), 3)
    return frame, quad


@pytest.mark.parametrize("degrees", [-15.0, 0.0, 12.0])
def test_find_card_and_rectify(degrees: float) -> None:
    frame, quad = _frame_with_card(degrees)
    found = find_card(frame)
    assert found is not None
    np.testing.assert_allclose(found, quad, atol=6)
    card = rectify(frame, found)
    assert card.shape == (648, 1027, 3)
    assert card[300:350, 480:540].mean() > 200  # the middle of the card is light
    assert card[:120, :250].min() < 60  # "TOP" stays in the top-left corner


def test_no_card_on_an_empty_stand_or_a_wrong_shape() -> None:
    assert find_card(np.full((720, 1280, 3), 50, dtype=np.uint8)) is None
    square = np.full((720, 1280, 3), 50, dtype=np.uint8)
    cv2.rectangle(square, (400, 150), (800, 550), (235, 235, 235), -1)
    assert find_card(square) is None
