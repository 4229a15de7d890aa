"""Resident sessions: what was read from one card holder's card, kept in memory for one visit only.

docs/DESIGN.md principle 5: 基本4情報 live in daemon memory for one resident session and are wiped when the
card is removed, the flow ends (``EndSession``), or the idle timer runs out (with a countdown the UI shows
and a way to extend). One session at a time per kiosk. ``daemon.server.create_server`` builds the store
and hands it to the card service, and to other services as a ``daemon.ports.SessionLookup``; they use it
like this (from the asyncio loop or any thread)::

    session = sessions.get("sessions/3f9c…")       # ResidentSession; SessionNotFound (NOT_FOUND,
                                                   #   reason "session_not_found") once it was wiped
    info = session.basic_info                      # BasicInfo | None: .name .address .birth_date .sex
    session.attach("frontyard.visit", visit_id)    # per-session data of other services, wiped with it
    session.attached("frontyard.visit")            # → the value, or None
    session.extend()                               # restart the idle countdown (any use of it does too)
    session.name, session.seconds_left, session.active

``BasicInfo`` is :class:`drivers.mynumber.BasicInfo` (frozen dataclass: ``name: str``, ``address: str``,
``birth_date: datetime.date``, ``sex: Sex`` with values "0" | "1" | "2" | "9"; its ``repr`` shows nothing).

Events (``card_pb2.SessionEvent`` on the global stream as ``Event.resident_session``; ids and reason keys
only), kinds ``SESSION_EVENT_KIND_``: ``STARTED``, ``EXTENDED``, ``EXPIRING`` (once per countdown, when
``warn_before_s`` are left, with ``expire_time``), ``ENDED`` with reason ``card_removed`` |
``ended`` | ``idle_timeout``. Wiping drops every reference the store holds (basic info, attached values);
Python strings cannot be overwritten in place, so "wiped" means unreachable from the daemon.
"""

from __future__ import annotations

import enum
import logging
import secrets
import threading
import time
from collections.abc import Callable
from typing import Any

from google.protobuf.timestamp_pb2 import Timestamp
from kiosk.v1 import card_pb2

from drivers.mynumber import BasicInfo

from .errors import NotFound

_LOGGER = logging.getLogger(__name__)

DEFAULT_IDLE_TIMEOUT_S = 120.0
DEFAULT_WARN_BEFORE_S = 20.0
PREFIX = "sessions/"
LICENCE_KEY = (
    "card.licence"  # a drivers.licence.DriversLicence read into the session (daemon/card/licence.py)
)

__all__ = ["BasicInfo", "EndReason", "ResidentSession", "ResidentSessions", "SessionNotFound"]


class EndReason(enum.StrEnum):
    CARD_REMOVED = "card_removed"
    ENDED = "ended"
    IDLE_TIMEOUT = "idle_timeout"


class SessionNotFound(NotFound):
    reason = "session_not_found"
    message_ja = "受付が終了しました。もう一度カードを置いてください。"


class ResidentSession:
    """One resident's session. Read it while ``active``; after the wipe every read is empty."""

    def __init__(self, store: ResidentSessions, name: str, expires_at: float) -> None:
        self._store = store
        self.name = name
        self.expires_at = expires_at
        self.warned = False
        self.active = True
        self.authenticated = False
        self._basic_info: BasicInfo | None = None
        self._attached: dict[str, Any] = {}

    def __repr__(self) -> str:
        return f"ResidentSession(name={self.name!r}, active={self.active})"

    @property
    def basic_info(self) -> BasicInfo | None:
        return self._basic_info

    @property
    def seconds_left(self) -> float:
        return max(0.0, self.expires_at - self._store.clock()) if self.active else 0.0

    def set_basic_info(self, info: BasicInfo) -> None:
        with self._store.lock:
            self._require_active()
            self._basic_info = info

    def attach(self, key: str, value: Any) -> None:
        """Keep ``value`` under ``key`` until the session is wiped (use a "<service>.<name>" key)."""
        with self._store.lock:
            self._require_active()
            self._attached[key] = value

    def attached(self, key: str, default: Any = None) -> Any:
        with self._store.lock:
            return self._attached.get(key, default)

    def extend(self) -> float:
        """Restart the idle countdown; returns the seconds left."""
        return self._store.extend(self.name)

    def _require_active(self) -> None:
        if not self.active:
            raise SessionNotFound(f"{self.name} has ended")

    def _wipe(self) -> None:
        self.active = False
        self._basic_info = None
        self._attached.clear()
        self.authenticated = False


