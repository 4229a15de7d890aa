"""At every start: the audit chain must still reach its newest anchored head, or the staff lead is told.

A full ``frontyard-audit verify`` walks every row; this reads only the last row and the anchor's tail, so
it runs at each start. A mismatch (rows cut off the end, the file rolled back) is logged as an error and
raised as a ``StaffCalled`` event (``reason = "audit_log_truncated"``), the same channel as a locked
account; the daemon keeps serving, appending after what is there, and ``verify`` keeps reporting it.
"""

from __future__ import annotations

import logging

from kiosk.v1 import events_pb2, visit_pb2

from ..ports import EventPublisher
from .log import AuditLog

_LOGGER = logging.getLogger(__name__)

AUDIT_RESOURCE = "audit"
REASON = "audit_log_truncated"


def check_audit_end(audit: AuditLog, events: EventPublisher) -> bool:
    """True when the chain reaches its newest anchored head; else log, raise the event, return False."""
    result = audit.check_end()
    if result.ok:
        return True
    problem = result.problem.name if result.problem else ""
    _LOGGER.error(
        "audit log does not reach its anchor: run frontyard-audit verify",
        extra={"problem": problem, "rows": result.rows, "first_missing": result.first_broken_seq},
    )
    events.publish(
        events_pb2.Event(
            staff_called=visit_pb2.StaffCalled(name=AUDIT_RESOURCE, screen="daemon-start", reason=REASON)
        )
    )
    return False
