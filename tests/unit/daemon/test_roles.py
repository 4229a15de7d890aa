import datetime as dt

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from google.protobuf import descriptor_pool
from kiosk.v1 import card_pb2, device_pb2  # noqa: F401 - registers the services in the pool

from daemon.config import Role
from daemon.roles import required_role, role_from_certificate

KIOSK_SERVICES = [
    "kiosk.v1.DeviceService",
    "kiosk.v1.CardService",
]


@pytest.mark.parametrize("service_name", KIOSK_SERVICES)
def test_every_method_declares_its_role(service_name: str) -> None:
    service = descriptor_pool.Default().FindServiceByName(service_name)
    for method in service.methods:
        declared = required_role(f"/{service_name}/{method.name}")
        assert method.GetOptions().ListFields(), f"{method.full_name} declares no required_role"
        assert declared in (Role.KIOSK, Role.STAFF, Role.ADMIN)


def test_declared_roles() -> None:
    assert required_role("/kiosk.v1.DeviceService/ListDevices") is Role.KIOSK
    assert required_role("/kiosk.v1.CardService/ReadMyNumber") is Role.STAFF
    assert required_role("/kiosk.v1.Nope/Nothing") is Role.ADMIN


def certificate_with_unit(unit: str) -> bytes:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, "counter-1"),
            x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, unit),
        ]
    )
    now = dt.datetime.now(dt.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(1)
        .not_valid_before(now)
        .not_valid_after(now + dt.timedelta(days=1))
        .sign(key, hashes.SHA256())
    )
    from cryptography.hazmat.primitives.serialization import Encoding

    return certificate.public_bytes(Encoding.PEM)


def test_role_from_certificate_unit() -> None:
    assert role_from_certificate(certificate_with_unit("staff")) is Role.STAFF
    assert role_from_certificate(certificate_with_unit("kiosk")) is Role.KIOSK
    assert role_from_certificate(certificate_with_unit("visitors")) is None
