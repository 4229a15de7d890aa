"""Unix-socket roles rest on file permissions: the sockets get the configured modes, and the kernel keeps
out local users who are neither the owner nor in the socket's group.

gRPC's Python API does not expose the peer's SO_PEERCRED, so the daemon cannot check the caller's uid
itself; the owner/group/mode of each socket is the control, tested here as another user via ``setpriv``.
"""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.integration.security.helpers import SharedDaemon, shared_daemon

pytestmark = pytest.mark.integration

NOBODY = 65534
SETPRIV = shutil.which("setpriv")
SYSTEM_PYTHON = "/usr/bin/python3"
CONNECT = "import socket, sys; s = socket.socket(socket.AF_UNIX); s.connect(sys.argv[1]); print('connected')"


@pytest.fixture(scope="module")
def daemon() -> Iterator[SharedDaemon]:
    yield from shared_daemon()


def connect_as(uid: int, gid: int, groups: list[int], path: Path) -> subprocess.CompletedProcess[str]:
    if SETPRIV is None or not Path(SYSTEM_PYTHON).exists():
        pytest.skip("setpriv (util-linux) or /usr/bin/python3 is missing: cannot act as another user")
    if os.geteuid() != 0:
        pytest.skip("changing to another user needs root")
    group_args = [f"--groups={','.join(map(str, groups))}"] if groups else ["--clear-groups"]
    return subprocess.run(
        [SETPRIV, f"--reuid={uid}", f"--regid={gid}", *group_args, SYSTEM_PYTHON, "-c", CONNECT, str(path)],
        capture_output=True,
        text=True,
        timeout=20,
    )


def test_sockets_have_the_configured_modes(daemon: SharedDaemon) -> None:
    modes = {role: stat.S_IMODE(os.stat(daemon.socket(role)).st_mode) for role in ("kiosk", "staff", "admin")}
    assert modes == {"kiosk": 0o660, "staff": 0o660, "admin": 0o600}
    assert all(stat.S_ISSOCK(os.stat(daemon.socket(role)).st_mode) for role in modes)


@pytest.mark.parametrize("role", ["kiosk", "staff", "admin"])
def test_another_user_cannot_connect(daemon: SharedDaemon, role: str) -> None:
    result = connect_as(NOBODY, NOBODY, [], daemon.socket(role))
    assert result.returncode != 0 and "PermissionError" in result.stderr, result.stdout + result.stderr


def test_a_member_of_the_socket_group_reaches_0660_but_not_0600(daemon: SharedDaemon) -> None:
    group = os.stat(daemon.socket("kiosk")).st_gid
    member = connect_as(NOBODY, NOBODY, [group], daemon.socket("kiosk"))
    assert member.returncode == 0 and "connected" in member.stdout, member.stderr
    admin = connect_as(NOBODY, NOBODY, [group], daemon.socket("admin"))
    assert admin.returncode != 0 and "PermissionError" in admin.stderr, admin.stdout + admin.stderr
