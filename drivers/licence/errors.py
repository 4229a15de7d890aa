"""Errors of the 運転免許証 driver, in the My Number driver's tree (same ``CardError`` root)::

    CardError (drivers.mynumber.errors)      every error below also carries reason + message_ja
    ├── CardAbsent / CardRemoved / CardTimeout / CardTransportError / ReaderAbsent   (transport)
    ├── InvalidPinFormat                     pin_format          not 4 digits: nothing sent
    ├── NotDriversLicence                    not_drivers_licence MF EF 2F01 missing or not a licence's
    ├── CardStatusError                      card_status         unexpected SW (code = SW)
    │   ├── WrongPin                         pin_wrong           63Cx, ``tries_left`` = x ≥ 1
    │   └── LicencePinBlocked                pin_blocked         63C0 / 6984: only the 公安委員会 resets it
    └── CardDataError                        card_data
        └── LicenceDataError                 licence_data_invalid  malformed TLV, JIS code, date or glyph

Messages name the file and the byte offset, never the data.
"""

from __future__ import annotations

from drivers.mynumber.errors import CardDataError, CardError, PinBlocked


class NotDriversLicence(CardError):
    reason = "not_drivers_licence"
    message_ja = "運転免許証ではありません。"

    def __init__(self, message: str = "This is not a Japanese driver's licence", *, code: int | None = None):
        super().__init__(message, code=code)


class LicencePinBlocked(PinBlocked):
    """PIN1 is blocked; a police station or licence centre (公安委員会) must reset it."""

    message_ja = "暗証番号がロックされています。警察署または運転免許センターで解除の手続きをしてください。"


class LicenceDataError(CardDataError):
    """The licence's data cannot be decoded (TLV, JIS X 0208 code, era date or 外字 bitmap)."""

    reason = "licence_data_invalid"
    message_ja = "運転免許証の情報を読み取れませんでした。職員をお呼びください。"
