"""What the visit and certificate servicers both need: the card holder of a session, a visit as a message."""

from __future__ import annotations

from kiosk.v1 import visit_pb2

from frontyard.household import Sex

from ..errors import FailedPrecondition
from ..ports import SessionLookup
from ..visits import messages
from ..visits.book import CardHolder, VisitBook

_CARD_SEXES = {"1": Sex.MALE, "2": Sex.FEMALE}


def card_holder(sessions: SessionLookup, session_name: str) -> CardHolder:
    """The 基本4情報 read into ``session_name``; FAILED_PRECONDITION when they have not been read."""
    info = sessions.get(session_name).basic_info
    if info is None:
        raise FailedPrecondition(
            "the card's basic information has not been read in this session",
            reason="basic_info_not_read",
            message_ja="カードの情報をまだ読み取っていません。",
        )
    sex = _CARD_SEXES.get(str(getattr(info.sex, "value", info.sex)), Sex.UNSPECIFIED)
    return CardHolder(info.name, info.address, info.birth_date, sex)


def visit_message(book: VisitBook, name: str) -> visit_pb2.Visit:
    return messages.visit(book.get(name), len(book.pending(name)))
