"""PC/SC card readers (through pcscd) and whether a card is in each."""

from __future__ import annotations

import urllib.parse

from drivers.base import DeviceKind

from .model import Found


def find_readers(notes: list[str]) -> list[Found]:
    try:
        from smartcard.scard import (
            SCARD_S_SUCCESS,
            SCARD_SCOPE_USER,
            SCARD_STATE_PRESENT,
            SCARD_STATE_UNAWARE,
            SCardEstablishContext,
            SCardGetStatusChange,
            SCardListReaders,
            SCardReleaseContext,
        )
    except ImportError as exc:
        notes.append(f"card readers: pyscard unavailable ({exc})")
        return []
    result, context = SCardEstablishContext(SCARD_SCOPE_USER)
    if result != SCARD_S_SUCCESS:
        notes.append("card readers: pcscd is not running (systemctl start pcscd.socket)")
        return []
    try:
        result, readers = SCardListReaders(context, [])
        if result != SCARD_S_SUCCESS:
            return []
        found = []
        for name in readers:
            result, states = SCardGetStatusChange(context, 0, [(name, SCARD_STATE_UNAWARE)])
            present = result == SCARD_S_SUCCESS and bool(states[0][1] & SCARD_STATE_PRESENT)
            found.append(
                Found(
                    kind=DeviceKind.CARD_READER,
                    driver="mynumber",
                    uri=f"pcsc://{urllib.parse.quote(str(name))}",
                    label=str(name),
                    detail="card present" if present else "no card",
                    confidence=2,
                )
            )
        return found
    finally:
        SCardReleaseContext(context)
