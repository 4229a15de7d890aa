"""kiosk.v1.CameraService through the real daemon process and the MJPEG camera simulator."""

from __future__ import annotations

import re
import threading
import time

import cv2
import grpc
import numpy as np
import pytest
from kiosk.v1 import camera_pb2 as pb
from kiosk.v1 import camera_pb2_grpc, events_pb2

from daemon.errors import error_reason
from simulators.personas import persona
from tests.fixtures.camera import CameraSimulator
from tests.fixtures.daemon import RunningDaemon

from .helpers import CAMERA, wait_for_state

pytestmark = pytest.mark.integration

LICENCE_FIELDS = {
    "name": "山田\u3000花子",
    "address": "鹿児島県指宿市湊1丁目2番3号",
    "birth_date": "1989-01-08",
    "licence_number": "642013578902",
    "expiry": "2027-06-30",
}
QR_PAYLOADS = ("受付番号 A-0107 住民票の写し", "受付番号 B-0208 児童手当", "受付番号 C-0309 転入届")
SECRETS_SEEN: list[str] = [LICENCE_FIELDS["name"], LICENCE_FIELDS["address"], *QR_PAYLOADS]

VISIT = "visits/" + "a1" * 16  # the shape of a visit name: 32 hex digits


def compact(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.fixture
def staff(daemon: RunningDaemon, camera_sim: CameraSimulator) -> camera_pb2_grpc.CameraServiceStub:
    camera_sim.post("reconnect")
    camera_sim.post("remove")
    wait_for_state(daemon, events_pb2.DEVICE_STATE_IDLE)
    return camera_pb2_grpc.CameraServiceStub(daemon.channel("staff"))


def field_values(reading: pb.DocumentReading) -> dict[int, str]:
    return {item.field: item.value for item in reading.fields}


@pytest.mark.parametrize(("rotation", "perspective"), [(0.0, 0.0), (15.0, 0.3)])
def test_licence_is_read_into_a_held_reading(
    staff: camera_pb2_grpc.CameraServiceStub, camera_sim: CameraSimulator, rotation: float, perspective: float
) -> None:
    camera_sim.post(
        "place",
        {"document": "licence", "fields": LICENCE_FIELDS, "rotation": rotation, "perspective": perspective},
    )
    reading = staff.ReadDocument(pb.ReadDocumentRequest(visit=VISIT), timeout=30)
    assert reading.document_type == pb.DOCUMENT_TYPE_DRIVERS_LICENCE
    assert reading.name.startswith("readings/") and reading.visit == VISIT
    values = field_values(reading)
    assert compact(values[pb.DOCUMENT_FIELD_NAME]) == compact(LICENCE_FIELDS["name"])
    assert values[pb.DOCUMENT_FIELD_ADDRESS] == LICENCE_FIELDS["address"]
    assert values[pb.DOCUMENT_FIELD_BIRTH_DATE] == "1989-01-08"
    assert values[pb.DOCUMENT_FIELD_LICENCE_NUMBER] == "642013578902"
    assert values[pb.DOCUMENT_FIELD_EXPIRY_DATE] == "2027-06-30"
    for item in reading.fields:
        assert 0.0 < item.confidence <= 1.0
        assert item.needs_confirmation == bool(item.confirmation_reasons)
        assert ("low_confidence" in item.confirmation_reasons) == (0 < item.confidence < 0.80)
    assert reading.needs_confirmation == any(item.needs_confirmation for item in reading.fields)
    assert reading.expire_time.seconds - reading.create_time.seconds in range(599, 601)
    assert staff.GetReading(pb.GetReadingRequest(name=reading.name)) == reading


def test_variant_characters_are_flagged_with_their_reason(
    staff: camera_pb2_grpc.CameraServiceStub, camera_sim: CameraSimulator
) -> None:
    fields = LICENCE_FIELDS | {"name": "髙橋\u3000健二", "address": "鹿児島県指宿市濱田町1番地"}
    SECRETS_SEEN.extend([fields["name"], fields["address"]])
    camera_sim.post("place", {"document": "licence", "fields": fields, "rotation": 5.0})
    reading = staff.ReadDocument(pb.ReadDocumentRequest(), timeout=30)
    by_field = {item.field: item for item in reading.fields}
    for key in (pb.DOCUMENT_FIELD_NAME, pb.DOCUMENT_FIELD_ADDRESS):
        assert by_field[key].needs_confirmation
        assert "variant_character" in by_field[key].confirmation_reasons
    assert by_field[pb.DOCUMENT_FIELD_BIRTH_DATE].confirmation_reasons == []
    assert reading.needs_confirmation
    staff.DeleteReading(pb.DeleteReadingRequest(name=reading.name))


def test_my_number_front_is_read_and_readings_can_be_deleted(
    staff: camera_pb2_grpc.CameraServiceStub, camera_sim: CameraSimulator
) -> None:
    person = persona("P1")
    SECRETS_SEEN.extend([person.full_name, person.household.address])
    camera_sim.post(
        "place", {"document": "mynumber_front", "persona": "P1", "rotation": -15, "perspective": 0.3}
    )
    reading = staff.ReadDocument(pb.ReadDocumentRequest(), timeout=30)
    assert reading.document_type == pb.DOCUMENT_TYPE_MY_NUMBER_CARD_FRONT
    values = field_values(reading)
    assert compact(values[pb.DOCUMENT_FIELD_NAME]) == compact(person.full_name)
    assert values[pb.DOCUMENT_FIELD_ADDRESS] == person.household.address
    assert values[pb.DOCUMENT_FIELD_BIRTH_DATE] == person.birth_date
    assert pb.DOCUMENT_FIELD_LICENCE_NUMBER not in values
    staff.DeleteReading(pb.DeleteReadingRequest(name=reading.name))
    with pytest.raises(grpc.RpcError) as raised:
        staff.GetReading(pb.GetReadingRequest(name=reading.name))
    assert raised.value.code() == grpc.StatusCode.NOT_FOUND
    assert error_reason(raised.value) == "reading_not_found"


def test_my_number_back_is_refused_by_read_and_capture(
    staff: camera_pb2_grpc.CameraServiceStub, camera_sim: CameraSimulator
) -> None:
    camera_sim.post("place", {"document": "mynumber_back", "persona": "P1", "rotation": 5})
    for call in (
        lambda: staff.ReadDocument(pb.ReadDocumentRequest(), timeout=30),
        lambda: staff.Capture(pb.CaptureRequest(), timeout=30),
    ):
        with pytest.raises(grpc.RpcError) as raised:
            call()
        assert raised.value.code() == grpc.StatusCode.FAILED_PRECONDITION
        assert error_reason(raised.value) == "my_number_card_back"
        assert (persona("P1").my_number or "unset") not in (raised.value.details() or "")


def test_blank_stand_is_no_document_but_can_be_photographed(
    staff: camera_pb2_grpc.CameraServiceStub, camera_sim: CameraSimulator
) -> None:
    with pytest.raises(grpc.RpcError) as raised:
        staff.ReadDocument(pb.ReadDocumentRequest(), timeout=30)
    assert raised.value.code() == grpc.StatusCode.FAILED_PRECONDITION
    assert error_reason(raised.value) == "no_document"
    still = staff.Capture(pb.CaptureRequest(device=CAMERA), timeout=30)
    image = cv2.imdecode(np.frombuffer(still.jpeg, dtype=np.uint8), cv2.IMREAD_COLOR)
    assert image is not None and image.shape[:2] == (still.height, still.width) == (1080, 1920)


def test_kiosk_role_is_refused_staff_rpcs(daemon: RunningDaemon) -> None:
    kiosk = camera_pb2_grpc.CameraServiceStub(daemon.channel("kiosk"))
    for call in (
        lambda: kiosk.Capture(pb.CaptureRequest(), timeout=10),
        lambda: kiosk.ReadDocument(pb.ReadDocumentRequest(), timeout=10),
        lambda: kiosk.GetReading(pb.GetReadingRequest(name="readings/00"), timeout=10),
        lambda: kiosk.DeleteReading(pb.DeleteReadingRequest(name="readings/00"), timeout=10),
    ):
        with pytest.raises(grpc.RpcError) as raised:
            call()
        assert raised.value.code() == grpc.StatusCode.PERMISSION_DENIED


def test_watch_qr_both_encodings_dedup_and_capture_interleaves(
    daemon: RunningDaemon, staff: camera_pb2_grpc.CameraServiceStub, camera_sim: CameraSimulator
) -> None:
    kiosk = camera_pb2_grpc.CameraServiceStub(daemon.channel("kiosk"))
    first, second, third = QR_PAYLOADS
    camera_sim.post("place", {"document": "qr", "payload": first, "encoding": "utf-8", "rotation": 12})
    stream = kiosk.WatchQr(pb.WatchQrRequest(dedup_window_s=60, poll_interval_ms=100), timeout=40)
    try:
        event = next(iter(stream))
        assert (event.payload, event.encoding, event.device) == (first, pb.QR_ENCODING_UTF8, CAMERA)
        time.sleep(0.5)  # several polls see the same code: none is reported again
        still = staff.Capture(pb.CaptureRequest(), timeout=30)  # interleaves with the polls
        assert still.jpeg[:2] == b"\xff\xd8"
        camera_sim.post("place", {"document": "qr", "payload": second, "encoding": "shift_jis"})
        event = next(iter(stream))
        assert (event.payload, event.encoding) == (second, pb.QR_ENCODING_SHIFT_JIS)
        camera_sim.post("place", {"document": "qr", "payload": first, "encoding": "utf-8"})
        time.sleep(0.5)  # the first code again, within the window
        camera_sim.post("place", {"document": "qr", "payload": third, "encoding": "utf-8"})
        event = next(iter(stream))
        assert (event.payload, event.encoding) == (third, pb.QR_ENCODING_UTF8)
    finally:
        stream.cancel()  # type: ignore[no-untyped-call]  # grpc-stubs: Call.cancel is untyped


def test_disconnect_mid_read_is_unavailable_then_offline_and_back(
    daemon: RunningDaemon, staff: camera_pb2_grpc.CameraServiceStub, camera_sim: CameraSimulator
) -> None:
    camera_sim.post("place", {"document": "licence", "fields": LICENCE_FIELDS})
    outcome: list[grpc.RpcError | pb.DocumentReading] = []

    def read() -> None:
        try:
            outcome.append(staff.ReadDocument(pb.ReadDocumentRequest(), timeout=30))
        except grpc.RpcError as error:
            outcome.append(error)

    started = time.monotonic()
    reader = threading.Thread(target=read)
    reader.start()
    time.sleep(0.05)
    camera_sim.post("disconnect", {"mode": "stall"})
    reader.join(15)
    assert not reader.is_alive()
    assert time.monotonic() - started < 8.0
    error = outcome[0]
    assert isinstance(error, grpc.RpcError)
    assert error.code() == grpc.StatusCode.UNAVAILABLE
    assert error_reason(error) == "camera_offline"
    wait_for_state(daemon, events_pb2.DEVICE_STATE_OFFLINE, timeout=5)
    camera_sim.post("reconnect")
    wait_for_state(daemon, events_pb2.DEVICE_STATE_IDLE, timeout=30)


def test_no_personal_data_in_daemon_log_or_storage(daemon: RunningDaemon) -> None:
    written = daemon.log().encode()
    for path in (daemon.directory / "storage").rglob("*"):
        if path.is_file():
            written += path.read_bytes()
    assert b"reading" in written or b"camera" in written  # the log is really there
    for secret in SECRETS_SEEN:
        for form in {secret, compact(secret)}:
            assert form.encode() not in written
            assert form.encode("cp932", errors="ignore") not in written
