"""One client for the counter's three services (VisitService, CertificateService, ApplicationService).

Tests that walk a visit from the first member to the staff's outbox call methods of all three; this stub
holds the three generated stubs' methods on one object, each still bound to its own service path.
"""

from __future__ import annotations

from typing import Any, cast

import grpc
from kiosk.v1 import application_pb2_grpc, certificate_pb2_grpc, visit_pb2_grpc

_SERVICES = (
    visit_pb2_grpc.VisitServiceStub,
    certificate_pb2_grpc.CertificateServiceStub,
    application_pb2_grpc.ApplicationServiceStub,
)


class FrontyardStub(
    visit_pb2_grpc.VisitServiceStub,
    certificate_pb2_grpc.CertificateServiceStub,
    application_pb2_grpc.ApplicationServiceStub,
):
    def __init__(self, channel: grpc.Channel) -> None:
        for service in _SERVICES:
            # The generated .pyi types the constructor as __new__ overloads; __init__ sets the methods.
            cast(Any, service).__init__(self, channel)
