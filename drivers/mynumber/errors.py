"""Errors of the My Number card driver.

Every error carries a stable ``reason`` key, a Japanese ``message_ja`` and, for card status errors, the
status word as ``code`` (and in hex in the message). Messages never contain personal data::

    DeviceError (drivers.base)
    ├── DeviceUnavailable
    │   └── ReaderAbsent              reader_absent        no matching reader / pcscd not running
    └── CardError                     card_error           root of this driver's errors
        ├── ReaderAbsent              (also a DeviceUnavailable)
        ├── CardAbsent                card_absent          no card on the reader
        ├── CardRemoved               card_removed         the card left during an operation
        ├── CardTimeout               card_timeout         the card or pcscd did not answer in time
        ├── CardTransportError        card_transport       PC/SC failed otherwise (code = PC/SC error)
        ├── InvalidPinFormat          pin_format           PIN rejected before sending (no try used)
        ├── NotMyNumberCard           not_my_number_card   the applications are missing
        ├── CardStatusError           card_status          an unexpected status word (code = SW)
        │   ├── WrongPin              pin_wrong            63Cx, ``tries_left`` = x ≥ 1
        │   ├── PinBlocked            pin_blocked          6984 / 63C0
        │   ├── SecurityNotSatisfied  security_not_satisfied  6982
        │   ├── FileNotFound          file_not_found       6A82
        │   └── WrongParameters       wrong_parameters     6A86 / 6B00 (e.g. short EF id refused)
        └── CardDataError             card_data            the card's data cannot be decoded
            ├── TlvError              tlv_invalid          malformed BER-TLV or DF21 offsets
            └── CardIntegrityError    card_integrity       hash or check digit mismatch
"""

from __future__ import annotations

from drivers.base import DeviceError, DeviceUnavailable


class CardError(DeviceError):
    """Root of the My Number card driver's errors."""

    reason = "card_error"
    message_ja = "カードの読み取りでエラーが発生しました。職員をお呼びください。"


class ReaderAbsent(CardError, DeviceUnavailable):
    """No reader matches the configured pattern, or pcscd is not running."""

    reason = "reader_absent"
    message_ja = "カードリーダーが見つかりません。職員をお呼びください。"


class CardAbsent(CardError):
    reason = "card_absent"
    message_ja = "カードをカードリーダーに置いてください。"


class CardRemoved(CardError):
    reason = "card_removed"
    message_ja = "読み取り中にカードが離れました。もう一度カードを置いてください。"


class CardTimeout(CardError):
    reason = "card_timeout"
    message_ja = "カードの応答がありません。カードを置き直してください。"


class CardTransportError(CardError):
    reason = "card_transport"
    message_ja = "カードリーダーとの通信に失敗しました。カードを置き直してください。"


class NotMyNumberCard(CardError):
    reason = "not_my_number_card"
    message_ja = "マイナンバーカードではありません。"

    def __init__(self, message: str = "This is not a My Number card", *, code: int | None = None) -> None:
        super().__init__(message, code=code)


class InvalidPinFormat(CardError):
    """The PIN does not have the card's format; it was not sent, so no try was used."""

    reason = "pin_format"
    message_ja = "暗証番号の形式が違います（数字4桁、署名用は英数字6〜16文字）。"


class CardStatusError(CardError):
    """The card answered with a status word the operation did not expect."""

    reason = "card_status"

    def __init__(self, message: str, *, sw: int) -> None:
        super().__init__(f"SW={sw:04X}: {message}", code=sw)
        self.sw = sw


class WrongPin(CardStatusError):
    reason = "pin_wrong"

    def __init__(self, tries_left: int, *, sw: int | None = None) -> None:
        self.tries_left = tries_left
        plural = "try" if tries_left == 1 else "tries"
        if tries_left == 1:
            ja = "暗証番号が違います。あと1回間違えるとロックされます。"
        else:
            ja = f"暗証番号が違います。あと{tries_left}回入力できます。"
        super().__init__(
            f"wrong PIN, {tries_left} {plural} left", sw=sw if sw is not None else 0x63C0 | tries_left
        )
        self.message_ja = ja


class PinBlocked(CardStatusError):
    reason = "pin_blocked"
    message_ja = "暗証番号がロックされています。市役所の窓口で初期化の手続きをしてください。"

    def __init__(self, message: str = "PIN blocked", *, sw: int = 0x6984) -> None:
        super().__init__(message, sw=sw)
        self.tries_left = 0


class SecurityNotSatisfied(CardStatusError):
    reason = "security_not_satisfied"


class FileNotFound(CardStatusError):
    reason = "file_not_found"


class WrongParameters(CardStatusError):
    reason = "wrong_parameters"


class CardDataError(CardError):
    reason = "card_data"
    message_ja = "カードの情報を読み取れませんでした。職員をお呼びください。"


class TlvError(CardDataError):
    """Malformed BER-TLV data (the card's own, non-standard encoding) or inconsistent DF21 offsets."""

    reason = "tlv_invalid"


class CardIntegrityError(CardDataError):
    """A hash or check digit on the card does not match its data."""

    reason = "card_integrity"
