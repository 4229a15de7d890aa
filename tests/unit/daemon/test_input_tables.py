"""The tables free text is checked against (issue 21): they hold what the kiosk and the daemon send."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

from daemon import inputs
from daemon.services.printer import document_titles, fee_subjects
from frontyard.household import RELATIONSHIPS
from frontyard.lifeevents import life_events
from frontyard.municipality import load_municipality

ROOT = Path(__file__).resolve().parents[3]


def test_every_relationship_the_kiosk_and_the_questionnaire_offer_is_accepted() -> None:
    script = (ROOT / "kiosk_ui/static/js/lifeevent.js").read_text(encoding="utf-8")
    listed = re.search(r"const RELATIONSHIPS = \[(.*?)\];", script)
    assert listed is not None
    kiosk = set(re.findall(r'"([^"]+)"', listed.group(1)))
    labels = tomllib.loads((ROOT / "frontyard/data/questionnaire.toml").read_text(encoding="utf-8"))
    assert kiosk and kiosk | set(labels["relationships"]) <= RELATIONSHIPS


@pytest.mark.parametrize("typed", ["鷲尾 和子", "鷲尾様の子", "妻(鷲尾)", "Washio"])
def test_a_name_is_not_a_relationship(typed: str) -> None:
    with pytest.raises(inputs.InvalidInput) as refused:
        inputs.check_label(RELATIONSHIPS, "relationship", typed, what="relationship", what_ja="続柄")
    assert refused.value.reason == "unknown_relationship" and typed not in str(refused.value)


def test_the_titles_the_daemon_gives_its_own_jobs_are_known_titles() -> None:
    titles = document_titles()
    for info in life_events():
        inputs.check_title(titles, "title", f"{info.checklist_title} 20250909-SHIMIN-0042")
    inputs.check_title(titles, "title", "交付請求書 20250909-SHIMIN-0042")
    for title in ("整理券", "受付票", "お支払い明細", "障害伝票", "出生届", "住民異動届(転入届)"):
        inputs.check_title(titles, "title", title)


def test_a_payment_subject_is_a_fee_subject_alone_or_as_a_fee() -> None:
    subjects = fee_subjects(load_municipality())
    assert {"住民票", "住民票の写し", "住民票の写し交付手数料", "印鑑登録証明書手数料"} <= subjects
    assert "鷲尾様 住民票" not in subjects and "住民票 鷲尾様" not in subjects
