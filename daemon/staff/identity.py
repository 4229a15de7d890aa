"""The verified staff id a staff call carries, and how the daemon knows it.

On the staff socket, the kiosk UI server signs the person in (``kiosk_ui.auth``), then sends their staff
id as gRPC metadata with every call. The daemon trusts it because only the UI server's user can connect
to that socket (its owner, group and mode; docs/DESIGN.md principle 3): a browser or a kiosk page never
reaches it, and the kiosk socket ignores the header.

Any other caller (the admin socket of the city's IT staff, an admin certificate on TCP) names a person
only by a sign-in token (``daemon.staff.tokens``): its staff-id header proves nothing.
"""

from __future__ import annotations

from typing import Any

from ..config import Role
from ..roles import caller_role
from .tokens import StaffTokens

STAFF_ID_METADATA = "x-frontyard-staff-id"
STAFF_TOKEN_METADATA = "x-frontyard-staff-token"  # noqa: S105 (a header name, not a secret)


def metadata_value(context: Any, key: str) -> str:
    """One metadata value of a call, or "" when there is none."""
    metadata = getattr(context, "invocation_metadata", None)  # absent on a test's stand-in context
    for name, value in (metadata() if metadata is not None else None) or ():
        if name == key:
            return value if isinstance(value, str) else value.decode()
    return ""


def staff_id_from(context: Any) -> str:
    """The staff id in a call's metadata, or "" when there is none (trusted on the staff socket only)."""
    return metadata_value(context, STAFF_ID_METADATA)


class StaffIdentity:
    """Who a call's person is, as far as this endpoint can know it."""

    def __init__(self, tokens: StaffTokens, endpoint_role: Role) -> None:
        self.tokens = tokens
        self.endpoint_role = endpoint_role

    def caller(self, context: Any) -> Role:
        return caller_role(context, self.endpoint_role)

    def staff_id(self, context: Any) -> str:
        """The verified staff id: the UI server's header from a staff caller, a live token's otherwise."""
        if self.caller(context) == Role.STAFF:
            return staff_id_from(context)
        token = metadata_value(context, STAFF_TOKEN_METADATA)
        return self.tokens.staff_id(token) if token else ""
