"""Types shared by the card driver's layers: PIN kinds, reader events and the transport interface."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Protocol


class PinKind(enum.StrEnum):
    """The secrets the driver can verify or query, with their key EF and try limit."""

    TEXT = "text"  # 券面事項入力補助用暗証番号, text AP EF 0011, 4 digits, 3 tries
    AUTH = "auth"  # 利用者証明用暗証番号, JPKI EF 0018, 4 digits, 3 tries
    SIGN = "sign"  # 署名用パスワード, JPKI EF 001B, 6-16 A-Z0-9, 5 tries

    @property
    def max_tries(self) -> int:
        return 5 if self is PinKind.SIGN else 3


class ReaderEventKind(enum.StrEnum):
    READER_ADDED = "reader_added"
    READER_REMOVED = "reader_removed"
    CARD_INSERTED = "card_inserted"
    CARD_REMOVED = "card_removed"


@dataclass(frozen=True)
class ReaderEvent:
    """A change seen by ``wait_for_change``; ``atr`` is set for ``CARD_INSERTED``."""

    kind: ReaderEventKind
    reader: str
    atr: bytes = b""


class CardStatus(enum.StrEnum):
    """What ``card_status()`` reports about the configured reader."""

    NO_READER = "no_reader"
    NO_CARD = "no_card"
    MY_NUMBER_CARD = "my_number_card"
    OTHER_CARD = "other_card"


class CardTransport(Protocol):
    """``transmit`` plus connect/disconnect and reader monitoring, over PC/SC or a test script."""

    def list_readers(self) -> list[str]:
        """Names of all readers pcscd knows (``ReaderAbsent`` when pcscd is not reachable)."""

    def reader_name(self) -> str:
        """The first reader matching the configured pattern (``ReaderAbsent`` if none)."""

    def card_present(self) -> bool:
        """True if a card is in the matching reader (no APDU sent)."""

    def connect(self) -> bytes:
        """Connect to the card in the matching reader; return its ATR."""

    def still_connected(self) -> bool:
        """True if connected to a card that has not left the field since (no APDU sent)."""

    def transmit(self, command: bytes | bytearray) -> bytes:
        """Send one command APDU, return the response APDU (data + SW1 SW2)."""

    def disconnect(self, unpower: bool = False) -> None:
        """Drop the connection; ``unpower`` powers the card off, which clears its verified PINs."""

    def wait_for_change(self, timeout_s: float) -> list[ReaderEvent]:
        """Block up to ``timeout_s`` for reader/card changes; ``[]`` on timeout."""

    def close(self) -> None:
        """Release every PC/SC resource; never raises."""
