"""The virtual My Number card process: vpcd link + card OS + HTTP JSON control API on loopback.

Control actions (``POST /<action>`` with a JSON object; ``GET /state``):

- ``insert`` ``{"persona": "P1"}``: a fresh card of that persona enters the field
- ``insert_foreign_card`` ``{}``: a transit IC card (6A82 to every AID)
- ``insert_licence`` ``{"persona": "L1"}``: a 運転免許証 of that licence persona (simulators.licence_card);
  ``set_tries``/``block`` then take ``{"key": "pin1"}``; ``refuse_extended`` ``{"on": true}``: 6700 to
  extended-length READ BINARY
- ``remove`` ``{}``: the card leaves the field
- ``set_tries`` ``{"key": "text"|"auth"|"sign", "tries": n}``; ``block`` ``{"key": ...}`` (tries 0)
- ``latency`` ``{"ms": n}``: delay every APDU answer
- ``remove_mid_apdu`` ``{"after_apdus": n}``: answer n APDUs, then leave during the next one
- ``corrupt_tlv`` ``{"on": true}``: EF 0002 served with a wrong DF21 offset
- ``refuse_short_ef`` ``{"on": true}``: short-EF-id READ BINARY answers 6A86
- ``clear_log`` ``{}``: empty the APDU header log; ``reset`` ``{}``: remove the card, clear every fault

``insert`` returns once vpcd has fetched the ATR, ``remove`` once the socket is closed; pcscd reports the
change at its next presence poll (≤ 0.4 s later), so callers wait for the reader state. Logs never hold PINs,
numbers or names: the APDU log keeps only ``CLA INS P1 P2``.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from pathlib import Path
from typing import Any

from simulators import control
from simulators.control import ActionError, ControlApi, ControlServer
from simulators.licence_card.card_data import LICENCE_ATR, build_licence
from simulators.licence_card.card_os import LicenceCardOS
from simulators.licence_card.personas import LICENCE_PERSONAS, licence_persona
from simulators.mynumber_card.card_data import FOREIGN_ATR, MY_NUMBER_ATR, KeyStore, build_card
from simulators.mynumber_card.card_os import CardOS
from simulators.mynumber_card.vpcd_link import GET_ATR, POWER_OFF, POWER_ON, RESET, VpcdLink
from simulators.personas import all_personas
from simulators.personas import persona as find_persona

_LOGGER = logging.getLogger(__name__)
# The personas whose card can be inserted (ids only), for a control panel to offer.
CARD_PERSONAS = [person.id for person in all_personas() if person.has_card]
_SETTLE_S = 3.0


class CardSimulator:
    """State shared by the vpcd link thread and the control server (one lock)."""

    def __init__(self, host: str, port: int, state_dir: Path | None) -> None:
        self.keys = KeyStore(state_dir)
        self.lock = threading.Condition()
        self.card: CardOS | LicenceCardOS | None = None
        self.atr = b""
        self.persona_id: str | None = None
        self.kind: str | None = None
        self.powered = False
        self.latency_s = 0.0
        self.remove_after: int | None = None
        self.apdu_count = 0
        self.apdu_log: deque[str] = deque(maxlen=200)
        self.atr_polls = 0  # GET ATR requests answered since the last insert/remove
        self.refuse_short_ef = False
        self.corrupt_tlv = False
        self.refuse_extended = False
        self.link = VpcdLink(host, port, self)

    # -- link callbacks (link thread) ------------------------------------------------------------------
    def on_control(self, code: int) -> bytes | None:
        with self.lock:
            _LOGGER.debug("vpcd control %02X", code)
            if code == GET_ATR:
                self.atr_polls += 1
                self.lock.notify_all()
                return self.atr or b"\x3b\x00"  # never empty: see vpcd_link
            if self.card is not None:
                if code == POWER_OFF:
                    self.card.power_off()
                    self.powered = False
                elif code == POWER_ON:
                    self.card.power_off()
                    self.powered = True
                elif code == RESET:
                    self.card.reset()
                    self.powered = True
            return None

    def on_apdu(self, command: bytes) -> bytes | None:
        with self.lock:
            card, delay = self.card, self.latency_s
            if card is None:
                return b"\x6f\x00"
            if self.remove_after is not None:
                if self.remove_after <= 0:
                    self.remove_after = None
                    self._eject_locked()
                    _LOGGER.info("card pulled mid-APDU")
                    return None
                self.remove_after -= 1
            self.apdu_count += 1
            self.apdu_log.append(command[:4].hex(" ").upper())
            card.refuse_short_ef, card.corrupt_tlv = self.refuse_short_ef, self.corrupt_tlv
            if isinstance(card, LicenceCardOS):
                card.refuse_extended = self.refuse_extended
            response = card.process(command)
        if delay:
            time.sleep(delay)
        return response

    def on_disconnect(self) -> None:
        with self.lock:
            self.lock.notify_all()
            if self.card is not None:
                self.card.power_off()
            self.powered = False

    # -- control actions (HTTP threads) ----------------------------------------------------------------
    def _eject_locked(self) -> None:
        self.card, self.atr, self.persona_id, self.kind = None, b"", None, None
        self.atr_polls = 0
        self.link.drop()

    def _wait_polls(self) -> None:
        """After an insert: wait until vpcd has fetched the ATR (pcscd then reports the card)."""
        deadline = time.monotonic() + _SETTLE_S
        while self.atr_polls < 1 and time.monotonic() < deadline:
            self.lock.wait(timeout=max(0.0, deadline - time.monotonic()))

    def _wait_disconnected(self) -> None:
        deadline = time.monotonic() + _SETTLE_S
        while self.link.connected.is_set() and time.monotonic() < deadline:
            self.lock.wait(timeout=0.02)

    def insert(self, body: dict[str, Any]) -> dict[str, Any]:
        persona_id = str(body.get("persona", ""))
        try:
            member = find_persona(persona_id)
        except KeyError as exc:
            raise ActionError(f"no persona {persona_id!r}", 404) from exc
        if not member.has_card:
            raise ActionError(f"persona {persona_id} has no card", 400)
        files = build_card(member, self.keys)
        with self.lock:
            self._swap_out_locked()
            self.card, self.atr, self.persona_id, self.kind = (
                CardOS(files),
                MY_NUMBER_ATR,
                persona_id,
                "my_number",
            )
            self.apdu_count, self.atr_polls = 0, 0
            self.link.insert()
            self._wait_polls()
            return self.state_locked()

    def insert_foreign_card(self, body: dict[str, Any]) -> dict[str, Any]:
        with self.lock:
            self._swap_out_locked()
            self.card, self.atr, self.persona_id, self.kind = CardOS(None), FOREIGN_ATR, None, "foreign"
            self.apdu_count, self.atr_polls = 0, 0
            self.link.insert()
            self._wait_polls()
            return self.state_locked()

    def insert_licence(self, body: dict[str, Any]) -> dict[str, Any]:
        persona_id = str(body.get("persona", ""))
        try:
            person = licence_persona(persona_id)
        except KeyError as exc:
            raise ActionError(f"no licence persona {persona_id!r}", 404) from exc
        card = LicenceCardOS(build_licence(person), blocked=person.blocked)
        with self.lock:
            self._swap_out_locked()
            self.card, self.atr, self.persona_id, self.kind = card, LICENCE_ATR, persona_id, "licence"
            self.apdu_count, self.atr_polls = 0, 0
            self.link.insert()
            self._wait_polls()
            return self.state_locked()

    def _swap_out_locked(self) -> None:
        if self.card is not None:
            self._eject_locked()
            self._wait_disconnected()
            time.sleep(0.5)  # let pcscd's presence poll (every 0.4 s) see the empty field

    def remove(self, body: dict[str, Any]) -> dict[str, Any]:
        with self.lock:
            if self.card is not None:
                self._eject_locked()
                self._wait_disconnected()
            return self.state_locked()

    def _key(self, body: dict[str, Any]) -> str:
        key = body.get("key")
        if key not in ("text", "auth", "sign"):
            raise ActionError('key must be "text", "auth" or "sign"', 400)
        if self.card is None or not self.card.apps:
            raise ActionError("no My Number card inserted", 409)
        return str(key)

    def set_tries(self, body: dict[str, Any]) -> dict[str, Any]:
        with self.lock:
            if isinstance(self.card, LicenceCardOS):
                tries = body.get("tries")
                if body.get("key") != "pin1" or not isinstance(tries, int) or not 0 <= tries <= 3:
                    raise ActionError('a licence takes {"key": "pin1", "tries": 0..3}', 400)
                self.card.pin_tries[1] = tries
                return self.state_locked()
            key = self.card.key(self._key(body)) if self.card else None
            tries = body.get("tries")
            assert key is not None
            if not isinstance(tries, int) or not 0 <= tries <= key.max_tries:
                raise ActionError(f"tries must be an integer 0..{key.max_tries}", 400)
            key.tries = tries
            return self.state_locked()

    def block(self, body: dict[str, Any]) -> dict[str, Any]:
        return self.set_tries({**body, "tries": 0})

    def latency(self, body: dict[str, Any]) -> dict[str, Any]:
        ms = body.get("ms")
        if not isinstance(ms, int | float) or not 0 <= ms <= 10_000:
            raise ActionError("ms must be a number 0..10000", 400)
        with self.lock:
            self.latency_s = float(ms) / 1000
            return self.state_locked()

    def remove_mid_apdu(self, body: dict[str, Any]) -> dict[str, Any]:
        after = body.get("after_apdus")
        if not isinstance(after, int) or after < 0:
            raise ActionError("after_apdus must be an integer ≥ 0", 400)
        with self.lock:
            self.remove_after = after
            return self.state_locked()

    def _flag(self, body: dict[str, Any], name: str) -> dict[str, Any]:
        with self.lock:
            setattr(self, name, bool(body.get("on", True)))
            return self.state_locked()

    def corrupt_tlv_action(self, body: dict[str, Any]) -> dict[str, Any]:
        return self._flag(body, "corrupt_tlv")

    def refuse_short_ef_action(self, body: dict[str, Any]) -> dict[str, Any]:
        return self._flag(body, "refuse_short_ef")

    def refuse_extended_action(self, body: dict[str, Any]) -> dict[str, Any]:
        return self._flag(body, "refuse_extended")

    def reset(self, body: dict[str, Any]) -> dict[str, Any]:
        self.remove(body)
        with self.lock:
            self.latency_s, self.remove_after = 0.0, None
            self.corrupt_tlv = self.refuse_short_ef = self.refuse_extended = False
            self.apdu_log.clear()
            self.apdu_count = 0
            return self.state_locked()

    def clear_log(self, body: dict[str, Any]) -> dict[str, Any]:
        with self.lock:
            self.apdu_log.clear()
            self.apdu_count = 0
            return self.state_locked()

    def state_locked(self) -> dict[str, Any]:
        tries: dict[str, int] = {}
        if isinstance(self.card, LicenceCardOS):
            tries = {"pin1": self.card.pin_tries[1]}
        elif self.card is not None and self.card.apps:
            tries = {kind: self.card.key(kind).tries for kind in ("text", "auth", "sign")}
        return {
            "inserted": self.card is not None,
            "kind": self.kind,
            "persona": self.persona_id,
            "atr": self.atr.hex().upper(),
            "connected": self.link.connected.is_set(),
            "powered": self.powered,
            "tries": tries,
            "apdu_count": self.apdu_count,
            "personas": CARD_PERSONAS,
            "licence_personas": [item.id for item in LICENCE_PERSONAS],
            "apdu_log": list(self.apdu_log),
            "faults": {
                "latency_ms": round(self.latency_s * 1000),
                "remove_after_apdus": self.remove_after,
                "corrupt_tlv": self.corrupt_tlv,
                "refuse_short_ef": self.refuse_short_ef,
                "refuse_extended": self.refuse_extended,
            },
        }

    def state(self) -> dict[str, Any]:
        with self.lock:
            return self.state_locked()

    def control_api(self) -> ControlApi:
        return ControlApi(
            "mynumber_card",
            self.state,
            {
                "insert": self.insert,
                "insert_foreign_card": self.insert_foreign_card,
                "insert_licence": self.insert_licence,
                "refuse_extended": self.refuse_extended_action,
                "remove": self.remove,
                "set_tries": self.set_tries,
                "block": self.block,
                "latency": self.latency,
                "remove_mid_apdu": self.remove_mid_apdu,
                "corrupt_tlv": self.corrupt_tlv_action,
                "refuse_short_ef": self.refuse_short_ef_action,
                "clear_log": self.clear_log,
                "reset": self.reset,
            },
        )


def make_control_server(simulator: CardSimulator, port: int) -> ControlServer:
    return control.make_control_server(simulator.control_api(), "127.0.0.1", port)
