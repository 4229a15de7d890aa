"""JPKI-AP (公的個人認証AP): 利用者証明用 certificate parsing and signature verification.

Pure, no I/O. The card signs a PKCS#1 v1.5 ``DigestInfo`` with ``80 2A 00 80`` after the auth PIN
(EF 0018) is verified and the key EF 0017 selected; :func:`verify_signature` checks the result against the
利用者証明用 certificate (EF 000A), which carries no 基本4情報.
"""

from __future__ import annotations

import datetime
import hashlib
from dataclasses import dataclass

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from drivers.mynumber.errors import CardDataError

AID = bytes.fromhex("D392F000260100000001")
EF_TOKEN = 0x0006
EF_AUTH_CERT = 0x000A
EF_AUTH_CA_CERT = 0x000B
EF_AUTH_KEY = 0x0017
EF_AUTH_PIN = 0x0018
EF_SIGN_PIN = 0x001B
SHA256_DIGEST_INFO_PREFIX = bytes.fromhex("3031300D060960864801650304020105000420")


@dataclass(frozen=True)
class CertificateInfo:
    """The parts of an X.509 certificate the counter shows (the auth cert holds no personal data)."""

    subject: str
    issuer: str
    serial: int
    not_before: datetime.datetime
    not_after: datetime.datetime
    key_bits: int
    der: bytes


@dataclass(frozen=True)
class AuthResult:
    """Outcome of a challenge signed with the 利用者証明用 key."""

    subject: str
    serial: int
    signature: bytes
    signature_valid: bool


def digest_info_sha256(message: bytes) -> bytes:
    """PKCS#1 v1.5 DigestInfo of SHA-256(message), the data the card signs."""
    return SHA256_DIGEST_INFO_PREFIX + hashlib.sha256(message).digest()


def certificate_length(head: bytes) -> int:
    """Total DER length from the first 4 bytes (``30 82 LL LL``) of a certificate EF."""
    if len(head) < 4 or head[0] != 0x30 or head[1] != 0x82:
        raise CardDataError("certificate EF does not start with a DER SEQUENCE 30 82")
    return 4 + int.from_bytes(head[2:4], "big")


def parse_certificate(der: bytes) -> CertificateInfo:
    try:
        certificate = x509.load_der_x509_certificate(der)
    except ValueError as exc:
        raise CardDataError("certificate on the card cannot be parsed") from exc
    public_key = certificate.public_key()
    bits = public_key.key_size if isinstance(public_key, rsa.RSAPublicKey) else 0
    return CertificateInfo(
        subject=certificate.subject.rfc4514_string(),
        issuer=certificate.issuer.rfc4514_string(),
        serial=certificate.serial_number,
        not_before=certificate.not_valid_before_utc,
        not_after=certificate.not_valid_after_utc,
        key_bits=bits,
        der=der,
    )


def verify_signature(certificate_der: bytes, message: bytes, signature: bytes) -> bool:
    """True if ``signature`` is a PKCS#1 v1.5 SHA-256 signature of ``message`` by the cert's RSA key."""
    public_key = x509.load_der_x509_certificate(certificate_der).public_key()
    if not isinstance(public_key, rsa.RSAPublicKey):
        return False
    try:
        public_key.verify(signature, message, padding.PKCS1v15(), hashes.SHA256())
    except InvalidSignature:
        return False
    return True
