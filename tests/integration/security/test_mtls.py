"""Mutual TLS end to end: `make certs` output, a TCP endpoint on loopback, the role from the client OU."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import grpc
import pytest
from kiosk.v1 import card_pb2, card_pb2_grpc, device_pb2, device_pb2_grpc

from daemon.certs import IssuedCertificates, issue_certificates
from daemon.errors import error_reason
from tests.fixtures.daemon import RunningDaemon
from tests.support.processes import PYTHON, free_port

pytestmark = pytest.mark.integration

READ_REQUEST = card_pb2.ReadMyNumberRequest(pin="1234", purpose="jidou_teate")


def tls_channel(port: int, certs: IssuedCertificates, role: str | None) -> grpc.Channel:
    key = certs.key(role).read_bytes() if role else None
    chain = certs.cert(role).read_bytes() if role else None
    credentials = grpc.ssl_channel_credentials(certs.ca.read_bytes(), key, chain)
    return grpc.secure_channel(f"127.0.0.1:{port}", credentials)


@pytest.fixture(scope="module")
def certs(tmp_path_factory: pytest.TempPathFactory) -> IssuedCertificates:
    return issue_certificates(tmp_path_factory.mktemp("certs"))


@pytest.fixture
def tls_daemon(
    start_daemon: Callable[..., RunningDaemon], certs: IssuedCertificates
) -> tuple[RunningDaemon, int]:
    port = free_port()
    extra = "\n".join(
        [
            "",
            "[[endpoints]]",
            f'tcp = "127.0.0.1:{port}"',
            f'tls_ca = "{certs.ca}"',
            f'tls_cert = "{certs.cert("daemon")}"',
            f'tls_key = "{certs.key("daemon")}"',
            "",
        ]
    )
    daemon = start_daemon({}, extra=extra)
    assert f"127.0.0.1:{port}" in daemon.process.ready["endpoints"]
    return daemon, port


def test_make_certs_cli_is_idempotent_and_private(tmp_path: Path) -> None:
    import os
    import stat
    import subprocess

    out = tmp_path / "certs"
    first = subprocess.run([PYTHON, "-m", "daemon.certs", "--out", str(out)], capture_output=True, text=True)
    assert first.returncode == 0, first.stderr
    before = {path.name: path.read_bytes() for path in out.iterdir()}
    assert set(before) == {
        f"{n}.{e}" for n in ("ca", "daemon", "kiosk", "staff", "admin") for e in ("pem", "key")
    }
    assert all(stat.S_IMODE(os.stat(out / name).st_mode) == 0o600 for name in before)
    again = subprocess.run([PYTHON, "-m", "daemon.certs", "--out", str(out)], capture_output=True, text=True)
    assert again.returncode == 0 and "exist" in again.stdout
    assert {path.name: path.read_bytes() for path in out.iterdir()} == before
    forced = subprocess.run([PYTHON, "-m", "daemon.certs", "--out", str(out), "--force"], capture_output=True)
    assert forced.returncode == 0
    assert (out / "ca.pem").read_bytes() != before["ca.pem"]


def test_kiosk_certificate_is_refused_a_staff_rpc(
    tls_daemon: tuple[RunningDaemon, int], certs: IssuedCertificates
) -> None:
    daemon, port = tls_daemon
    with tls_channel(port, certs, "kiosk") as channel:
        devices = device_pb2_grpc.DeviceServiceStub(channel).ListDevices(
            device_pb2.ListDevicesRequest(), timeout=10
        )
        assert list(devices.devices) == []
        with pytest.raises(grpc.RpcError) as error:
            card_pb2_grpc.CardServiceStub(channel).ReadMyNumber(READ_REQUEST, timeout=10)
    assert error.value.code() == grpc.StatusCode.PERMISSION_DENIED
    assert error_reason(error.value) == "permission_denied"
    assert "1234" not in daemon.log()


@pytest.mark.parametrize("role", ["staff", "admin"])
def test_staff_and_admin_certificates_pass_the_role_check(
    tls_daemon: tuple[RunningDaemon, int], certs: IssuedCertificates, role: str
) -> None:
    _, port = tls_daemon
    with tls_channel(port, certs, role) as channel:
        try:
            card_pb2_grpc.CardServiceStub(channel).ReadMyNumber(READ_REQUEST, timeout=10)
        except grpc.RpcError as error:  # no card reader is configured: any refusal but the role's
            assert error.code() != grpc.StatusCode.PERMISSION_DENIED, error.details()
            assert error.code() != grpc.StatusCode.UNAVAILABLE or error_reason(error), error.details()


def test_client_without_certificate_cannot_connect(
    tls_daemon: tuple[RunningDaemon, int], certs: IssuedCertificates
) -> None:
    _, port = tls_daemon
    with tls_channel(port, certs, None) as channel, pytest.raises(grpc.RpcError) as error:
        device_pb2_grpc.DeviceServiceStub(channel).ListDevices(device_pb2.ListDevicesRequest(), timeout=5)
    assert error.value.code() == grpc.StatusCode.UNAVAILABLE
    assert not error_reason(error.value), "the handshake failed: no call reached the daemon"


def test_certificate_from_another_ca_cannot_connect(
    tls_daemon: tuple[RunningDaemon, int], certs: IssuedCertificates, tmp_path: Path
) -> None:
    _, port = tls_daemon
    foreign = issue_certificates(tmp_path / "foreign")
    # The client trusts the real CA (so the server passes) but presents an admin cert of another CA.
    credentials = grpc.ssl_channel_credentials(
        certs.ca.read_bytes(), foreign.key("admin").read_bytes(), foreign.cert("admin").read_bytes()
    )
    with (
        grpc.secure_channel(f"127.0.0.1:{port}", credentials) as channel,
        pytest.raises(grpc.RpcError) as error,
    ):
        device_pb2_grpc.DeviceServiceStub(channel).ListDevices(device_pb2.ListDevicesRequest(), timeout=5)
    assert error.value.code() == grpc.StatusCode.UNAVAILABLE
    assert not error_reason(error.value)


def test_plaintext_client_cannot_talk_to_the_tls_endpoint(tls_daemon: tuple[RunningDaemon, int]) -> None:
    _, port = tls_daemon
    with grpc.insecure_channel(f"127.0.0.1:{port}") as channel, pytest.raises(grpc.RpcError) as error:
        device_pb2_grpc.DeviceServiceStub(channel).ListDevices(device_pb2.ListDevicesRequest(), timeout=5)
    assert error.value.code() == grpc.StatusCode.UNAVAILABLE
