"""The 運転免許証 in the card slot: worker functions for the monitor and CardService, and their messages.

The card slot's device is the My Number reader; :meth:`MyNumberCardReader.licence` gives the licence
driver on the same PC/SC transport. Everything here runs on the slot's worker (``slot.call``). A licence
read goes into the resident session under :data:`daemon.sessions.LICENCE_KEY` and is wiped with it (card
removed, EndSession, idle timeout), exactly like 基本4情報. The PIN is passed to the driver once; a wrong
PIN is reported, never retried.
"""

from __future__ import annotations

from collections.abc import Callable

from kiosk.v1 import card_pb2

from drivers.licence import DriversLicence, DriversLicenceReader, LicencePinStatus, LicenceText
from drivers.licence.errors import NotDriversLicence
from drivers.mynumber import MyNumberCardReader

from ..errors import FailedPrecondition
from ..sessions import LICENCE_KEY, ResidentSession

__all__ = ["LICENCE_KEY", "licence_message", "pin_status", "probe", "read_licence", "session_licence"]


def _licence_reader(device: object) -> DriversLicenceReader:
    if not isinstance(device, MyNumberCardReader):
        raise FailedPrecondition("the card slot is not a PC/SC card reader", reason="no_card_reader")
    return device.licence()


def probe(device: object) -> LicencePinStatus | None:
    """After the My Number probe said "other card": the licence's PIN status, or None if not a licence.
    Costs SELECT MF, EF 2F01, EF 000A and the retry query (no try used); leaves the card primed."""
    reader = _licence_reader(device)
    reader.forget()
    try:
        reader.probe()
    except NotDriversLicence:
        return None
    return reader.pin_status()


def pin_status(device: object) -> LicencePinStatus:
    return _licence_reader(device).pin_status()


def read_licence(pin: str) -> Callable[[object], DriversLicence]:
    def run(device: object) -> DriversLicence:
        return _licence_reader(device).read_licence(pin or None)

    return run


def session_licence(session: ResidentSession) -> DriversLicence:
    licence = session.attached(LICENCE_KEY)
    if not isinstance(licence, DriversLicence):
        raise FailedPrecondition(
            "no licence has been read in this session",
            reason="licence_not_read",
            message_ja="運転免許証の情報をまだ読み取っていません。",
        )
    return licence


def text_message(text: LicenceText, licence: DriversLicence) -> card_pb2.LicenceText:
    characters = [
        card_pb2.LicenceCharacter(
            position=item.position,
            gaiji=item.gaiji or 0,
            glyph_png=licence.glyphs[item.gaiji].to_png() if item.gaiji in licence.glyphs else b"",
        )
        for item in text.placeholders
    ]
    return card_pb2.LicenceText(
        text=text.text, characters=characters, needs_confirmation=text.needs_confirmation
    )


def licence_message(licence: DriversLicence, session: str) -> card_pb2.Licence:
    matters = licence.matters
    return card_pb2.Licence(
        session=session,
        name=text_message(matters.name, licence),
        kana=text_message(matters.kana, licence),
        address=text_message(matters.address, licence),
        birth_date=matters.birth_date.isoformat(),
        expiry_date=matters.expiry_date.isoformat(),
        licence_number=matters.number,
        needs_confirmation=licence.needs_confirmation,
    )
