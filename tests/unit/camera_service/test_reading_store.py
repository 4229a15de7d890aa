"""The in-memory reading store and its proto mapping (no camera, no OpenCV)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from kiosk.v1 import camera_pb2 as pb

from daemon.camera.store import MAX_READINGS, FieldValue, ReadingNotFound, ReadingStore
from daemon.services.camera import reading_message


class FakeClock:
    def __init__(self) -> None:
        self.now = 1_000.0

    def __call__(self) -> float:
        return self.now


FIELDS = [
    FieldValue("name", "山田\u3000花子", 0.93, False),
    FieldValue("birth_date", "", 0.0, True, ("unreadable",)),
]


def test_reading_expires_after_ttl() -> None:
    clock = FakeClock()
    store = ReadingStore(ttl_s=60, clock=clock)
    held = store.add("drivers_licence", FIELDS, visit="visits/a")
    clock.now += 59
    assert store.get(held.name) is held
    clock.now += 1
    with pytest.raises(ReadingNotFound):
        store.get(held.name)
    assert len(store) == 0


def test_delete_and_drop_visit() -> None:
    store = ReadingStore(ttl_s=60, clock=FakeClock())
    kept = store.add("drivers_licence", FIELDS, visit="visits/b")
    first = store.add("drivers_licence", FIELDS, visit="visits/a")
    second = store.add("my_number_card_front", FIELDS, visit="visits/a")
    assert store.drop_visit("visits/a") == 2
    assert store.drop_visit("") == 0
    for name in (first.name, second.name):
        with pytest.raises(ReadingNotFound):
            store.get(name)
    store.delete(kept.name)
    with pytest.raises(ReadingNotFound):
        store.delete(kept.name)


def test_store_is_bounded_oldest_first() -> None:
    store = ReadingStore(ttl_s=60, clock=FakeClock())
    oldest = store.add("drivers_licence", FIELDS)
    for _ in range(MAX_READINGS):
        newest = store.add("drivers_licence", FIELDS)
    assert len(store) == MAX_READINGS
    assert store.get(newest.name) is newest
    with pytest.raises(ReadingNotFound):
        store.get(oldest.name)


def test_repr_and_errors_show_no_values() -> None:
    store = ReadingStore(ttl_s=60, clock=FakeClock())
    held = store.add("drivers_licence", FIELDS)
    assert "山田" not in repr(held) and "山田" not in repr(store)
    with pytest.raises(ReadingNotFound) as raised:
        store.get("readings/山田花子")
    assert "山田" not in str(raised.value)


@given(st.text(max_size=80))
def test_any_unknown_name_is_only_reading_not_found(name: str) -> None:
    store = ReadingStore(ttl_s=60)
    store.add("drivers_licence", FIELDS)
    with pytest.raises(ReadingNotFound) as raised:
        store.get(name)
    assert raised.value.reason == "reading_not_found"
    text = str(raised.value)
    assert "(malformed name)" in text or repr(name) in text


def test_reading_message_maps_types_fields_and_flags() -> None:
    store = ReadingStore(ttl_s=600, clock=FakeClock())
    message = reading_message(store.add("drivers_licence", FIELDS, visit="visits/a"))
    assert message.document_type == pb.DOCUMENT_TYPE_DRIVERS_LICENCE
    assert [
        (f.field, f.value, f.needs_confirmation, list(f.confirmation_reasons)) for f in message.fields
    ] == [
        (pb.DOCUMENT_FIELD_NAME, "山田\u3000花子", False, []),
        (pb.DOCUMENT_FIELD_BIRTH_DATE, "", True, ["unreadable"]),
    ]
    assert message.needs_confirmation
    assert message.expire_time.seconds - message.create_time.seconds == 600
    assert message.visit == "visits/a"
