"""``python -m daemon.certs --out certs``: a local CA and the mutual-TLS certificates of one deployment.

Issues, with ECDSA P-256 keys (``cryptography``), into the output directory (mode 0700, every file 0600):

    ca.pem / ca.key              the deployment's own certificate authority (never leaves the kiosk host)
    daemon.pem / daemon.key      the daemon's server certificate (SAN: localhost, 127.0.0.1, ::1, --host …)
    kiosk.pem / kiosk.key        a client certificate per role; the role is the subject's OU
    staff.pem / staff.key        (daemon/roles.py ``role_from_certificate``)
    admin.pem / admin.key

Idempotent: files that exist are kept (missing leaves are issued with the existing CA); ``--force``
issues everything again. A TCP endpoint uses ``tls_ca = ca.pem``, ``tls_cert = daemon.pem``,
``tls_key = daemon.key``; a client presents ``<role>.pem`` + ``<role>.key`` and trusts ``ca.pem``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import ipaddress
import logging
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

_LOGGER = logging.getLogger(__name__)

ROLES = ("kiosk", "staff", "admin")
ORGANIZATION = "Frontyard"
CA_DAYS = 3650
LEAF_DAYS = 825
DEFAULT_HOSTS = ("localhost", "127.0.0.1", "::1")


class CertificateError(Exception):
    """The output directory holds files that cannot be used or completed without ``--force``."""


@dataclass(frozen=True)
class IssuedCertificates:
    """Where each file is, and which of them this run wrote."""

    directory: Path
    created: tuple[str, ...] = field(default=())

    @property
    def ca(self) -> Path:
        return self.directory / "ca.pem"

    def cert(self, name: str) -> Path:
        """``name`` is "daemon" or a role ("kiosk", "staff", "admin")."""
        return self.directory / f"{name}.pem"

    def key(self, name: str) -> Path:
        return self.directory / f"{name}.key"


def _write_private(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` with mode 0600 from the first byte on, replacing it atomically."""
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.unlink(missing_ok=True)
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(data)
    os.replace(temporary, path)


def _key_pem(key: ec.EllipticCurvePrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


def _name(common_name: str, unit: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, ORGANIZATION),
            x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, unit),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )


def _issue_ca(days: int) -> tuple[x509.Certificate, ec.EllipticCurvePrivateKey]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = _name("Frontyard local CA", "ca")
    now = dt.datetime.now(dt.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    return certificate, key


def _subject_alternative_names(hosts: tuple[str, ...]) -> list[x509.GeneralName]:
    names: list[x509.GeneralName] = []
    for host in dict.fromkeys(hosts):
        try:
            names.append(x509.IPAddress(ipaddress.ip_address(host)))
        except ValueError:
            names.append(x509.DNSName(host))
    return names


def _issue_leaf(
    ca: x509.Certificate,
    ca_key: ec.EllipticCurvePrivateKey,
    name: str,
    *,
    hosts: tuple[str, ...],
    days: int,
) -> tuple[x509.Certificate, ec.EllipticCurvePrivateKey]:
    """The daemon's server certificate (``name == "daemon"``) or a role's client certificate."""
    key = ec.generate_private_key(ec.SECP256R1())
    server = name == "daemon"
    usage = ExtendedKeyUsageOID.SERVER_AUTH if server else ExtendedKeyUsageOID.CLIENT_AUTH
    now = dt.datetime.now(dt.UTC)
    builder = (
        x509.CertificateBuilder()
        .subject_name(_name(f"frontyard-{name}", "daemon" if server else name))
        .issuer_name(ca.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([usage]), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False
        )
    )
    if server:
        builder = builder.add_extension(
            x509.SubjectAlternativeName(_subject_alternative_names(hosts)), critical=False
        )
    return builder.sign(ca_key, hashes.SHA256()), key


def _load_ca(directory: Path) -> tuple[x509.Certificate, ec.EllipticCurvePrivateKey]:
    try:
        certificate = x509.load_pem_x509_certificate((directory / "ca.pem").read_bytes())
        key = serialization.load_pem_private_key((directory / "ca.key").read_bytes(), password=None)
    except (OSError, ValueError) as exc:
        raise CertificateError(f"{directory}: the existing CA cannot be read ({exc}); use --force") from None
    if not isinstance(key, ec.EllipticCurvePrivateKey):
        raise CertificateError(f"{directory}/ca.key is not an EC key; use --force")
    return certificate, key


def issue_certificates(
    directory: Path,
    *,
    force: bool = False,
    hosts: tuple[str, ...] = (),
    days: int = LEAF_DAYS,
) -> IssuedCertificates:
    """Issue whatever is missing in ``directory`` (everything with ``force``); return the file set."""
    directory.mkdir(parents=True, exist_ok=True)
    os.chmod(directory, 0o700)
    leaves = ("daemon", *ROLES)
    created: list[str] = []
    have_ca = (directory / "ca.pem").is_file() and (directory / "ca.key").is_file()
    if force or not have_ca:
        existing = [name for name in leaves if (directory / f"{name}.pem").exists()]
        if existing and not force:
            raise CertificateError(
                f"{directory}: {', '.join(existing)} exist but the CA does not; "
                "use --force to issue everything again"
            )
        ca, ca_key = _issue_ca(CA_DAYS)
        _write_private(directory / "ca.key", _key_pem(ca_key))
        _write_private(directory / "ca.pem", ca.public_bytes(serialization.Encoding.PEM))
        created += ["ca.pem", "ca.key"]
    else:
        ca, ca_key = _load_ca(directory)
    for name in leaves:
        cert_path, key_path = directory / f"{name}.pem", directory / f"{name}.key"
        if not force and cert_path.is_file() and key_path.is_file() and "ca.pem" not in created:
            continue
        certificate, key = _issue_leaf(ca, ca_key, name, hosts=(*DEFAULT_HOSTS, *hosts), days=days)
        _write_private(key_path, _key_pem(key))
        _write_private(cert_path, certificate.public_bytes(serialization.Encoding.PEM))
        created += [cert_path.name, key_path.name]
    for path in directory.iterdir():
        if path.suffix in (".pem", ".key"):
            os.chmod(path, 0o600)
    _LOGGER.info("certificates ready", extra={"directory": str(directory), "issued": len(created)})
    return IssuedCertificates(directory, tuple(created))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m daemon.certs",
        description="Issue a local CA, the daemon's server certificate and one client certificate per role "
        "(OU=kiosk|staff|admin) for the daemon's mutual-TLS TCP endpoints. ECDSA P-256; files 0600.",
        epilog="Existing files are kept unless --force. Configure a TCP endpoint with tls_ca = ca.pem, "
        "tls_cert = daemon.pem, tls_key = daemon.key.",
    )
    parser.add_argument("--out", type=Path, default=Path("certs"), help="output directory (default: certs)")
    parser.add_argument("--force", action="store_true", help="issue everything again, CA included")
    parser.add_argument(
        "--host",
        action="append",
        default=[],
        help="extra DNS name or IP address for the daemon certificate (repeatable)",
    )
    parser.add_argument("--days", type=int, default=LEAF_DAYS, help=f"leaf validity (default {LEAF_DAYS})")
    args = parser.parse_args(argv)
    try:
        issued = issue_certificates(args.out, force=args.force, hosts=tuple(args.host), days=args.days)
    except (CertificateError, OSError) as exc:
        print(f"daemon.certs: {exc}", file=sys.stderr)
        return 1
    if issued.created:
        print(f"{args.out}: issued {', '.join(issued.created)}")
    else:
        print(f"{args.out}: every certificate exists (use --force to issue them again)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
