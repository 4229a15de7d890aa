"""The files of a virtual My Number card, built from a persona (own TLV encoder; no driver imports).

Keys: one test CA and one RSA-2048 user-auth key per persona, generated on first use and cached as PEM
in the state directory (when one is given) so that restarts are fast.
"""

from __future__ import annotations

import datetime
import hashlib
import logging
from dataclasses import dataclass, field
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.oid import NameOID

from simulators.personas import Persona

_LOGGER = logging.getLogger(__name__)

TEXT_AID = bytes.fromhex("D3921000310001010408")
JPKI_AID = bytes.fromhex("D392F000260100000001")
OTHER_AIDS = (
    bytes.fromhex("D3921000310001010402"),  # 券面AP
    bytes.fromhex("D3921000310001010401"),  # 住基AP
    bytes.fromhex("D3921000310001010100"),  # 共通AP
)
MY_NUMBER_ATR = bytes.fromhex("3B888001000041E0B381A1003B")
FOREIGN_ATR = bytes.fromhex("3B8F8001804F0CA0000003060300030000000068")  # a FeliCa-style transit card
_SEX_CODES = {"male": b"1", "female": b"2"}
_FULLWIDTH = str.maketrans("0123456789-", "０１２３４５６７８９－")


def tlv(tag: int, value: bytes) -> bytes:
    """Encode one TLV the way the card does: two-byte private tags, shortest length form."""
    tag_bytes = tag.to_bytes(2 if tag > 0xFF else 1, "big")
    size = len(value)
    if size < 0x80:
        length = bytes([size])
    elif size <= 0xFF:
        length = bytes([0x81, size])
    else:
        length = bytes([0x82]) + size.to_bytes(2, "big")
    return tag_bytes + length + value


def basic_info_ef(name: str, address: str, birth: str, sex: bytes, corrupt_offsets: bool = False) -> bytes:
    fields = [
        tlv(0xDF22, name.encode()),
        tlv(0xDF23, address.encode()),
        tlv(0xDF24, birth.encode()),
        tlv(0xDF25, sex),
    ]
    body_length = 11 + sum(len(item) for item in fields)  # DF21 TLV is 11 bytes
    header = 3 if body_length < 0x80 else (4 if body_length <= 0xFF else 5)
    offsets, position = [], header + 11
    for item in fields:
        offsets.append(position)
        position += len(item)
    if corrupt_offsets:
        offsets[1] += 1
    table = tlv(0xDF21, b"".join(offset.to_bytes(2, "big") for offset in offsets))
    return tlv(0xFF20, table + b"".join(fields))


@dataclass
class CardFiles:
    """EF contents per application, the PIN secrets and the private keys of one card."""

    text: dict[int, bytes] = field(default_factory=dict)
    jpki: dict[int, bytes] = field(default_factory=dict)
    secrets: dict[str, bytes] = field(default_factory=dict)
    auth_key: rsa.RSAPrivateKey | None = None
    basic_info_plain: bytes = b""
    basic_info_corrupt: bytes = b""


class KeyStore:
    """Test CA and per-persona keys, cached in ``state_dir`` (memory only when it is None)."""

    def __init__(self, state_dir: Path | None) -> None:
        self.state_dir = state_dir
        if state_dir is not None:
            state_dir.mkdir(parents=True, exist_ok=True)
        self._keys: dict[str, rsa.RSAPrivateKey] = {}
        self.ca_key = self.key("ca")
        self.ca_cert = self._ca_certificate()

    def key(self, name: str) -> rsa.RSAPrivateKey:
        if name in self._keys:
            return self._keys[name]
        path = self.state_dir / f"{name}.key.pem" if self.state_dir else None
        key: rsa.RSAPrivateKey | None = None
        if path is not None and path.exists():
            loaded = serialization.load_pem_private_key(path.read_bytes(), password=None)
            key = loaded if isinstance(loaded, rsa.RSAPrivateKey) else None
        if key is None:
            key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
            if path is not None:
                pem = key.private_bytes(
                    serialization.Encoding.PEM,
                    serialization.PrivateFormat.PKCS8,
                    serialization.NoEncryption(),
                )
                path.write_bytes(pem)
                path.chmod(0o600)
        self._keys[name] = key
        return key

    def _ca_certificate(self) -> x509.Certificate:
        name = x509.Name(
            [
                x509.NameAttribute(NameOID.COUNTRY_NAME, "JP"),
                x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Frontyard Test JPKI"),
                x509.NameAttribute(NameOID.COMMON_NAME, "Frontyard Test User Authentication CA"),
            ]
        )
        return self._issue(name, self.ca_key.public_key(), serial=1, ca=True)

    def _issue(
        self, subject: x509.Name, public_key: rsa.RSAPublicKey, serial: int, ca: bool
    ) -> x509.Certificate:
        now = datetime.datetime(2024, 1, 1, tzinfo=datetime.UTC)
        issuer = subject if ca else self.ca_cert.subject
        builder = (
            x509.CertificateBuilder()
            .subject_name(subject)
            .issuer_name(issuer)
            .public_key(public_key)
            .serial_number(serial)
            .not_valid_before(now)
            .not_valid_after(now + datetime.timedelta(days=3650))
            .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
        )
        return builder.sign(self.ca_key, hashes.SHA256())

    def user_certificate(self, persona_id: str, public_key: rsa.RSAPublicKey, label: str) -> x509.Certificate:
        # Like the real 利用者証明用 certificate: no personal data in the subject, only an opaque id.
        digest = hashlib.sha256(f"{label}:{persona_id}".encode()).digest()
        subject = x509.Name(
            [
                x509.NameAttribute(NameOID.COUNTRY_NAME, "JP"),
                x509.NameAttribute(NameOID.COMMON_NAME, digest[:12].hex().upper()),
            ]
        )
        return self._issue(subject, public_key, serial=int.from_bytes(digest[12:20], "big") | 1, ca=False)


