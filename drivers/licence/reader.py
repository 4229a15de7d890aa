"""The 運転免許証 IC chip (ISO 14443 Type B) through the My Number reader's PC/SC transport.

Uses the same :class:`drivers.mynumber.model.CardTransport` and APDU builders as the My Number driver.
Sequence (numbers are APDUs):

- :meth:`probe` (card arrives, no PIN): SELECT MF ``00 A4 00 00``; SELECT ``2F01``; READ 17 (共通データ).
- :meth:`pin_status` (no PIN, no try used): READ ``00 B0 8A 00 03`` (EF 000A by short EF id: PIN
  chosen?); ``00 20 00 81`` (PIN1 tries left).
- :meth:`read_licence` (primed): VERIFY ``00 20 00 81 04 PIN``; SELECT DF1; READ ``00 B0 81 00 00 03 70``
  (EF 0001 by short EF id, extended Le 880); READ ``00 B0 83 …`` (EF 0003, only when a 外字 is used).

After the PIN it costs 4 APDUs (5 when a 外字 3–7 needs EF05). TRETJapanNFCReader reads 記載事項 in 9
(SELECT MF, SELECT 000A, READ, SELECT MF, SELECT IEF 0001, VERIFY, SELECT DF1, SELECT EF 0001,
READ 880). A card that refuses the short-EF-id READ (``B0 8x``) gets SELECT + READ; one that
refuses extended Le gets 256-byte chunks; both remembered per ATR (⚠ no source shows a licence
answering ``B0 8x`` or extended Le; the TRET reader asks Le 880 in one READ, which iOS sends as
extended). ``00 20 00 81``: VERIFY P2 = 80 | short EF id 1 = MF IEF01 (PIN1), per the
specification's P2 coding as the takusan23 blog quotes it (v009 p.24); a blocked PIN answers
``6984`` there (observed on a card, same blog). PIN1: 4 digits, 3 tries, never changeable, reset
only by the 公安委員会 (Perl reader quoting §3(2)カ(ア)). When EF 000A says no PIN was chosen, the card's
PIN1 is ``****`` (``2A2A2A2A``) and the driver sends that instead of asking the resident.

A VERIFY is never retried; the PIN buffer and the command are zeroed after sending; the card is powered off
after every read, which clears its security state. PIN2 (本籍, photo) is never used.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from drivers.base import DeviceBusy
from drivers.licence import records
from drivers.licence.errors import LicenceDataError, LicencePinBlocked, NotDriversLicence
from drivers.licence.records import CommonData, DriversLicence
from drivers.mynumber import apdu
from drivers.mynumber.errors import CardError, CardRemoved, InvalidPinFormat, WrongPin
from drivers.mynumber.model import CardTransport

_LOGGER = logging.getLogger(__name__)
_T = TypeVar("_T")

# MF → DF1: A0 00 00 02 31 01 + ten 00 (TRET selectDF1; Java commnadDF01; Perl $df1; 16 bytes)
DF1_AID = bytes.fromhex("A0000002310100000000000000000000")
EF_COMMON = 0x2F01
EF_PIN_SETTING = 0x000A
PIN1_P2 = 0x81  # VERIFY P2: 80 | short EF id of MF IEF01
SFI_MATTERS, SFI_GAIJI, SFI_GAIJI_CHANGES, SFI_PIN_SETTING = 0x01, 0x03, 0x05, 0x0A
FID_MATTERS, FID_GAIJI, FID_GAIJI_CHANGES = 0x0001, 0x0003, 0x0005
SIZE_MATTERS, SIZE_GAIJI, SIZE_GAIJI_CHANGES = 880, 264, 663  # Java DF1EF1length / EF3 / EF5
DEFAULT_PIN = b"****"  # 2A2A2A2A: PIN1 when the holder chose none
# The Japanese licence's ATR as pcsc-tools' smartcard_list.txt lists it ("Driving License card of Japan")
LICENCE_ATR = bytes.fromhex("3B888001000000009181C100D8")
_REFUSED_SW = frozenset({0x6A86, 0x6A81, 0x6D00, 0x6E00, 0x6981, 0x6A82, 0x6B00})
_CHUNK = 256
PinInput = str | bytes | bytearray


@dataclass(frozen=True)
class LicencePinStatus:
    """Whether the holder chose PIN1 (else it is ``****``) and PIN1's tries left (3 = none used)."""

    pin_set: bool
    tries_left: int

    @property
    def blocked(self) -> bool:
        return self.tries_left == 0


@dataclass
class _Card:
    atr: bytes
    in_mf: bool = False
    common: CommonData | None = None  # EF 2F01, once read: the card is a licence
    tries: int | None = None
    pin_set: bool | None = None


