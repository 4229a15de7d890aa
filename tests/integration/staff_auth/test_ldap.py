"""Directory accounts: the password checked by a real slapd over TLS (ldaps:// and StartTLS), as ``nobody``.

Local accounts stay the default; a directory account keeps its roles, TOTP, lockout and disabled flag
locally, and only its password goes to the directory.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import grpc
import pytest
from kiosk.v1 import staff_pb2, staff_pb2_grpc

from daemon.errors import error_reason
from daemon.options import StaffOptions
from daemon.staff.accounts import StaffAccounts
from daemon.staff.directory import LdapDirectory
from daemon.staff.roles import StaffRole
from tests.fixtures.daemon import RunningDaemon
from tests.support.shared_daemon import start_shared_daemon
from tests.support.slapd import SLAPD, USER_DN, Slapd, start_slapd

pytestmark = pytest.mark.integration

PEOPLE = {"D0001": "the directory's password", "D0002": "another directory password"}


@pytest.fixture(scope="module")
def slapd() -> Iterator[Slapd]:
    if not Path(SLAPD).exists():
        pytest.fail("Debian slapd is not installed (make setup installs it: scripts/setup.sh APT_PACKAGES)")
    running = start_slapd(PEOPLE)
    yield running
    running.stop()


def directory(slapd: Slapd, url: str, ca_file: Path | None = None) -> LdapDirectory:
    options = StaffOptions(ldap_url=url, ldap_user_dn=USER_DN, ldap_ca_file=ca_file, ldap_timeout_s=2.5)
    return LdapDirectory(options)


@pytest.mark.parametrize("scheme", ["ldaps", "ldap+starttls"])
def test_the_directory_checks_a_password_over_tls(slapd: Slapd, scheme: str) -> None:
    url = (
        f"ldaps://127.0.0.1:{slapd.ldaps_port}"
        if scheme == "ldaps"
        else f"ldap://127.0.0.1:{slapd.ldap_port}"
    )
    checked = directory(slapd, url, slapd.ca_file)
    assert checked.check("D0001", PEOPLE["D0001"])
    assert not checked.check("D0001", PEOPLE["D0002"])  # someone else's password
    assert not checked.check("D0001", "")  # an unauthenticated bind is no sign-in
    assert not checked.check("D9999", PEOPLE["D0001"])  # nobody of that id


def test_a_directory_whose_certificate_is_not_trusted_checks_nothing(slapd: Slapd) -> None:
    untrusted = directory(slapd, f"ldaps://127.0.0.1:{slapd.ldaps_port}")  # the system's CAs only
    assert not untrusted.check("D0001", PEOPLE["D0001"])


@pytest.fixture(scope="module")
def daemon(slapd: Slapd, tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningDaemon]:
    where = tmp_path_factory.mktemp("ldap")
    (where / "storage").mkdir()
    accounts = StaffAccounts(where / "storage" / "staff.sqlite3")
    for staff_id in PEOPLE:
        accounts.add(staff_id, "窓口 職員", frozenset({StaffRole.COUNTER}), "", directory=True)
    accounts.disable("D0002")  # the directory still says yes: the local account decides
    accounts.close()
    extra = (
        "\n[options.staff]\n"
        f'ldap_url = "ldaps://127.0.0.1:{slapd.ldaps_port}"\n'
        f'ldap_user_dn = "{USER_DN}"\n'
        f'ldap_ca_file = "{slapd.ca_file}"\n'
    )
    running = start_shared_daemon(where, {}, extra)
    yield running
    running.stop()


def sign_in(daemon: RunningDaemon, staff_id: str, password: str) -> str:
    stub = staff_pb2_grpc.StaffServiceStub(daemon.unsigned_channel("staff"))
    try:
        stub.SignIn(staff_pb2.SignInRequest(staff_id=staff_id, password=password), timeout=30)
    except grpc.RpcError as error:
        return error_reason(error)
    return "signed_in"


def test_the_daemon_signs_a_directory_account_in_with_the_directory_password(daemon: RunningDaemon) -> None:
    assert sign_in(daemon, "D0001", PEOPLE["D0001"]) == "signed_in"
    assert sign_in(daemon, "D0001", "not the directory password") == "sign_in_refused"
    assert sign_in(daemon, "D0002", PEOPLE["D0002"]) == "sign_in_refused"  # disabled here
    assert sign_in(daemon, "D0009", PEOPLE["D0001"]) == "sign_in_refused"  # no local account
    assert PEOPLE["D0001"] not in daemon.log()
