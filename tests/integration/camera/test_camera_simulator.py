"""The camera driver against the MJPEG simulator process: documents, refusals, faults and QR codes."""

from __future__ import annotations

import re
import time
from typing import Any

import pytest

from drivers.base import DeviceUnavailable
from drivers.camera import DocumentType, FieldName, MyNumberCardBack, NoDocument, QrCode, QrWatcher
from simulators.personas import persona
from tests.fixtures.camera import CameraSimulator
from tests.support.control import ControlError

pytestmark = pytest.mark.integration

LICENCE_FIELDS = {
    "name": "山田\u3000花子",
    "address": "鹿児島県指宿市湊1丁目2番3号",
    "birth_date": "1989-01-08",
    "licence_number": "642013578902",
    "expiry": "2027-06-30",
}


def compact(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.mark.parametrize(("rotation", "perspective"), [(0.0, 0.0), (15.0, 0.3), (-15.0, 0.5)])
def test_licence_is_read(
    camera_sim: CameraSimulator, camera: Any, rotation: float, perspective: float
) -> None:
    camera_sim.post(
        "place",
        {"document": "licence", "fields": LICENCE_FIELDS, "rotation": rotation, "perspective": perspective},
    )
    reading = camera.read_document()
    assert reading.doc_type is DocumentType.DRIVERS_LICENCE
    values = {name: field.value for name, field in reading.fields.items()}
    assert compact(values[FieldName.NAME]) == compact(LICENCE_FIELDS["name"])
    assert values[FieldName.ADDRESS] == LICENCE_FIELDS["address"]
    assert values[FieldName.BIRTH_DATE] == "1989-01-08"
    assert values[FieldName.LICENCE_NUMBER] == "642013578902"
    assert values[FieldName.EXPIRY_DATE] == "2027-06-30"


@pytest.mark.parametrize(("persona_id", "rotation", "perspective"), [("P1", -15.0, 0.3), ("P2", 10.0, 0.0)])
def test_my_number_card_front_is_read(
    camera_sim: CameraSimulator, camera: Any, persona_id: str, rotation: float, perspective: float
) -> None:
    person = persona(persona_id)
    camera_sim.post(
        "place",
        {
            "document": "mynumber_front",
            "persona": persona_id,
            "rotation": rotation,
            "perspective": perspective,
        },
    )
    reading = camera.read_document()
    assert reading.doc_type is DocumentType.MY_NUMBER_CARD_FRONT
    assert compact(reading.fields[FieldName.NAME].value) == compact(person.full_name)
    assert reading.fields[FieldName.ADDRESS].value == person.household.address
    assert reading.fields[FieldName.BIRTH_DATE].value == person.birth_date
    assert FieldName.LICENCE_NUMBER not in reading.fields


def test_empty_stand_is_no_document(camera_sim: CameraSimulator, camera: Any) -> None:
    camera_sim.post("remove")
    with pytest.raises(NoDocument) as raised:
        camera.read_document()
    assert raised.value.reason == "no_document"


def test_my_number_card_back_is_refused(camera_sim: CameraSimulator, camera: Any) -> None:
    camera_sim.post("place", {"document": "mynumber_back", "persona": "P1", "rotation": 5})
    with pytest.raises(MyNumberCardBack) as raised:
        camera.read_document()
    assert raised.value.reason == "my_number_card_back"
    my_number = persona("P1").my_number
    assert my_number is not None and my_number not in str(raised.value)


@pytest.mark.parametrize("mode", ["close", "stall"])
def test_disconnect_mid_read_is_unavailable_quickly(
    camera_sim: CameraSimulator, camera: Any, mode: str
) -> None:
    camera_sim.post("place", {"document": "licence", "fields": LICENCE_FIELDS})
    camera.open()
    camera.read_frame()
    camera_sim.post("disconnect", {"mode": mode})
    started = time.monotonic()

    def read_many() -> None:
        for _ in range(50):
            camera.read_frame()

    with pytest.raises(DeviceUnavailable) as raised:
        read_many()
    assert time.monotonic() - started < 4.0
    assert raised.value.reason == "camera_offline"
    camera_sim.post("reconnect")
    assert camera.check_health().ready


@pytest.mark.parametrize("encoding", ["utf-8", "shift_jis"])
def test_qr_slip_in_both_encodings_and_dedup(camera_sim: CameraSimulator, camera: Any, encoding: str) -> None:
    payload = f"受付番号 A-{len(encoding)}07 住民票の写し"
    camera_sim.post("place", {"document": "qr", "payload": payload, "encoding": encoding, "rotation": 12})
    assert camera.scan_qr() == [QrCode(payload, encoding)]
    watcher = QrWatcher(window_s=30)
    assert watcher.feed(camera.read_frame()) == [QrCode(payload, encoding)]
    assert watcher.feed(camera.read_frame()) == []


def test_control_api_rejects_unknown_actions(camera_sim: CameraSimulator) -> None:
    with pytest.raises(ControlError) as raised:
        camera_sim.post("explode")
    assert raised.value.code == 404
    state = camera_sim.state()
    assert state["connected"] is True
    assert "fields" not in state["scene"]
