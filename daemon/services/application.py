"""kiosk.v1.ApplicationService: the staff side of completed visits (application outbox, KPI report).

The KPI report lives here rather than in a ReportService of its own: it is one staff-only read over what
CompleteVisit recorded, beside the outbox that the same call fills.
"""

from __future__ import annotations

import logging
from typing import Any

import grpc
from kiosk.v1 import application_pb2 as pb
from kiosk.v1 import application_pb2_grpc

from frontyard.corrections import FieldCorrection
from frontyard.errors import CorrectionError
from frontyard.kpi import KpiRow

from .. import inputs
from ..errors import FailedPrecondition, InvalidArgument
from ..staff.identity import staff_id_from
from ..visits import messages
from ..visits.flows import Frontyard
from . import application_paging

_LOGGER = logging.getLogger(__name__)

Context = grpc.aio.ServicerContext[Any, Any]


def _acting_staff(context: Context, typed: str) -> str:
    """Who acts: the signed-in person (daemon.staff) wins over a typed staff_id; either must be a 職員番号."""
    # a typed id is checked even though the signed-in person wins: a name is refused here too
    inputs.check(inputs.STAFF_ID, "staff_id", typed, optional=True)
    staff_id = staff_id_from(context) or typed
    if not staff_id:
        raise InvalidArgument("staff_id is required", reason="staff_id_required")
    inputs.check(inputs.STAFF_ID, "staff_id", staff_id)
    return staff_id


class ApplicationService(application_pb2_grpc.ApplicationServiceServicer):
    def __init__(self, flows: Frontyard) -> None:
        self.flows = flows

    async def ListApplications(
        self, request: pb.ListApplicationsRequest, context: Context
    ) -> pb.ListApplicationsResponse:
        size = application_paging.page_size(request.page_size)
        status = messages.STATUSES_BACK.get(request.status)
        found = application_paging.page(self.flows.outbox.list(status), size, request.page_token)
        return pb.ListApplicationsResponse(
            applications=[messages.application(p) for p in found.rows], next_page_token=found.next_page_token
        )

    async def GetApplication(self, request: pb.GetApplicationRequest, context: Context) -> pb.Application:
        inputs.check(inputs.APPLICATION, "name", request.name)
        # A direct read: one small SQLite row, and no executor future left holding the package afterwards.
        package = self.flows.outbox.get(request.name.removeprefix("applications/"))
        return messages.application(package, with_form=True)

    async def CorrectApplication(
        self, request: pb.CorrectApplicationRequest, context: Context
    ) -> pb.Application:
        inputs.check(inputs.APPLICATION, "name", request.name)
        staff_id = _acting_staff(context, request.staff_id)
        inputs.check_all(inputs.FIELD_KEY, "corrections.key", (item.key for item in request.corrections))
        corrections = [
            FieldCorrection(item.key, item.value, item.furigana if item.HasField("furigana") else None)
            for item in request.corrections
        ]
        try:
            package = await self.flows.off_loop(self.flows.correct, request.name, staff_id, corrections)
        except CorrectionError as exc:
            raise InvalidArgument(str(exc), reason=exc.reason, message_ja=exc.message_ja) from exc
        _LOGGER.info(
            "application corrected",
            extra={"application": request.name, "fields": list(package.summary.corrected_fields)},
        )
        self.flows.application_changed(package.summary)
        return messages.application(package, with_form=True)

    async def ReleaseApplication(
        self, request: pb.ReleaseApplicationRequest, context: Context
    ) -> pb.Application:
        inputs.check(inputs.APPLICATION, "name", request.name)
        staff_id = _acting_staff(context, request.staff_id)
        return messages.application(self.flows.release(request.name, staff_id))

    async def ExportApplications(
        self, request: pb.ExportApplicationsRequest, context: Context
    ) -> pb.ExportApplicationsResponse:
        if not self.flows.settings.exports_here:
            raise FailedPrecondition(
                "this terminal forwards its applications to the back office ([fleet]): export them to "
                "申請管理 from the back-office console",
                reason="exported_by_back_office",
                message_ja=(
                    "この端末の申請はバックオフィスへ転送されます。"
                    "申請管理への出力はバックオフィスの画面で行ってください。"
                ),
            )
        exported, purged = await self.flows.off_loop(self.flows.export)
        return pb.ExportApplicationsResponse(
            applications=list(exported), directory=str(self.flows.settings.export_dir), purged=purged
        )

    async def GetKpiReport(self, request: pb.GetKpiReportRequest, context: Context) -> pb.KpiReport:
        rows: tuple[KpiRow, ...] = self.flows.kpis.report(self.flows.municipality)
        report = pb.KpiReport(rows=[messages.kpi_row(row) for row in rows])
        before = self.flows.municipality.report_writes_before
        after = self.flows.municipality.report_writes_after
        if before is not None:
            report.report_writes_before.CopyFrom(messages.figures(before))
        if after is not None:
            report.report_writes_after.CopyFrom(messages.figures(after))
        baseline = self.flows.municipality.kpi_before
        if baseline is not None:
            report.before.CopyFrom(
                pb.KpiBaseline(
                    avg_wait_s=baseline.avg_wait_s,
                    avg_procedure_s=baseline.avg_procedure_s,
                    writes=baseline.writes,
                    source_ja=baseline.source,
                    unconfirmed=baseline.unknown,
                )
            )
        return report
