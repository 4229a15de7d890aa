"""The signed-in person of the request being served, for the bridge's daemon calls (see ``auth``)."""

from __future__ import annotations

import contextvars

STAFF_ID_METADATA = "x-frontyard-staff-id"  # the daemon's daemon.staff.identity.STAFF_ID_METADATA

# Set by kiosk_ui.auth.StaffAuthMiddleware for /staff/api requests only.
current_staff: contextvars.ContextVar[str] = contextvars.ContextVar("current_staff", default="")


def staff_metadata() -> tuple[tuple[str, str], ...]:
    """The metadata naming the signed-in person, for a daemon call made while serving their request."""
    staff_id = current_staff.get()
    return ((STAFF_ID_METADATA, staff_id),) if staff_id else ()
