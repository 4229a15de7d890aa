"""``frontyard-daemon discover --json`` finds the virtual reader of a private pcscd (the card service
tests' own, so the shared system pcscd is untouched) and sees the card go in and out."""

from __future__ import annotations

import json
import os
import subprocess
from typing import Any

import pytest

from tests.fixtures.card_service import CardBench
from tests.support.processes import PYTHON, REPO_ROOT
from tests.support.waiting import read_until

pytestmark = pytest.mark.integration


def discover(bench: CardBench) -> dict[str, Any]:
    done = subprocess.run(
        [PYTHON, "-m", "daemon", "discover", "--json"],
        capture_output=True, text=True, timeout=60, cwd=REPO_ROOT, check=False,
        env={**os.environ, "PCSCLITE_CSOCK_NAME": str(bench.pcscd.socket_path)},
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    report: dict[str, Any] = json.loads(done.stdout)
    return report


def readers(report: dict[str, Any]) -> dict[str, str]:
    return {
        device["label"]: device["detail"] for device in report["devices"] if device["kind"] == "card_reader"
    }


def wait_detail(bench: CardBench, detail: str) -> dict[str, Any]:
    """The first report in which a reader shows ``detail``; after 15 s the last one (the test then fails)."""
    return read_until(lambda: discover(bench), lambda report: detail in readers(report).values(), timeout=15)


def test_reader_and_card_presence(card_bench_ready: CardBench) -> None:
    bench = card_bench_ready
    report = wait_detail(bench, "no card")
    name = next(label for label in readers(report) if label.startswith("Virtual PCD"))
    assert readers(report)[name] == "no card"
    assert report["proposed"]["card"] == "pcsc://" + name.replace(" ", "%20")
    bench.card.post("insert", persona="P1")
    assert readers(wait_detail(bench, "card present"))[name] == "card present"
    bench.card.post("remove")
    assert readers(wait_detail(bench, "no card"))[name] == "no card"
