"""Every kiosk.v1 method, from each role's socket: refused below its declared role, admitted at or above.

The methods come from the generated descriptors, so a service that lands later is covered without an
edit here. The role check runs before the handler, so an empty request is enough.
"""

from __future__ import annotations

from collections.abc import Iterator

import grpc
import pytest
from grpc_status import rpc_status

from daemon.config import Role
from daemon.errors import error_reason
from tests.integration.security.helpers import (
    ROLES,
    KioskMethod,
    SharedDaemon,
    call_raw,
    code_of,
    every_kiosk_method,
    shared_daemon,
)

pytestmark = pytest.mark.integration

METHODS = every_kiosk_method()
CASES = [(method, role) for method in METHODS for role in ROLES]


@pytest.fixture(scope="module")
def daemon() -> Iterator[SharedDaemon]:
    yield from shared_daemon()


def test_the_matrix_covers_the_known_services() -> None:
    services = {method.path.split("/")[1] for method in METHODS}
    assert {"kiosk.v1.DeviceService", "kiosk.v1.CardService"} <= services
    assert any(method.needed is Role.STAFF for method in METHODS), "no staff-only method to refuse"


@pytest.mark.parametrize(
    ("method", "role"), CASES, ids=[f"{m.path.rsplit('.', 1)[-1]}-{role}" for m, role in CASES]
)
def test_each_method_from_each_role(daemon: SharedDaemon, method: KioskMethod, role: str) -> None:
    caller = Role[role.upper()]
    with daemon.channel(role) as channel:
        # A streaming method an allowed caller may follow ends at the deadline: not a refusal.
        error = call_raw(channel, method, b"", timeout=2 if method.descriptor.server_streaming else 5)
    code = code_of(error)
    if caller < method.needed:
        assert code == grpc.StatusCode.PERMISSION_DENIED, f"{method.path} as {role}: {code}"
        if error is not None:
            assert error_reason(error) == "permission_denied"
            status = rpc_status.from_call(error)  # type: ignore[arg-type]
            assert status is not None and method.needed.name.lower() in status.message
    else:
        assert code != grpc.StatusCode.PERMISSION_DENIED, f"{method.path} refused to {role}"
    assert daemon.alive()
