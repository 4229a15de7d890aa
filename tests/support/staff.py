"""Staff accounts for tests: created in the daemon's storage before it starts, then signed in like a person.

``TEST_STAFF`` has the 窓口 and 会計 roles, so it may call every staff method; tests of the role matrix make
their own accounts. A signed-in channel adds the staff id the daemon returned to every call, as the kiosk
UI server does (``kiosk_ui.auth``), and the session token, which the admin socket requires for an audited
method (``daemon.staff.tokens``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import grpc
from kiosk.v1 import staff_pb2, staff_pb2_grpc

from daemon.staff.accounts import StaffAccounts
from daemon.staff.identity import STAFF_ID_METADATA, STAFF_TOKEN_METADATA
from daemon.staff.roles import StaffRole


@dataclass(frozen=True)
class StaffMember:
    staff_id: str
    password: str
    roles: frozenset[StaffRole]
    display_name: str = "試験 職員"


TEST_STAFF = StaffMember(
    "T0001", "correct horse battery staple", frozenset({StaffRole.COUNTER, StaffRole.CASHIER})
)
# A 管理者 (the account page); tests add it to the storage themselves.
TEST_MANAGER = StaffMember("M0001", "the manager's own password", frozenset({StaffRole.ADMIN}), "管理 一")


def add_account(storage: Path, staff: StaffMember = TEST_STAFF) -> None:
    """Create ``staff`` in ``storage/staff.sqlite3`` (nothing when it exists already)."""
    storage.mkdir(parents=True, exist_ok=True)
    accounts = StaffAccounts(storage / "staff.sqlite3")
    try:
        if accounts.find(staff.staff_id) is None:
            accounts.add(staff.staff_id, staff.display_name, staff.roles, staff.password)
    finally:
        accounts.close()


def sign_in(channel: grpc.Channel, staff: StaffMember = TEST_STAFF) -> staff_pb2.SignInResponse:
    """Sign ``staff`` in on the daemon; returns the verified staff id and the session token."""
    reply: staff_pb2.SignInResponse = staff_pb2_grpc.StaffServiceStub(channel).SignIn(
        staff_pb2.SignInRequest(staff_id=staff.staff_id, password=staff.password), timeout=30
    )
    return reply


class _StaffMetadata(grpc.UnaryUnaryClientInterceptor, grpc.UnaryStreamClientInterceptor):  # type: ignore[type-arg]
    def __init__(self, signed_in: staff_pb2.SignInResponse) -> None:
        self.staff_id = signed_in.staff_id
        self.token = signed_in.session_token

    def _with_staff(self, details: Any) -> Any:
        metadata = [
            *(details.metadata or ()),
            (STAFF_ID_METADATA, self.staff_id),
            (STAFF_TOKEN_METADATA, self.token),
        ]
        return details._replace(metadata=metadata)

    def intercept_unary_unary(self, continuation: Callable[..., Any], details: Any, request: Any) -> Any:
        return continuation(self._with_staff(details), request)

    def intercept_unary_stream(self, continuation: Callable[..., Any], details: Any, request: Any) -> Any:
        return continuation(self._with_staff(details), request)


def signed_in_channel(channel: grpc.Channel, staff: StaffMember = TEST_STAFF) -> grpc.Channel:
    """``channel`` (to the staff or admin socket) with ``staff`` signed in and named on every call."""
    return grpc.intercept_channel(channel, _StaffMetadata(sign_in(channel, staff)))