def _pin_buffer(pin: PinInput) -> bytearray:
    buffer = bytearray(pin.encode("ascii", errors="replace") if isinstance(pin, str) else pin)
    if len(buffer) != 4 or not all(0x30 <= b <= 0x39 for b in buffer):
        buffer[:] = bytes(len(buffer))
        raise InvalidPinFormat("licence PIN1 must be 4 digits; nothing was sent to the card")
    return buffer


class DriversLicenceReader:
    """A 運転免許証 in one PC/SC reader. Synchronous; one operation at a time (else ``DeviceBusy``)."""

    def __init__(self, transport: CardTransport) -> None:
        self._transport = transport
        self._card: _Card | None = None
        self._short_ef_refused: dict[bytes, bool] = {}
        self._extended_refused: dict[bytes, bool] = {}
        self._busy = threading.Lock()
        self._checked = False
        self.last_operation_apdus = 0
        self.apdus_after_pin = 0

    # -- operations ------------------------------------------------------------------------------------
    def probe(self) -> CommonData:
        """SELECT MF and read EF 2F01 (free); :class:`NotDriversLicence` for any other card."""
        return self._run(self._probe)

    def pin_status(self) -> LicencePinStatus:
        """PIN setting (EF 000A) and PIN1's retry counter; consumes no try. Leaves the card primed."""
        return self._run(self._pin_status)

    def read_licence(self, pin: PinInput | None) -> DriversLicence:
        """VERIFY PIN1 once, then read 記載事項 and the 外字 they use. ``pin`` may be None when the card
        has no PIN chosen (EF 000A); the card is powered off afterwards."""

        def run() -> DriversLicence:
            self._verify(pin)
            self._select_df1()
            matters = records.parse_matters(self._read_ef(SFI_MATTERS, FID_MATTERS, SIZE_MATTERS))
            needed = matters.gaiji_numbers()
            glyphs: dict[int, records.Glyph] = {}
            if needed:
                glyphs.update(records.parse_glyphs(self._read_ef(SFI_GAIJI, FID_GAIJI, SIZE_GAIJI), "EF03"))
            if needed - {1, 2}:
                data = self._read_ef(SFI_GAIJI_CHANGES, FID_GAIJI_CHANGES, SIZE_GAIJI_CHANGES)
                glyphs.update(records.parse_glyphs(data, "EF05"))
            absent = needed - set(glyphs)
            if absent:
                raise LicenceDataError(f"外字 {sorted(absent)} used in the text but has no image on the card")
            return DriversLicence(matters, {number: glyphs[number] for number in sorted(needed)})

        return self._run(run, power_off=True)

    def forget(self) -> None:
        """Drop what is known about the card (another driver used the transport)."""
        self._card = None

    # -- internals -------------------------------------------------------------------------------------
    def _run(self, operation: Callable[[], _T], power_off: bool = False) -> _T:
        if not self._busy.acquire(blocking=False):
            raise DeviceBusy("another card operation is running")
        self.last_operation_apdus = 0
        self._checked = False
        try:
            result = operation()
        except CardRemoved:
            self._card = None
            raise
        except WrongPin:
            self._card = None  # VERIFY left the card outside MF's known state; never retried here
            self._power_off()
            raise
        except BaseException:
            if power_off:
                self._power_off()
            raise
        else:
            if power_off:
                self._power_off()
            return result
        finally:
            self._busy.release()

    def _power_off(self) -> None:
        self._card = None
        try:
            self._transport.disconnect(unpower=True)
        except CardError:
            _LOGGER.debug("power-off after licence read failed", exc_info=True)

    def _session(self) -> _Card:
        if self._card is not None and not self._checked:
            self._checked = True  # once per operation: was the card swapped since the last one?
            if not self._transport.still_connected():
                self._card = None
        if self._card is None:
            self._card = _Card(atr=self._transport.connect())
        return self._card

    def _send(self, command: bytes | bytearray) -> apdu.Response:
        self._session()
        self.last_operation_apdus += 1
        self.apdus_after_pin += 1
        return apdu.parse_response(self._transport.transmit(command))

    def _select_mf(self) -> None:
        card = self._session()
        if card.in_mf:
            return
        response = self._send(bytes([0x00, apdu.INS_SELECT, 0x00, 0x00]))
        if not response.ok:
            raise NotDriversLicence(f"SELECT MF answered SW={response.sw:04X}", code=response.sw)
        card.in_mf = True

    def _select_mf_ef(self, fid: int) -> None:
        self._select_mf()
        response = self._send(apdu.select_ef(fid))
        if response.sw in (0x6A82, 0x6A86):
            raise NotDriversLicence(f"MF EF {fid:04X} not found (SW={response.sw:04X})", code=response.sw)
        apdu.check(response, f"select MF EF {fid:04X}")

    def _probe(self) -> CommonData:
        card = self._session()
        self._select_mf_ef(EF_COMMON)
        response = apdu.check(self._send(apdu.read_binary(0, 17)), "read EF 2F01")
        card.common = records.parse_common_data(response.data)
        return card.common

    def _pin_status(self) -> LicencePinStatus:
        card = self._session()
        if card.common is None:
            self._probe()  # never send licence commands to a card not known to be one
        self._select_mf()
        card.pin_set = records.parse_pin_setting(self._read_ef(SFI_PIN_SETTING, EF_PIN_SETTING, 3))
        response = self._send(apdu.verify_query(PIN1_P2))
        if response.sw & 0xFFF0 == 0x63C0:
            card.tries = response.sw & 0x0F
        elif response.sw == 0x6984:
            card.tries = 0
        elif response.sw == 0x9000:
            card.tries = 3  # verified since power-on: the card reports no count
        else:
            raise apdu.status_error(response.sw, "licence PIN1 retry query")
        return LicencePinStatus(card.pin_set, card.tries)

    def _verify(self, pin: PinInput | None) -> None:
        card = self._session()
        if card.tries is None or card.pin_set is None or not card.in_mf:
            self._pin_status()
        if card.tries == 0:
            raise LicencePinBlocked("licence PIN1 blocked (not sent)", sw=0x6984)
        buffer = bytearray(DEFAULT_PIN) if not card.pin_set else None
        if buffer is None:
            if pin is None:
                raise InvalidPinFormat("this licence has a PIN1: enter its 4 digits; nothing was sent")
            buffer = _pin_buffer(pin)
        command = bytearray()
        try:
            self.apdus_after_pin = 0
            command = apdu.verify(buffer, PIN1_P2)
            response = self._send(command)
        finally:
            buffer[:] = bytes(len(buffer))
            command[:] = bytes(len(command))
        if response.sw & 0xFFF0 == 0x63C0 and response.sw & 0x0F:
            card.tries = response.sw & 0x0F
            raise WrongPin(card.tries, sw=response.sw)
        if response.sw in (0x6984, 0x63C0):
            card.tries = 0
            raise LicencePinBlocked("licence PIN1 blocked", sw=response.sw)
        apdu.check(response, "verify licence PIN1")

    def _select_df1(self) -> None:
        card = self._session()
        response = self._send(apdu.select_df(DF1_AID))
        if response.sw in (0x6A82, 0x6A86):
            raise NotDriversLicence("licence DF1 not found", code=response.sw)
        apdu.check(response, "select licence DF1")
        card.in_mf = False

    def _read_ef(self, sfi: int, fid: int, size: int) -> bytes:
        """The EF in as few APDUs as the card allows: one short-EF-id extended READ, else SELECT + READ."""
        card = self._session()
        if not self._short_ef_refused.get(card.atr, False):
            le = size if not self._extended_refused.get(card.atr, False) else _CHUNK
            response = self._send(_read_sfi(sfi, le))
            if response.ok:
                return self._read_rest(response.data, size)
            if response.sw == 0x6700 and le > _CHUNK:
                self._extended_refused[card.atr] = True
                _LOGGER.info("card refuses extended READ BINARY (SW=6700); reading in chunks")
                response = self._send(_read_sfi(sfi, _CHUNK))
                if response.ok:
                    return self._read_rest(response.data, size)
            if response.sw not in _REFUSED_SW:
                apdu.check(response, f"read EF {fid:04X}")
            _LOGGER.info("card refuses short-EF-id READ (SW=%04X); using SELECT + READ", response.sw)
            self._short_ef_refused[card.atr] = True
        apdu.check(self._send(apdu.select_ef(fid)), f"select EF {fid:04X}")
        if size <= _CHUNK:
            return apdu.check(self._send(apdu.read_binary(0, size)), f"read EF {fid:04X}").data
        if not self._extended_refused.get(card.atr, False):
            response = self._send(apdu.read_binary_extended(0, size))
            if response.ok:
                return self._read_rest(response.data, size)
            if response.sw != 0x6700:
                apdu.check(response, f"read EF {fid:04X}")
            self._extended_refused[card.atr] = True
        first = apdu.check(self._send(apdu.read_binary(0, min(_CHUNK, size))), f"read EF {fid:04X}")
        return self._read_rest(first.data, size)

    def _read_rest(self, data: bytes, size: int) -> bytes:
        while len(data) < size:
            response = self._send(apdu.read_binary(len(data), min(_CHUNK, size - len(data))))
            if response.sw == 0x6B00 or not response.data:
                break
            data += apdu.check(response, "read binary").data
        return data


def _read_sfi(sfi: int, le: int) -> bytes:
    """``00 B0 80|SFI 00 Le`` (short) or ``… 00 LeHi LeLo`` (extended)."""
    if le <= _CHUNK:
        return apdu.read_binary_sfi(sfi, le)
    return bytes([0x00, apdu.INS_READ_BINARY, 0x80 | sfi, 0x00, 0x00, le >> 8, le & 0xFF])


__all__ = ["DF1_AID", "LICENCE_ATR", "DriversLicenceReader", "LicencePinStatus"]
