"""The event log behind ``WatchEvents``: every event numbered, persisted, then delivered.

An event is committed to SQLite before any watcher sees it, and sequence numbers continue across
restarts, so a client that resumes with ``after_sequence`` gets every event once: none lost, none
repeated. ``publish`` is thread-safe (device workers call it); watchers run on the asyncio loop.

Durability: events are written with ``synchronous=NORMAL`` (no fsync per event; the journals, which hold
the facts, use FULL), so a power cut may roll back the last events. Their sequence numbers are never
given again: numbers are handed out from blocks of ``RESERVE_BLOCK`` whose end is first committed with
``synchronous=FULL`` (one fsync per block, which also makes every earlier event durable), and the log
starts above the reserved end after an unclean stop. A clean ``close`` records the last number, so a
normal restart continues without a gap. See RELIABILITY.md for the measurements behind this choice.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import logging
import sqlite3
import threading
from collections.abc import AsyncIterator
from pathlib import Path

from google.protobuf.timestamp_pb2 import Timestamp
from kiosk.v1 import events_pb2

_LOGGER = logging.getLogger(__name__)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS events (
    sequence INTEGER PRIMARY KEY,
    device TEXT NOT NULL,
    payload BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL);
"""

#: Sequence numbers reserved durably at a time: one fsync per this many events.
RESERVE_BLOCK = 256


class EventLog:
    def __init__(self, path: Path, *, retain: int = 100_000, memory: int = 4096) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.executescript(_SCHEMA)
        self._lock = threading.Lock()
        self._retain = retain
        row = self._db.execute("SELECT COALESCE(MAX(sequence), 0) FROM events").fetchone()
        reserved = self._db.execute("SELECT value FROM meta WHERE key = 'reserved'").fetchone()
        # After a power cut the table may end below numbers already handed out: start above them all.
        self._last_sequence: int = max(row[0], reserved[0] if reserved else 0)
        self._reserved = self._last_sequence
        self._recent: collections.deque[events_pb2.Event] = collections.deque(maxlen=memory)
        self._loop: asyncio.AbstractEventLoop | None = None
        self._changed = asyncio.Event()

    @property
    def last_sequence(self) -> int:
        return self._last_sequence

    def bind_loop(self, loop: asyncio.AbstractEventLoop) -> None:
        """Watchers wait on this loop; publishers on other threads wake it."""
        self._loop = loop

    def publish(self, event: events_pb2.Event) -> events_pb2.Event:
        """Number, timestamp and persist ``event``; then wake the watchers. Returns the stored event."""
        with self._lock:
            event.sequence = self._last_sequence + 1
            if event.sequence > self._reserved:
                self._reserve(event.sequence + RESERVE_BLOCK - 1)
            if not event.HasField("event_time"):
                stamp = Timestamp()
                stamp.GetCurrentTime()
                event.event_time.CopyFrom(stamp)
            self._db.execute(
                "INSERT INTO events (sequence, device, payload) VALUES (?, ?, ?)",
                (event.sequence, event.device, event.SerializeToString()),
            )
            self._last_sequence = event.sequence
            self._recent.append(event)
            if event.sequence % 1000 == 0:
                self._db.execute("DELETE FROM events WHERE sequence <= ?", (event.sequence - self._retain,))
        self._wake()
        return event

    def _wake(self) -> None:
        loop = self._loop
        if loop is None or loop.is_closed():
            return
        try:
            running = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if running is loop:
            self._notify()
        else:
            loop.call_soon_threadsafe(self._notify)

    def _notify(self) -> None:
        changed, self._changed = self._changed, asyncio.Event()
        changed.set()

    def read_after(self, after: int, limit: int = 500) -> list[events_pb2.Event]:
        """Events with sequence > ``after``, oldest first, from memory when they are still there."""
        with self._lock:
            if self._recent and self._recent[0].sequence <= after + 1:
                return [event for event in self._recent if event.sequence > after][:limit]
            rows = self._db.execute(
                "SELECT payload FROM events WHERE sequence > ? ORDER BY sequence LIMIT ?", (after, limit)
            ).fetchall()
        return [events_pb2.Event.FromString(payload) for (payload,) in rows]

    async def watch(
        self, after: int, devices: frozenset[str] = frozenset()
    ) -> AsyncIterator[events_pb2.Event]:
        """Every event after ``after`` (optionally only some devices), then new ones as they come."""
        last = after
        while True:
            waiter = self._changed
            batch = self.read_after(last)
            for event in batch:
                last = event.sequence
                if not devices or event.device in devices:
                    yield event
            if not batch:
                await waiter.wait()

    def _reserve(self, last: int) -> None:
        """Durably record that numbers up to ``last`` may be handed out (one fsync; caller holds the lock)."""
        self._db.execute("PRAGMA synchronous=FULL")
        try:
            self._db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('reserved', ?)", (last,))
        finally:
            self._db.execute("PRAGMA synchronous=NORMAL")
        self._reserved = last

    def close(self) -> None:
        with self._lock:
            with contextlib.suppress(sqlite3.Error):  # e.g. a full disk: the next start skips the block
                self._reserve(self._last_sequence)  # a clean stop: the next start continues without a gap
            self._db.close()
