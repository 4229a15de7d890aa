"""The counter's three services (書かない窓口 visits, らくらく窓口 certificates, the staff's outbox and KPIs)
over one set of front-yard flows (``daemon.visits.flows``).

``kiosk.v1.VisitService`` (``visit.py``), ``kiosk.v1.CertificateService`` (``certificate.py``) and
``kiosk.v1.ApplicationService`` (``application.py``) share the visit book, the certificate desk and the
outbox, so one runner builds the flows and registers the three servicers.
Configuration: ``[options.frontyard]`` (``daemon.visits.settings``).
"""

from __future__ import annotations

from pathlib import Path

import grpc
from kiosk.v1 import application_pb2_grpc, certificate_pb2_grpc, visit_pb2_grpc

from ..ports import EventPublisher, PrintSubmitter, ReadingLookup, SessionLookup
from ..visits.flows import Frontyard, now
from ..visits.settings import FrontyardSettings
from .application import ApplicationService
from .certificate import CertificateService
from .visit import VisitService


class FrontyardServiceRunner:
    service_names = ("kiosk.v1.VisitService", "kiosk.v1.CertificateService", "kiosk.v1.ApplicationService")

    def __init__(
        self,
        settings: FrontyardSettings,
        storage_dir: Path,
        *,
        events: EventPublisher,
        printer: PrintSubmitter,
        sessions: SessionLookup,
        readings: ReadingLookup,
    ) -> None:
        self.flows = Frontyard(settings, storage_dir, events, printer)
        self.visits = VisitService(self.flows, events, sessions, readings)
        self.certificates = CertificateService(self.flows, sessions)
        self.applications = ApplicationService(self.flows)

    def add_to_server(self, server: grpc.aio.Server) -> None:
        visit_pb2_grpc.add_VisitServiceServicer_to_server(self.visits, server)
        certificate_pb2_grpc.add_CertificateServiceServicer_to_server(self.certificates, server)
        application_pb2_grpc.add_ApplicationServiceServicer_to_server(self.applications, server)

    async def start(self) -> None:
        """Purge exported applications past their retention period."""
        self.flows.purge(now())

    async def stop(self) -> None:
        """Visits in memory are dropped (by design); the outbox and KPIs are already on disk."""
        self.flows.close()
