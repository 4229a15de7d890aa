"""Reception QR codes: issue, resolve, and every way a scanned code can be wrong."""

import contextlib
import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from frontyard.errors import (
    ExpiredReceptionCodeError,
    ForgedReceptionCodeError,
    MalformedReceptionCodeError,
    ReceptionCodeError,
)
from frontyard.reception import ReceptionCodes

SECRET = b"0123456789abcdef-daemon-secret"
TODAY = dt.date(2025, 9, 9)


def codes(day: dt.date = TODAY, secret: bytes = SECRET) -> ReceptionCodes:
    return ReceptionCodes(secret, today=lambda: day)


def test_issue_and_resolve_round_trip() -> None:
    issuer = codes()
    first, second = issuer.issue("shimin"), issuer.issue("SHIMIN")
    assert first.payload.startswith("FY1:20250909:SHIMIN:0001:")
    assert second.serial == 2
    resolved = issuer.resolve(first.payload)
    assert (resolved.day, resolved.counter, resolved.serial) == (TODAY, "SHIMIN", 1)
    assert len(first.payload) <= 48


def test_serials_restart_each_day() -> None:
    day = [TODAY]
    issuer = ReceptionCodes(SECRET, today=lambda: day[0])
    issuer.issue("A")
    day[0] = TODAY + dt.timedelta(days=1)
    assert issuer.issue("A").serial == 1


def test_bad_mac_is_forged() -> None:
    payload = codes().issue("SHIMIN").payload
    with pytest.raises(ForgedReceptionCodeError):
        codes(secret=b"another-secret-of-16-bytes").resolve(payload)
    tampered = payload.replace(":0001:", ":0002:")
    with pytest.raises(ForgedReceptionCodeError):
        codes().resolve(tampered)


def test_another_days_code_is_expired() -> None:
    payload = codes(TODAY - dt.timedelta(days=1)).issue("SHIMIN").payload
    with pytest.raises(ExpiredReceptionCodeError):
        codes().resolve(payload)


@pytest.mark.parametrize(
    "payload",
    [
        "",
        "FY1",
        "FY2:20250909:SHIMIN:0001:AAAAAAAAAAAAAAAA",
        "FY1:2025099:SHIMIN:0001:AAAAAAAAAAAAAAAA",
        "FY1:20250909:shimin office:0001:AAAAAAAAAAAAAAAA",
        "FY1:20250909:SHIMIN:1:AAAAAAAAAAAAAAAA",
        "FY1:20250909:SHIMIN:0001:AAAA",
    ],
)
def test_malformed(payload: str) -> None:
    with pytest.raises(MalformedReceptionCodeError):
        codes().resolve(payload)


def test_short_secret_and_bad_counter_are_refused() -> None:
    with pytest.raises(ValueError, match="16 bytes"):
        ReceptionCodes(b"short")
    with pytest.raises(MalformedReceptionCodeError):
        codes().issue("市民課")


@given(st.text(max_size=60))
def test_random_payloads_raise_only_reception_errors(payload: str) -> None:
    with contextlib.suppress(ReceptionCodeError):
        codes().resolve(payload)


@given(st.integers(0, 40), st.sampled_from("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ:-"))
def test_any_single_character_change_is_rejected(position: int, replacement: str) -> None:
    payload = codes().issue("SHIMIN").payload
    position %= len(payload)
    if payload[position] == replacement:
        return
    changed = payload[:position] + replacement + payload[position + 1 :]
    with pytest.raises(ReceptionCodeError):
        codes().resolve(changed)
