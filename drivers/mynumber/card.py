"""``pcsc://<reader-name-pattern>``: the My Number card reader as a Frontyard device.

The pattern is a case-insensitive substring of the PC/SC reader name, URL-quoted
(``pcsc://Virtual%20PCD%2000%2000``; ``pcsc://`` alone takes the first reader).

| operation                      | card application        | PIN        | APDUs (primed card)        |
|--------------------------------|-------------------------|------------|----------------------------|
| ``card_status()``              | text AP SELECT          | –          | 1                          |
| ``pin_tries_left(kind)``       | SELECT AP + IEF, query  | –          | ≤ 3, consumes no try       |
| ``read_basic_info(pin)``       | text AP EF 0002         | text (4)   | 2 (VERIFY + SFI READ), ≤ 4 |
| ``read_my_number(pin)``        | text AP EF 0001         | text (4)   | 2, ≤ 4                     |
| ``check_integrity(pin)``       | text AP EF 0001-0003    | text (4)   | 4, ≤ 8                     |
| ``read_auth_certificate()``    | JPKI EF 000A            | –          | SELECTs + 256-byte READs   |
| ``authenticate(pin, chal.)``   | JPKI key 0017           | auth (4)   | VERIFY, SELECT, SIGN + cert|

``pin_tries_left(PinKind.TEXT)`` right after the card arrives primes the card (text AP and PIN IEF
selected, counter read) while the resident types, so the PIN costs only VERIFY + one short-EF-id READ.
Cards that refuse the short-EF-id READ get SELECT + READ, remembered per ATR. After every PIN operation
the card is powered off, which clears its verified state. A VERIFY is never retried by the driver.
"""

from __future__ import annotations

import logging
import threading
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TypeVar

from drivers.base import DeviceBusy, DeviceHealth, DeviceKind, DriverInfo, parse_device_uri
from drivers.mynumber import apdu, jpki, text_ap
from drivers.mynumber.errors import (
    CardError,
    CardRemoved,
    InvalidPinFormat,
    NotMyNumberCard,
    PinBlocked,
    WrongPin,
)
from drivers.mynumber.jpki import AuthResult, CertificateInfo
from drivers.mynumber.model import CardStatus, CardTransport, PinKind, ReaderEvent, ReaderEventKind
from drivers.mynumber.text_ap import BasicInfo
from drivers.mynumber.tlv import TlvError, parse_one

if TYPE_CHECKING:
    from drivers.licence import DriversLicenceReader

_LOGGER = logging.getLogger(__name__)
_T = TypeVar("_T")

DRIVER = DriverInfo(
    name="mynumber",
    kind=DeviceKind.CARD_READER,
    schemes=("pcsc",),
    summary="My Number card (個人番号カード) over PC/SC: 基本4情報, 個人番号, JPKI user authentication",
)
_PIN_KEYS = {
    PinKind.TEXT: (text_ap.AID, text_ap.EF_PIN),
    PinKind.AUTH: (jpki.AID, jpki.EF_AUTH_PIN),
    PinKind.SIGN: (jpki.AID, jpki.EF_SIGN_PIN),
}
_REFUSED_SW = frozenset({0x6A86, 0x6A81, 0x6D00, 0x6E00, 0x6B00, 0x6A82, 0x6700})
_CHUNK = 256
PinInput = str | bytes | bytearray


@dataclass
class _Session:
    """What the driver knows about the card in the reader since it connected."""

    atr: bytes
    df: bytes | None = None
    ef: int | None = None
    tries: dict[PinKind, int] = field(default_factory=dict)
    checked: bool = True  # handle validated in this operation


