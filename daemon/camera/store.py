"""Document readings held in daemon memory for a bounded time, never on disk (docs/DESIGN.md principle 5).

    store = ReadingStore(ttl_s=600)
    held = store.add(doc_type="drivers_licence", fields=[FieldValue("name", "…", 0.93, False)], visit="")
    store.get("readings/3f9c…")     # HeldReading; ReadingNotFound (NOT_FOUND, "reading_not_found") after
                                    #   expire_time, delete() or drop_visit()
    store.drop_visit("visits/…")    # forget every reading taken for a visit (the visit ended)

Thread-safe. Expired readings are dropped on every access and by ``purge()`` (the service calls it
periodically), so nothing outlives its deadline by more than one purge period. ``repr`` shows no values.
"""

from __future__ import annotations

import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from ..errors import NotFound

PREFIX = "readings/"
DEFAULT_TTL_S = 600.0
MAX_READINGS = 256


class ReadingNotFound(NotFound):
    reason = "reading_not_found"
    message_ja = "読み取り結果が見つかりません。もう一度読み取ってください。"


@dataclass(frozen=True)
class FieldValue:
    """One field of a reading: ``name`` is the driver's FieldName value ("name", "birth_date" …)."""

    name: str
    value: str = field(repr=False)
    confidence: float
    needs_confirmation: bool
    reasons: tuple[str, ...] = ()  # why it needs confirmation (drivers.camera.FlagReason values)


@dataclass(frozen=True)
class HeldReading:
    name: str
    doc_type: str
    fields: tuple[FieldValue, ...]
    visit: str
    created: float  # wall clock (time.time) for timestamps
    expires: float  # wall clock

    @property
    def needs_confirmation(self) -> bool:
        return any(item.needs_confirmation for item in self.fields)

    def value_of(self, field_name: str) -> FieldValue | None:
        for item in self.fields:
            if item.name == field_name:
                return item
        return None


class ReadingStore:
    def __init__(self, ttl_s: float = DEFAULT_TTL_S, clock: Callable[[], float] = time.time) -> None:
        if ttl_s <= 0:
            raise ValueError("ttl_s must be positive")
        self.ttl_s = ttl_s
        self._clock = clock
        self._lock = threading.Lock()
        self._readings: dict[str, HeldReading] = {}

    def __repr__(self) -> str:
        return f"ReadingStore(held={len(self._readings)}, ttl_s={self.ttl_s})"

    def __len__(self) -> int:
        with self._lock:
            self._purge_locked()
            return len(self._readings)

    def add(self, doc_type: str, fields: list[FieldValue], visit: str = "") -> HeldReading:
        now = self._clock()
        held = HeldReading(
            name=f"{PREFIX}{secrets.token_hex(16)}",
            doc_type=doc_type,
            fields=tuple(fields),
            visit=visit,
            created=now,
            expires=now + self.ttl_s,
        )
        with self._lock:
            self._purge_locked()
            while len(self._readings) >= MAX_READINGS:  # oldest first: dicts keep insertion order
                del self._readings[next(iter(self._readings))]
            self._readings[held.name] = held
        return held

    def get(self, name: str) -> HeldReading:
        with self._lock:
            self._purge_locked()
            held = self._readings.get(name)
        if held is None:
            raise ReadingNotFound(f"no reading {_shape(name)}; it expired or was deleted")
        return held

    def delete(self, name: str) -> None:
        with self._lock:
            if self._readings.pop(name, None) is None:
                raise ReadingNotFound(f"no reading {_shape(name)}; it expired or was deleted")

    def drop_visit(self, visit: str) -> int:
        """Forget every reading taken for ``visit``; returns how many were dropped."""
        if not visit:
            return 0
        with self._lock:
            names = [name for name, held in self._readings.items() if held.visit == visit]
            for name in names:
                del self._readings[name]
        return len(names)

    def purge(self) -> int:
        with self._lock:
            return self._purge_locked()

    def clear(self) -> None:
        with self._lock:
            self._readings.clear()

    def _purge_locked(self) -> int:
        now = self._clock()
        expired = [name for name, held in self._readings.items() if held.expires <= now]
        for name in expired:
            del self._readings[name]
        return len(expired)


def _shape(name: str) -> str:
    """A resource name safe to echo in an error: ours are random hex, anything else is not repeated."""
    token = name.removeprefix(PREFIX)
    if name.startswith(PREFIX) and 0 < len(token) <= 64 and all(c in "0123456789abcdef" for c in token):
        return repr(name)
    return "(malformed name)"
