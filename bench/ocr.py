"""OCR of ID documents: exact names, addresses, birth dates, wrong-but-unflagged fields, seconds per document.

Two sets of synthetic documents: the ordinary set (``FRONTYARD_OCR_DOCS``, 200) and a variant set
(``FRONTYARD_OCR_VARIANT_DOCS``, 60) whose names and town names hold 異体字 (髙 﨑 𠮷 德 邉 齋 濱 櫻 …;
𠮷 drawn with IPAmj Mincho) or look-alikes (健二, 夕子, カヨ), with ordinary names as controls. The
configured engine (``FRONTYARD_OCR_ENGINE``, ``auto``) reads each frame, and Tesseract reads the same
frame right after it as the baseline of the same run (``FRONTYARD_OCR_BASELINE=0`` skips it).
``wrong_unflagged`` counts names, addresses and birth dates wrong but not flagged over both sets (target
0). ``FRONTYARD_OCR_MISSES=1`` prints each wrong field (synthetic data only) to stderr.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import re
import statistics
import sys
import time
from dataclasses import dataclass, field

import cv2
import numpy as np

from drivers.camera import CameraError, EngineChoice, FieldName, FieldReading, read_document
from drivers.camera.engines import OcrEngine, load_engine
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
# The variant set: family-register forms, and given names whose characters have kana look-alikes.
VARIANT_FAMILY_TEXT = "髙橋 山﨑 𠮷田 德永 渡邉 渡邊 齋藤 齊藤 濱野 櫻井 澤田 嶋田 冨田 髙木 宮﨑 𠮷村 邉見"
VARIANT_GIVEN_TEXT = "健二 浩一 夕子 力也 カヨ タエ 二郎 工 ハナ 美咲 太郎 花子"
VARIANT_FAMILY, VARIANT_GIVEN = VARIANT_FAMILY_TEXT.split(), VARIANT_GIVEN_TEXT.split()
VARIANT_PLACES = [
    "鹿児島県指宿市濱田町", "鹿児島県鹿児島市髙麗町", "鹿児島県指宿市山﨑", "鹿児島県指宿市十二町",
    "宮崎県宮崎市德永町", "大阪府大阪市北区澤上", "福岡県福岡市中央区嶋田", "熊本県熊本市中央区邉田",
    "東京都世田谷区櫻丘", "鹿児島県鹿児島市山下町",
]  # fmt: skip


def _address(rng: random.Random, places: list[str]) -> str:
    if rng.random() < 0.5:
        return f"{rng.choice(places)}{rng.randint(1, 9999)}番地"
    return f"{rng.choice(places)}{rng.randint(1, 9)}丁目{rng.randint(1, 30)}番{rng.randint(1, 20)}号"


def _fields(rng: random.Random) -> CardFields:
    address = _address(rng, PLACES)
    return CardFields(
        name=f"{rng.choice(FAMILY)}\u3000{rng.choice(GIVEN)}",
        address=address,
        birth=dt.date(1930, 1, 1) + dt.timedelta(days=rng.randint(0, 33000)),
        licence_number="".join(rng.choice("0123456789") for _ in range(12)),
        expiry=dt.date(2025, 1, 1) + dt.timedelta(days=rng.randint(0, 1800)),
    )


def _variant_fields(rng: random.Random) -> CardFields:
    """Two in three family names in a register form, the rest ordinary controls."""
    family = rng.choice(VARIANT_FAMILY) if rng.random() < 2 / 3 else rng.choice(FAMILY)
    return CardFields(
        name=f"{family}\u3000{rng.choice(VARIANT_GIVEN)}",
        address=_address(rng, VARIANT_PLACES),
        birth=dt.date(1930, 1, 1) + dt.timedelta(days=rng.randint(0, 33000)),
        licence_number="".join(rng.choice("0123456789") for _ in range(12)),
        expiry=dt.date(2025, 1, 1) + dt.timedelta(days=rng.randint(0, 1800)),
    )


def _compact(text: str) -> str:
    return re.sub(r"\s+", "", text)


@dataclass
class Tally:
    """What one engine got right, flagged and missed over one set of documents."""

    documents: int = 0
    hits: dict[str, int] = field(default_factory=lambda: {"name": 0, "address": 0, "birth": 0})
    flagged: int = 0
    errors: int = 0
    wrong_unflagged: int = 0
    seconds: list[float] = field(default_factory=list)

    def rate(self, key: str) -> float:
        return self.hits[key] / max(self.documents, 1)


def _print_miss(label: str, key: str, expected: str, field_reading: FieldReading) -> None:
    flag = f"flagged {[r.value for r in field_reading.reasons]}" if field_reading.reasons else "NOT flagged"
    print(f"{label} {key}: {field_reading.value!r} for {expected!r}, "
          f"confidence {field_reading.confidence:.2f}, {flag}", file=sys.stderr)  # fmt: skip


def _read(engine: OcrEngine, frame: np.ndarray, fields: CardFields, tally: Tally, label: str) -> None:
    show_misses = os.environ.get("FRONTYARD_OCR_MISSES") == "1"
    tally.documents += 1
    started = time.perf_counter()
    try:
        reading = read_document(frame, engine)
    except CameraError:
        tally.errors += 1
        tally.seconds.append(time.perf_counter() - started)
        return
    tally.seconds.append(time.perf_counter() - started)
    truth = {
        "name": (FieldName.NAME, _compact(fields.name)),
        "address": (FieldName.ADDRESS, fields.address),
        "birth": (FieldName.BIRTH_DATE, fields.birth.isoformat()),
    }
    for key, (name, expected) in truth.items():
        found = reading.fields[name]
        right = (_compact(found.value) if name is FieldName.NAME else found.value) == expected
        tally.hits[key] += right
        tally.wrong_unflagged += not right and not found.needs_confirmation
        if show_misses and not right:
            _print_miss(f"{engine.name} {label}", key, expected, found)
    tally.flagged += reading.needs_confirmation


def _frame(fields: CardFields, index: int, rng: random.Random) -> np.ndarray:
    scene = Scene(
        document="licence" if index % 2 == 0 else "mynumber_front",
        fields=fields,
        rotation=rng.uniform(-15, 15),
        perspective=rng.uniform(0, 0.3),
        seed=index,
    )
    return np.asarray(cv2.cvtColor(np.asarray(render_scene(scene)), cv2.COLOR_RGB2BGR), dtype=np.uint8)


def run(quick: bool = False) -> dict[str, float | int | str]:
    count = 12 if quick else int(os.environ.get("FRONTYARD_OCR_DOCS", "200"))
    variant_count = 6 if quick else int(os.environ.get("FRONTYARD_OCR_VARIANT_DOCS", "60"))
    engine = load_engine(EngineChoice(os.environ.get("FRONTYARD_OCR_ENGINE", "auto")))
    baseline = None
    if os.environ.get("FRONTYARD_OCR_BASELINE", "1") != "0" and engine.name != "tesseract":
        baseline = load_engine(EngineChoice.TESSERACT)
    tallies = {(name, kind): Tally() for name in ("engine", "baseline") for kind in ("ordinary", "variant")}
    for kind, total, make in (("ordinary", count, _fields), ("variant", variant_count, _variant_fields)):
        rng = random.Random(20240401 if kind == "ordinary" else 20261205)
        for index in range(total):
            fields = make(rng)
            frame = _frame(fields, index, rng)
            _read(engine, frame, fields, tallies[("engine", kind)], f"{kind} doc {index}")
            if baseline is not None:
                _read(baseline, frame, fields, tallies[("baseline", kind)], f"{kind} doc {index}")
    ordinary, variant = tallies[("engine", "ordinary")], tallies[("engine", "variant")]
    metrics: dict[str, float | int | str] = {
        "engine": engine.name,
        "documents": count,
        "name_exact": ordinary.rate("name"),
        "address_exact": ordinary.rate("address"),
        "birth_exact": ordinary.rate("birth"),
        "needs_confirmation_rate": ordinary.flagged / max(count, 1),
        "read_errors": ordinary.errors + variant.errors,
        "wrong_and_unflagged_fields": ordinary.wrong_unflagged,
        "seconds_per_doc": sum(ordinary.seconds) / max(count, 1),
        "seconds_per_doc_p50": statistics.median(ordinary.seconds + variant.seconds),
        "variant_docs": variant_count,
        "variant_name_exact": variant.rate("name"),
        "variant_address_exact": variant.rate("address"),
        "variant_needs_confirmation_rate": variant.flagged / max(variant_count, 1),
        "wrong_unflagged": ordinary.wrong_unflagged + variant.wrong_unflagged,
    }
    if baseline is not None:
        base_ordinary, base_variant = tallies[("baseline", "ordinary")], tallies[("baseline", "variant")]
        base_p50 = statistics.median(base_ordinary.seconds + base_variant.seconds)
        metrics |= {
            "baseline_engine": baseline.name,
            "baseline_name_exact": base_ordinary.rate("name"),
            "baseline_address_exact": base_ordinary.rate("address"),
            "baseline_variant_name_exact": base_variant.rate("name"),
            "baseline_wrong_unflagged": base_ordinary.wrong_unflagged + base_variant.wrong_unflagged,
            "baseline_seconds_per_doc_p50": base_p50,
            "time_ratio_vs_baseline": float(metrics["seconds_per_doc_p50"]) / max(base_p50, 1e-9),
        }
    return metrics