def _pin_buffer(pin: PinInput, kind: PinKind) -> bytearray:
    """The PIN as ASCII bytes after a format check; the caller zeroes it."""
    buffer = bytearray(pin.encode("ascii", errors="replace") if isinstance(pin, str) else pin)
    if kind is PinKind.SIGN:
        buffer = bytearray(buffer.upper())
        valid = 6 <= len(buffer) <= 16 and all(chr(b).isascii() and chr(b).isalnum() for b in buffer)
        valid = valid and any(chr(b).isdigit() for b in buffer) and any(chr(b).isalpha() for b in buffer)
    else:
        valid = len(buffer) == 4 and all(0x30 <= b <= 0x39 for b in buffer)
    if not valid:
        buffer[:] = bytes(len(buffer))
        raise InvalidPinFormat(f"{kind.value} PIN has the wrong format; nothing was sent to the card")
    return buffer


class MyNumberCardReader:
    """A My Number card in one PC/SC reader. Synchronous; one operation at a time (else ``DeviceBusy``)."""

    def __init__(self, transport: CardTransport, uri: str = "") -> None:
        self.uri = uri
        self._transport = transport
        self._session: _Session | None = None
        self._stale = False
        self._short_ef_refused: dict[bytes, bool] = {}
        self._busy = threading.Lock()
        self._licence: DriversLicenceReader | None = None
        self.last_operation_apdus = 0

    # -- Device protocol -------------------------------------------------------------------------------
    def open(self) -> None:
        self._transport.reader_name()

    def close(self) -> None:
        self._session = None
        self._transport.close()

    def check_health(self) -> DeviceHealth:
        name = self._transport.reader_name()
        present = self._transport.card_present()
        return DeviceHealth(ready=True, reasons=("card-present",) if present else (), model=name)

    # -- readers and events ----------------------------------------------------------------------------
    def list_readers(self) -> list[str]:
        return self._transport.list_readers()

    def wait_for_change(self, timeout_s: float) -> list[ReaderEvent]:
        """Reader/card changes of the matching reader(s) within ``timeout_s`` (safe on another thread)."""
        events = self._transport.wait_for_change(timeout_s)
        if any(e.kind in (ReaderEventKind.CARD_REMOVED, ReaderEventKind.CARD_INSERTED) for e in events):
            self._stale = True
            if self._licence is not None:
                self._licence.forget()
        return events

    def licence(self) -> DriversLicenceReader:
        """The 運転免許証 driver (drivers.licence) on this reader's transport; call it on the same worker.
        This reader forgets its card state, so its next operation reconnects."""
        from drivers.licence import DriversLicenceReader

        self._stale = True
        if self._licence is None:
            self._licence = DriversLicenceReader(self._transport)
        return self._licence

    # -- operations ------------------------------------------------------------------------------------
    def card_status(self) -> CardStatus:
        """Whether a card is present and is a My Number card (one SELECT)."""

        def run() -> CardStatus:
            if not self._transport.card_present():
                return CardStatus.NO_CARD
            try:
                self._select_df(text_ap.AID)
            except NotMyNumberCard:
                return CardStatus.OTHER_CARD
            return CardStatus.MY_NUMBER_CARD

        return self._run(run)

    def pin_tries_left(self, kind: PinKind = PinKind.TEXT) -> int:
        """Tries left for ``kind`` (no try consumed); leaves the card primed for that PIN."""
        return self._run(lambda: self._prime(kind))

    def read_basic_info(self, pin: PinInput) -> BasicInfo:
        """基本4情報 after the 4-digit text PIN (VERIFY + READ of EF 0002)."""

        def run() -> BasicInfo:
            self._verify(PinKind.TEXT, pin)
            data = self._read_ef(text_ap.SFI_BASIC_INFO, text_ap.EF_BASIC_INFO)
            return text_ap.parse_basic_info(data)

        return self._run(run, power_off=True)

    def read_my_number(self, pin: PinInput) -> str:
        """The 12-digit 個人番号 (check digit validated). Staff role only; never log the result."""

        def run() -> str:
            self._verify(PinKind.TEXT, pin)
            return text_ap.parse_my_number(self._read_ef(text_ap.SFI_MY_NUMBER, text_ap.EF_MY_NUMBER))

        return self._run(run, power_off=True)

    def check_integrity(self, pin: PinInput) -> None:
        """Raise ``CardIntegrityError`` unless EF 0001/0002 match their SHA-256 in EF 0003."""

        def run() -> None:
            self._verify(PinKind.TEXT, pin)
            number = self._read_ef(text_ap.SFI_MY_NUMBER, text_ap.EF_MY_NUMBER)
            basic = self._read_ef(text_ap.SFI_BASIC_INFO, text_ap.EF_BASIC_INFO)
            record = self._read_ef(text_ap.SFI_INTEGRITY, text_ap.EF_INTEGRITY)
            text_ap.verify_integrity(number, basic, record)

        self._run(run, power_off=True)

    def read_auth_certificate(self) -> CertificateInfo:
        """The 利用者証明用電子証明書 (free to read; it holds no 基本4情報)."""
        return self._run(lambda: jpki.parse_certificate(self._read_certificate(jpki.EF_AUTH_CERT)))

    def authenticate(self, pin: PinInput, challenge: bytes) -> AuthResult:
        """Sign ``challenge`` with the user-auth key after its PIN and verify it against the certificate."""

        def run() -> AuthResult:
            self._verify(PinKind.AUTH, pin)
            self._select_ef(jpki.EF_AUTH_KEY)
            command = apdu.sign(jpki.digest_info_sha256(challenge))
            signature = apdu.check(self._send(command), "sign challenge").data
            certificate = jpki.parse_certificate(self._read_certificate(jpki.EF_AUTH_CERT))
            valid = jpki.verify_signature(certificate.der, challenge, signature)
            return AuthResult(certificate.subject, certificate.serial, signature, valid)

        return self._run(run, power_off=True)

    # -- internals -------------------------------------------------------------------------------------
    def _run(self, operation: Callable[[], _T], power_off: bool = False) -> _T:
        if not self._busy.acquire(blocking=False):
            raise DeviceBusy("another card operation is running")
        self.last_operation_apdus = 0
        if self._session is not None:
            self._session.checked = False
        try:
            result = operation()
        except CardRemoved:
            self._session = None
            raise
        except WrongPin:
            raise  # keep the primed card for the resident's next attempt
        except BaseException:
            if power_off and self._session is not None:
                self._end_session()
            raise
        else:
            if power_off and self._session is not None:
                self._end_session()
            return result
        finally:
            self._busy.release()

    def _end_session(self) -> None:
        self._session = None
        try:
            self._transport.disconnect(unpower=True)
        except CardError:
            _LOGGER.debug("power-off after operation failed", exc_info=True)

    def _ensure_session(self) -> _Session:
        if self._stale:
            self._stale = False
            if self._session is not None:
                self._end_session()
        if self._session is not None and not self._session.checked:
            self._session.checked = True
            if not self._transport.still_connected():  # the card was swapped since the last operation
                self._session = None
        if self._session is None:
            self._session = _Session(atr=self._transport.connect())
        return self._session

    def _send(self, command: bytes | bytearray) -> apdu.Response:
        self._ensure_session()
        self.last_operation_apdus += 1
        return apdu.parse_response(self._transport.transmit(command))

    def _select_df(self, aid: bytes) -> None:
        session = self._ensure_session()
        if session.df == aid:
            return
        response = self._send(apdu.select_df(aid))
        if response.sw in (0x6A82, 0x6A86, 0x6D00, 0x6E00):
            raise NotMyNumberCard(code=response.sw)
        apdu.check(response, "select application")
        session.df, session.ef = aid, None

    def _select_ef(self, fid: int) -> None:
        session = self._ensure_session()
        if session.ef == fid:
            return
        apdu.check(self._send(apdu.select_ef(fid)), f"select EF {fid:04X}")
        session.ef = fid

    def _prime(self, kind: PinKind) -> int:
        aid, pin_ef = _PIN_KEYS[kind]
        self._select_df(aid)
        self._select_ef(pin_ef)
        response = self._send(apdu.verify_query())
        if response.sw == 0x9000:
            tries = kind.max_tries  # already verified since power-on: the card reports no count
        elif response.sw & 0xFFF0 == 0x63C0:
            tries = response.sw & 0x0F
        elif response.sw == 0x6984:
            tries = 0
        else:
            raise apdu.status_error(response.sw, f"{kind.value} PIN retry query")
        assert self._session is not None
        self._session.tries[kind] = tries
        return tries

    def _verify(self, kind: PinKind, pin: PinInput) -> None:
        buffer = _pin_buffer(pin, kind)
        command = bytearray()
        try:
            session = self._ensure_session()
            aid, pin_ef = _PIN_KEYS[kind]
            if kind not in session.tries or session.df != aid or session.ef != pin_ef:
                self._prime(kind)
            if session.tries.get(kind) == 0:
                raise PinBlocked(f"{kind.value} PIN blocked (not sent)")
            self.last_operation_apdus = 0  # count from the PIN on
            command = apdu.verify(buffer)
            response = self._send(command)
            if response.sw & 0xFFF0 == 0x63C0:
                session.tries[kind] = response.sw & 0x0F
            elif response.sw == 0x6984:
                session.tries[kind] = 0
            apdu.check(response, f"verify {kind.value} PIN")
        finally:
            buffer[:] = bytes(len(buffer))
            command[:] = bytes(len(command))

    def _read_ef(self, sfi: int, fid: int) -> bytes:
        session = self._ensure_session()
        if not self._short_ef_refused.get(session.atr, False):
            response = self._send(apdu.read_binary_sfi(sfi, _CHUNK))
            if response.ok:
                session.ef = fid
                return self._read_rest(response.data)
            if response.sw not in _REFUSED_SW:
                apdu.check(response, f"read EF {fid:04X}")
            _LOGGER.info("card refuses short-EF-id READ BINARY (SW=%04X); using SELECT + READ", response.sw)
            self._short_ef_refused[session.atr] = True
        self._select_ef(fid)
        first = apdu.check(self._send(apdu.read_binary(0, _CHUNK)), f"read EF {fid:04X}")
        return self._read_rest(first.data)

    def _read_rest(self, data: bytes) -> bytes:
        """Continue reading the current EF until its outer TLV (or the file) is complete."""
        try:
            head = parse_one(data + bytes(0x10000), 0) if len(data) >= 2 else None
            total = head.header_length + len(head.value) if head else len(data)
        except TlvError:
            total = len(data)
        while len(data) < total and len(data) % _CHUNK == 0 and len(data) <= 0x7FFF:
            response = self._send(apdu.read_binary(len(data), min(_CHUNK, total - len(data))))
            if response.sw == 0x6B00 or not response.data:
                break
            data += apdu.check(response, "read binary").data
        return data

    def _read_certificate(self, fid: int) -> bytes:
        self._select_df(jpki.AID)
        self._select_ef(fid)
        data = apdu.check(self._send(apdu.read_binary(0, _CHUNK)), f"read EF {fid:04X}").data
        total = jpki.certificate_length(data[:4])
        while len(data) < total:
            chunk = min(_CHUNK, total - len(data))
            data += apdu.check(self._send(apdu.read_binary(len(data), chunk)), "read certificate").data
        return data[:total]


def reader_pattern(uri: str) -> str:
    """The reader-name pattern of a ``pcsc://`` URI (case preserved, %-decoded)."""
    parse_device_uri(uri, DRIVER.schemes)
    parts = urllib.parse.urlsplit(uri)
    return urllib.parse.unquote(parts.netloc + parts.path).strip("/")


def open_device(uri: str) -> MyNumberCardReader:
    """A reader for ``pcsc://<pattern>`` over pcscd (not connected until used)."""
    from drivers.mynumber.transport import PcscTransport

    return MyNumberCardReader(PcscTransport(reader_pattern(uri)), uri=uri)


__all__ = ["DRIVER", "MyNumberCardReader", "open_device", "reader_pattern"]
