"""What the console parses from outside: an application key from the browser, corrections from a POST
body, and a terminal's device summary from the heartbeat's JSON. Malformed input is refused or shown as
"unknown", never a crash."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from backoffice.console.board import device_lines
from backoffice.console.outbox import ApplicationKey
from backoffice.console.routes import _corrections
from frontyard.errors import OutboxError

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=20,
)


def test_a_key_round_trips_and_a_name_is_no_key() -> None:
    key = ApplicationKey("honcho-01", 42)
    assert ApplicationKey.parse(str(key)) == key
    for typed in ("指宿 太郎/1", "honcho-01/²", "honcho-01/", "/1", "honcho-01/1/2"):
        with pytest.raises(OutboxError):
            ApplicationKey.parse(typed)


@given(st.text(max_size=300))
def test_any_text_is_a_key_or_refused(text: str) -> None:
    try:
        key = ApplicationKey.parse(text)
    except OutboxError as error:
        assert error.reason == "bad_request"
    else:
        assert ApplicationKey.parse(str(key)) == key
        assert key.seq >= 0 and key.terminal_id.isascii()


@given(json_values)
def test_corrections_are_a_list_of_key_value_texts_or_refused(value: Any) -> None:
    try:
        found = _corrections(value)
    except ValueError:
        return
    assert isinstance(value, list) and len(found) == len(value)
    assert all(isinstance(item.key, str) and isinstance(item.value, str) for item in found)


@given(json_values)
def test_any_device_summary_gives_lines(value: Any) -> None:
    for line in device_lines(json.loads(json.dumps(value))):
        assert isinstance(line.slot, str) and isinstance(line.state, str)
        assert all(isinstance(reason, str) for reason in line.reasons)


@pytest.mark.parametrize(
    ("summary", "expected"),
    [
        (
            {"forms": {"kind": "form_printer", "state": "DEVICE_STATE_ERROR", "fault": "media_empty"}},
            ("ERROR", ("media_empty",)),
        ),
        (
            {"forms": {"kind": "form_printer", "state": "DEVICE_STATE_IDLE", "fault": "media_empty"}},
            ("IDLE", ()),
        ),
        (
            [{"slot": "forms", "state": "offline", "status_reasons": ["cover-open"]}],
            ("OFFLINE", ("cover_open",)),
        ),
    ],
)
def test_a_fault_shows_only_while_the_device_is_in_error(
    summary: Any, expected: tuple[str, tuple[str, ...]]
) -> None:
    (line,) = device_lines(summary)
    assert (line.state, line.reasons) == expected
