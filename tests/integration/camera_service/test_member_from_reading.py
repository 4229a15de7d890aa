"""書かない窓口 with the document camera: a licence on the stand becomes a household member, untyped."""

from __future__ import annotations

import datetime as dt
import re

import grpc
import pytest
from kiosk.v1 import camera_pb2, camera_pb2_grpc, visit_pb2

from daemon.errors import error_reason
from tests.fixtures.camera import CameraSimulator
from tests.fixtures.daemon import RunningDaemon
from tests.support.frontyard import FrontyardStub

from .helpers import wait_for_state
from .test_camera_service import LICENCE_FIELDS, SECRETS_SEEN

pytestmark = pytest.mark.integration


def test_a_licence_reading_fills_a_member_and_is_dropped_with_the_visit(
    daemon: RunningDaemon, camera_sim: CameraSimulator
) -> None:
    SECRETS_SEEN.extend([LICENCE_FIELDS["name"], LICENCE_FIELDS["address"]])
    camera_sim.post("reconnect")
    camera_sim.post("place", {"document": "licence", "fields": LICENCE_FIELDS})
    wait_for_state(daemon, 2)
    staff_channel = daemon.channel("staff")
    visits = FrontyardStub(staff_channel)
    camera = camera_pb2_grpc.CameraServiceStub(staff_channel)
    visit = visits.CreateVisit(
        visit_pb2.CreateVisitRequest(life_event=visit_pb2.LIFE_EVENT_TENNYU, event_date=str(dt.date.today()))
    )
    reading = camera.ReadDocument(camera_pb2.ReadDocumentRequest(visit=visit.name), timeout=30)
    confident = {f.field: f.value for f in reading.fields if not f.needs_confirmation}

    updated = visits.AddMember(
        visit_pb2.AddMemberRequest(visit=visit.name, from_document_reading=reading.name)
    )
    member = updated.members[0]
    assert member.relationship == "世帯主"
    if camera_pb2.DOCUMENT_FIELD_NAME in confident:
        assert re.sub(r"\s", "", member.name) == re.sub(r"\s", "", LICENCE_FIELDS["name"])
    else:
        assert member.name == "", "a field that needs confirmation is left for staff, never guessed"
    if camera_pb2.DOCUMENT_FIELD_BIRTH_DATE in confident:
        assert member.birth_date == LICENCE_FIELDS["birth_date"]
    assert not member.has_mn_card

    visits.CancelVisit(visit_pb2.CancelVisitRequest(visit=visit.name))
    with pytest.raises(grpc.RpcError) as gone:
        camera.GetReading(camera_pb2.GetReadingRequest(name=reading.name))
    assert error_reason(gone.value) == "reading_not_found"


def test_an_unknown_reading_is_refused(daemon: RunningDaemon) -> None:
    visits = FrontyardStub(daemon.channel("staff"))
    visit = visits.CreateVisit(
        visit_pb2.CreateVisitRequest(life_event=visit_pb2.LIFE_EVENT_TENNYU, event_date=str(dt.date.today()))
    )
    with pytest.raises(grpc.RpcError) as error:
        visits.AddMember(
            visit_pb2.AddMemberRequest(visit=visit.name, from_document_reading="readings/" + "0" * 32)
        )
    assert error_reason(error.value) == "reading_not_found"
    visits.CancelVisit(visit_pb2.CancelVisitRequest(visit=visit.name))