class ResidentSessions:
    """The kiosk's resident session (at most one) with its idle timer; thread-safe.

    ``publish`` receives each :class:`card_pb2.SessionEvent`; call :meth:`tick` a few times a second.
    """

    def __init__(
        self,
        publish: Callable[[card_pb2.SessionEvent], object],
        *,
        idle_timeout_s: float = DEFAULT_IDLE_TIMEOUT_S,
        warn_before_s: float = DEFAULT_WARN_BEFORE_S,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if idle_timeout_s <= 0 or warn_before_s < 0:
            raise ValueError("idle_timeout_s must be > 0 and warn_before_s ≥ 0")
        self.publish = publish
        self.idle_timeout_s = idle_timeout_s
        self.warn_before_s = warn_before_s
        self.clock = clock
        self.lock = threading.RLock()
        self._current: ResidentSession | None = None

    @property
    def current(self) -> ResidentSession | None:
        return self._current

    def start(self) -> ResidentSession:
        """A new session (the previous one, if any, ends as ``card_removed``: a new card came)."""
        with self.lock:
            if self._current is not None:
                self._end_locked(self._current, EndReason.CARD_REMOVED)
            name = PREFIX + secrets.token_hex(16)
            session = ResidentSession(self, name, self.clock() + self.idle_timeout_s)
            self._current = session
            self._emit(session, card_pb2.SESSION_EVENT_KIND_STARTED)
        _LOGGER.info("resident session started", extra={"session": name})
        return session

    def get(self, name: str) -> ResidentSession:
        """The active session called ``name`` ("sessions/{id}" or the bare id); else ``SessionNotFound``."""
        wanted = name if name.startswith(PREFIX) else PREFIX + name
        with self.lock:
            session = self._current
            if session is None or session.name != wanted or not session.active:
                raise SessionNotFound("no active resident session of this name")
            return session

    def extend(self, name: str) -> float:
        with self.lock:
            session = self.get(name)
            session.expires_at = self.clock() + self.idle_timeout_s
            session.warned = False
            self._emit(session, card_pb2.SESSION_EVENT_KIND_EXTENDED)
            return session.seconds_left

    def touch(self, session: ResidentSession) -> None:
        """Activity on the session: restart its countdown (published only if a warning was out)."""
        with self.lock:
            if not session.active:
                return
            session.expires_at = self.clock() + self.idle_timeout_s
            if session.warned:
                session.warned = False
                self._emit(session, card_pb2.SESSION_EVENT_KIND_EXTENDED)

    def end(self, name: str, reason: EndReason = EndReason.ENDED) -> None:
        with self.lock:
            self._end_locked(self.get(name), reason)

    def end_current(self, reason: EndReason) -> str:
        """End the current session, if any; returns its name ("" when there was none)."""
        with self.lock:
            session = self._current
            if session is None:
                return ""
            self._end_locked(session, reason)
            return session.name

    def tick(self) -> None:
        """Warn when ``warn_before_s`` are left; wipe at zero (reason ``idle_timeout``)."""
        with self.lock:
            session = self._current
            if session is None:
                return
            left = session.expires_at - self.clock()
            if left <= 0:
                self._end_locked(session, EndReason.IDLE_TIMEOUT)
            elif left <= self.warn_before_s and not session.warned:
                session.warned = True
                self._emit(session, card_pb2.SESSION_EVENT_KIND_EXPIRING)

    def message(self, session: ResidentSession) -> card_pb2.ResidentSession:
        return card_pb2.ResidentSession(
            name=session.name,
            expire_time=self._expire_time(session),
            seconds_left=round(session.seconds_left),
            has_basic_info=session.basic_info is not None,
            has_licence=session.attached(LICENCE_KEY) is not None,
            authenticated=session.authenticated,
        )

    def _end_locked(self, session: ResidentSession, reason: EndReason) -> None:
        session._wipe()
        if self._current is session:
            self._current = None
        self._emit(session, card_pb2.SESSION_EVENT_KIND_ENDED, reason)
        _LOGGER.info("resident session wiped", extra={"session": session.name, "reason": reason.value})

    def _expire_time(self, session: ResidentSession) -> Timestamp:
        stamp = Timestamp()
        stamp.FromNanoseconds(time.time_ns() + int((session.expires_at - self.clock()) * 1e9))
        return stamp

    def _emit(self, session: ResidentSession, kind: int, reason: str = "") -> None:
        event = card_pb2.SessionEvent(
            session=session.name,
            kind=kind,  # type: ignore[arg-type]
            seconds_left=round(max(0.0, session.expires_at - self.clock())) if session.active else 0,
            reason=reason,
        )
        if session.active:
            event.expire_time.CopyFrom(self._expire_time(session))
        try:
            self.publish(event)
        except Exception:
            _LOGGER.exception("publishing a session event failed", extra={"session": session.name})
