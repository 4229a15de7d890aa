"""OCR of ID documents: exact-match rates of name, address and birth date, and seconds per document.

``FRONTYARD_OCR_DOCS`` sets the number of documents (200); ``FRONTYARD_OCR_MISSES=1`` prints each wrong field
(synthetic data only) to stderr.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import re
import sys
import time

import cv2
import numpy as np

from drivers.camera import CameraError, FieldName, FieldReading, read_document
from simulators.camera.documents import CardFields
from simulators.camera.scene import Scene, render_scene

FAMILY_TEXT = (
    "佐藤 鈴木 高橋 田中 伊藤 渡辺 山本 中村 小林 加藤 吉田 山田 佐々木 山口 松本 井上 木村 林 斎藤 清水 "
    "指宿 有村 今給黎 東 福永"
)
GIVEN_TEXT = (
    "太郎 花子 一郎 美咲 翔太 結衣 健 陽子 大輔 由美 蓮 葵 悠真 さくら 直樹 恵子 誠 愛 和也 真由美 拓海 七海"
)
FAMILY, GIVEN = FAMILY_TEXT.split(), GIVEN_TEXT.split()
PLACES = [
    "鹿児島県指宿市十町", "鹿児島県指宿市湊", "鹿児島県指宿市東方", "鹿児島県指宿市十二町",
    "鹿児島県指宿市西方",
    "鹿児島県鹿児島市山下町", "鹿児島県鹿児島市鴨池新町", "東京都世田谷区太子堂", "大阪府大阪市北区梅田",
    "福岡県福岡市中央区天神", "宮崎県都城市姫城町", "熊本県熊本市中央区手取本町",
]  # fmt: skip


def _fields(rng: random.Random) -> CardFields:
    if rng.random() < 0.5:
        address = f"{rng.choice(PLACES)}{rng.randint(1, 9999)}番地"
    else:
        address = f"{rng.choice(PLACES)}{rng.randint(1, 9)}丁目{rng.randint(1, 30)}番{rng.randint(1, 20)}号"
    return CardFields(
        name=f"{rng.choice(FAMILY)}\u3000{rng.choice(GIVEN)}",
        address=address,
        birth=dt.date(1930, 1, 1) + dt.timedelta(days=rng.randint(0, 33000)),
        licence_number="".join(rng.choice("0123456789") for _ in range(12)),
        expiry=dt.date(2025, 1, 1) + dt.timedelta(days=rng.randint(0, 1800)),
    )


def _compact(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _print_miss(index: int, key: str, expected: str, field: FieldReading) -> None:
    flag = "flagged" if field.needs_confirmation else "NOT flagged"
    shown = f"doc {index} {key}: {field.value!r} for {expected!r}, confidence {field.confidence:.2f}, {flag}"
    print(shown, file=sys.stderr)


def run(quick: bool = False) -> dict[str, float | int | str]:
    rng = random.Random(20240401)
    count = 12 if quick else int(os.environ.get("FRONTYARD_OCR_DOCS", "200"))
    show_misses = os.environ.get("FRONTYARD_OCR_MISSES") == "1"
    hits = {"name": 0, "address": 0, "birth": 0}
    flagged = errors = silent_errors = 0
    reading_seconds = 0.0
    for index in range(count):
        fields = _fields(rng)
        scene = Scene(
            document="licence" if index % 2 == 0 else "mynumber_front",
            fields=fields,
            rotation=rng.uniform(-15, 15),
            perspective=rng.uniform(0, 0.3),
            seed=index,
        )
        frame = np.asarray(cv2.cvtColor(np.asarray(render_scene(scene)), cv2.COLOR_RGB2BGR), dtype=np.uint8)
        started = time.perf_counter()
        try:
            reading = read_document(frame)
        except CameraError:
            errors += 1
            reading_seconds += time.perf_counter() - started
            continue
        reading_seconds += time.perf_counter() - started
        truth = {
            FieldName.NAME: _compact(fields.name),
            FieldName.ADDRESS: fields.address,
            FieldName.BIRTH_DATE: fields.birth.isoformat(),
        }
        for key, (name, expected) in zip(list(hits), truth.items(), strict=True):
            field = reading.fields[name]
            value = _compact(field.value) if name is FieldName.NAME else field.value
            right = value == expected
            hits[key] += right
            silent_errors += not right and not field.needs_confirmation
            if show_misses and not right:
                _print_miss(index, key, expected, field)
        flagged += reading.needs_confirmation
    return {
        "documents": count,
        "name_exact": hits["name"] / count,
        "address_exact": hits["address"] / count,
        "birth_exact": hits["birth"] / count,
        "needs_confirmation_rate": flagged / count,
        "read_errors": errors,
        "wrong_and_unflagged_fields": silent_errors,
        "seconds_per_doc": reading_seconds / count,
    }
