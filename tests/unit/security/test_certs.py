"""daemon.certs: a CA, a server certificate and one client certificate per role, private and idempotent."""

from __future__ import annotations

import ipaddress
import os
import stat
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import load_pem_private_key
from cryptography.x509.oid import ExtendedKeyUsageOID

from daemon.certs import ROLES, CertificateError, issue_certificates, main
from daemon.config import Role
from daemon.roles import role_from_certificate


@pytest.fixture(scope="module")
def issued(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return issue_certificates(tmp_path_factory.mktemp("certs") / "out", hosts=("kiosk-01.local",)).directory


def load(path: Path) -> x509.Certificate:
    return x509.load_pem_x509_certificate(path.read_bytes())


def test_every_certificate_is_issued_by_the_ca_with_p256_keys(issued: Path) -> None:
    ca = load(issued / "ca.pem")
    assert ca.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    for name in ("daemon", *ROLES):
        certificate = load(issued / f"{name}.pem")
        certificate.verify_directly_issued_by(ca)
        key = load_pem_private_key((issued / f"{name}.key").read_bytes(), password=None)
        assert isinstance(key, ec.EllipticCurvePrivateKey) and key.curve.name == "secp256r1"
        assert key.public_key().public_numbers() == certificate.public_key().public_numbers()  # type: ignore[union-attr]


@pytest.mark.parametrize("role", ROLES)
def test_client_certificate_carries_its_role(issued: Path, role: str) -> None:
    certificate = load(issued / f"{role}.pem")
    assert role_from_certificate((issued / f"{role}.pem").read_bytes()) is Role[role.upper()]
    usage = certificate.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
    assert list(usage) == [ExtendedKeyUsageOID.CLIENT_AUTH]


def test_server_certificate_names_loopback_and_extra_hosts(issued: Path) -> None:
    certificate = load(issued / "daemon.pem")
    names = certificate.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert ipaddress.ip_address("127.0.0.1") in names.get_values_for_type(x509.IPAddress)
    assert {"localhost", "kiosk-01.local"} <= set(names.get_values_for_type(x509.DNSName))
    assert role_from_certificate((issued / "daemon.pem").read_bytes()) is None, "the server is no role"


def test_files_are_private(issued: Path) -> None:
    assert stat.S_IMODE(os.stat(issued).st_mode) == 0o700
    modes = {path.name: stat.S_IMODE(os.stat(path).st_mode) for path in issued.iterdir()}
    assert len(modes) == 10 and set(modes.values()) == {0o600}


def test_idempotent_then_completes_then_forced(tmp_path: Path) -> None:
    first = issue_certificates(tmp_path / "c")
    assert len(first.created) == 10
    again = issue_certificates(tmp_path / "c")
    assert again.created == ()
    (tmp_path / "c" / "staff.pem").unlink()
    completed = issue_certificates(tmp_path / "c")
    assert set(completed.created) == {"staff.pem", "staff.key"}
    load(tmp_path / "c" / "staff.pem").verify_directly_issued_by(load(tmp_path / "c" / "ca.pem"))
    ca_before = (tmp_path / "c" / "ca.pem").read_bytes()
    forced = issue_certificates(tmp_path / "c", force=True)
    assert len(forced.created) == 10 and (tmp_path / "c" / "ca.pem").read_bytes() != ca_before


def test_leaves_without_their_ca_need_force(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    issue_certificates(tmp_path / "c")
    (tmp_path / "c" / "ca.key").unlink()
    with pytest.raises(CertificateError, match="--force"):
        issue_certificates(tmp_path / "c")
    assert main(["--out", str(tmp_path / "c")]) == 1
    assert "--force" in capsys.readouterr().err
    assert main(["--out", str(tmp_path / "c"), "--force"]) == 0
