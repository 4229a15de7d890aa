"""The verified staff id a staff call carries.

The kiosk UI server signs the person in (``kiosk_ui.auth``), then sends their staff id as gRPC metadata
with every call over the staff socket. The daemon trusts it because only the UI server's user can connect
to that socket (its owner, group and mode; docs/DESIGN.md principle 3): a browser or a kiosk page never
reaches it, and the kiosk socket ignores the header.
"""

from __future__ import annotations

from typing import Any

STAFF_ID_METADATA = "x-frontyard-staff-id"


def staff_id_from(context: Any) -> str:
    """The staff id in a call's metadata, or "" when there is none."""
    metadata = getattr(context, "invocation_metadata", None)  # absent on a test's stand-in context
    for key, value in (metadata() if metadata is not None else None) or ():
        if key == STAFF_ID_METADATA:
            return value if isinstance(value, str) else value.decode()
    return ""
