"""Certificate fees and the コンビニ交付 channel advice."""

import dataclasses
import datetime as dt

import pytest

from frontyard.certificates import (
    CATALOG,
    CertificateKind,
    Channel,
    ChannelQuery,
    advise_channel,
    fee,
    request_form,
)
from frontyard.documents import FieldKind

from .helpers import adult

WEEKDAY_NOON = dt.datetime(2025, 9, 10, 12, 0)


def query(**changes: object) -> ChannelQuery:
    base = ChannelQuery(CertificateKind.JUMINHYO, WEEKDAY_NOON, has_card=True, knows_pin=True)
    return dataclasses.replace(base, **changes)  # type: ignore[arg-type]


def test_catalog_and_placeholder_fees_are_marked_unknown() -> None:
    kinds = {item.kind for item in CATALOG}
    assert {CertificateKind.JUMINHYO, CertificateKind.INKAN, CertificateKind.SHOTOKU_KAZEI} <= kinds
    juminhyo = next(item for item in CATALOG if item.kind is CertificateKind.JUMINHYO)
    assert {"世帯全員", "世帯の一部", "個人番号の記載"} <= set(juminhyo.options)
    price = fee(CertificateKind.JUMINHYO)
    assert (price.window, price.konbini, price.unknown) == (300, 200, True)
    assert fee(CertificateKind.KOSEKI_ZENBU).window == 450


def test_konbini_when_card_and_pin() -> None:
    advice = advise_channel(query())
    assert advice.channel is Channel.KONBINI
    assert advice.saving_yen == 100
    assert advice.konbini_next_time


@pytest.mark.parametrize(
    ("changes", "reason", "next_time"),
    [
        ({"has_card": False}, "no_card", False),
        ({"age": 14}, "under_15", False),
        ({"support_measure": True}, "support_measure", False),
        ({"gaiji_or_long_text": True}, "gaiji", False),
        (
            {"kind": CertificateKind.KOSEKI_ZENBU, "honseki_elsewhere_unregistered": True},
            "honseki_elsewhere",
            False,
        ),
        ({"knows_pin": False}, "no_pin", True),
        ({"pin_locked": True}, "pin_locked", True),
        ({"moved_in_today": True}, "moved_in_today", True),
        ({"tenshutsu_filed": True}, "tenshutsu_filed", True),
        ({"now": dt.datetime(2025, 9, 10, 23, 30)}, "outside_hours", True),
        ({"now": dt.datetime(2025, 12, 30, 12, 0)}, "outside_hours", True),
        (
            {"kind": CertificateKind.KOSEKI_ZENBU, "now": dt.datetime(2025, 9, 13, 12, 0)},
            "outside_hours",
            True,
        ),
    ],
)
def test_window_with_reason(changes: dict[str, object], reason: str, next_time: bool) -> None:
    advice = advise_channel(query(**changes))
    assert advice.channel is Channel.WINDOW
    assert advice.reason == reason
    assert advice.reason_ja
    assert advice.konbini_next_time is next_time


def test_koseki_on_a_weekday_at_the_store() -> None:
    assert advise_channel(query(kind=CertificateKind.KOSEKI_ZENBU)).channel is Channel.KONBINI


def test_request_form_prefilled_from_a_card_read() -> None:
    form = request_form(adult(), "住所", CertificateKind.INKAN, 2, today=dt.date(2025, 9, 10))
    values = {field.key: field.value for field in form.fields}
    assert form.form_id == "koufu-seikyu"
    assert values["filer.name"] == "氏名"
    assert values["household.new_address"] == "住所"
    assert values["certificate"] == "印鑑登録証明書"
    assert values["copies"] == "2"
    assert form.missing == ()
    choice = next(field for field in form.fields if field.key == "certificate")
    assert choice.kind is FieldKind.CHOICE
    assert choice.value in choice.choices