def _integrity_record(ef_number: bytes, ef_basic: bytes, signer: rsa.RSAPrivateKey) -> bytes:
    start = ef_basic.index(b"\xdf\x22")
    hashes_part = tlv(0xDF31, hashlib.sha256(ef_number).digest()) + tlv(
        0xDF32, hashlib.sha256(ef_basic[start:]).digest()
    )
    signature = signer.sign(hashes_part, padding.PKCS1v15(), hashes.SHA256())
    body = hashes_part + bytes([0xDF, 0x33, 0x82, 0x01, 0x00]) + signature
    return bytes([0xFF, 0x30, 0x82]) + len(body).to_bytes(2, "big") + body


def token_ef() -> bytes:
    return b"JPKIAPICCTOKEN2".ljust(32, b" ") + bytes(128)


def build_card(persona: Persona, keys: KeyStore) -> CardFiles:
    """The files of ``persona``'s card (persona must have a card)."""
    if not persona.has_card or persona.my_number is None:
        raise ValueError(f"persona {persona.id} has no card")
    assert persona.text_pin
    assert persona.auth_pin
    assert persona.sign_pin
    address = persona.household.address.translate(_FULLWIDTH)
    birth = persona.birth_date.replace("-", "")
    basic = basic_info_ef(persona.full_name, address, birth, _SEX_CODES[persona.sex])
    corrupt = basic_info_ef(persona.full_name, address, birth, _SEX_CODES[persona.sex], corrupt_offsets=True)
    number = b"\xff\x10\x0c" + persona.my_number.encode() + b"\xff\xff"
    auth_key = keys.key(f"auth-{persona.id}")
    auth_cert = keys.user_certificate(persona.id, auth_key.public_key(), "auth")
    sign_cert = keys.user_certificate(persona.id, auth_key.public_key(), "sign")
    ca_der = keys.ca_cert.public_bytes(serialization.Encoding.DER)
    expiry_year = "2035"
    era_birth = f"{(int(birth[:4]) - 1988) % 100:02d}{birth[4:]}"  # approximate 和暦 YYMMDD
    files = CardFiles(
        text={
            0x0001: number,
            0x0002: basic,
            0x0003: _integrity_record(number, basic, keys.ca_key),
            0x0004: bytes([0x7F, 0x21, 0x82, 0x02, 0x33]) + bytes(563),
            0x0005: bytes.fromhex("FF4082009F") + bytes(159),
        },
        jpki={
            0x0001: sign_cert.public_bytes(serialization.Encoding.DER),
            0x0002: ca_der,
            0x0006: token_ef(),
            0x0008: bytes([0x8F, 0x8F, 0x00]),
            0x000A: auth_cert.public_bytes(serialization.Encoding.DER),
            0x000B: ca_der,
        },
        secrets={
            "text": persona.text_pin.encode(),
            "auth": persona.auth_pin.encode(),
            "sign": persona.sign_pin.upper().encode(),
            "text_a": persona.my_number.encode(),
            "text_b": f"{era_birth}{expiry_year}0000".encode(),
        },
        auth_key=auth_key,
        basic_info_plain=basic,
        basic_info_corrupt=corrupt,
    )
    _LOGGER.debug("built card files for persona %s", persona.id)
    return files
