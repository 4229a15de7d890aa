"""The fleet board: every terminal's row (office, last heard, backlog, devices), a silent one marked stale.

``read_board`` reads it once; ``FleetFeed`` keeps one connection that LISTENs on ``frontyard_fleet`` (the
central database NOTIFYs it on every terminal heartbeat and device event) and pushes the whole board to
every browser that follows it: after a notification (several close together coalesce into one push) and
every ``push_every_s`` in any case, so a terminal that stopped talking turns stale on screen by itself.
While the database does not answer, followers get ``None`` (every ``RETRY_S``) until it is back.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import json
import logging
from collections.abc import AsyncIterator, Sequence
from dataclasses import asdict, dataclass
from typing import Any

import psycopg

_LOGGER = logging.getLogger(__name__)

CHANNEL = "frontyard_fleet"
COALESCE_S = 0.25  # notifications this close together make one push
RETRY_S = 2.0  # after the database went away
FAULT_STATES = frozenset({"ERROR", "OFFLINE", "UNKNOWN"})  # a device's fault is shown only in these
BOARD_SQL = (
    "SELECT terminal_id, office, last_seen_time, backlog_rows, devices, now()"
    " FROM frontyard.terminals ORDER BY office, terminal_id"
)


@dataclass(frozen=True)
class DeviceLine:
    slot: str
    state: str  # IDLE, BUSY, ERROR, OFFLINE or UNKNOWN
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class TerminalLine:
    terminal_id: str
    office: str
    last_seen_time: str | None  # ISO 8601
    seconds_since_seen: int | None
    stale: bool
    backlog_rows: int
    devices: tuple[DeviceLine, ...]


@dataclass(frozen=True)
class Board:
    terminals: tuple[TerminalLine, ...]
    version: int  # counts the pushes of one feed (0 for a single read)

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


def device_lines(devices: Any) -> tuple[DeviceLine, ...]:
    """The heartbeat's device summary (a list of objects, or an object keyed by slot) as lines."""
    if isinstance(devices, dict):
        items = [
            {"slot": slot, **(value if isinstance(value, dict) else {})} for slot, value in devices.items()
        ]
    elif isinstance(devices, list):
        items = [item for item in devices if isinstance(item, dict)]
    else:
        items = []
    lines = []
    for item in items:
        state = str(item.get("state") or "UNKNOWN").upper().removeprefix("DEVICE_STATE_")
        reasons = item.get("reasons") or item.get("status_reasons") or []
        fault = str(item.get("fault") or "") if state in FAULT_STATES else ""  # else: a past fault
        found = [str(reason).replace("-", "_") for reason in reasons if isinstance(reason, str)]
        for part in fault.split(","):
            if part and part.replace("-", "_") not in found:
                found.append(part.replace("-", "_"))
        lines.append(DeviceLine(str(item.get("slot") or item.get("name") or ""), state, tuple(found)))
    return tuple(sorted(lines, key=lambda line: line.slot))


def board_of(rows: Sequence[tuple[Any, ...]], stale_after_s: float, version: int = 0) -> Board:
    lines = []
    for terminal_id, office, last_seen, backlog, devices, now in rows:
        seconds = None if last_seen is None else max(0, int((now - last_seen).total_seconds()))
        lines.append(
            TerminalLine(
                terminal_id=terminal_id,
                office=office,
                last_seen_time=last_seen.isoformat() if isinstance(last_seen, dt.datetime) else None,
                seconds_since_seen=seconds,
                stale=seconds is None or seconds > stale_after_s,
                backlog_rows=int(backlog or 0),
                devices=device_lines(devices),
            )
        )
    return Board(tuple(lines), version)


def read_board(connection: psycopg.Connection[Any], stale_after_s: float) -> Board:
    return board_of(connection.execute(BOARD_SQL).fetchall(), stale_after_s)


class FleetFeed:
    """One LISTEN connection shared by every follower; runs only while someone follows."""

    def __init__(self, database: str, stale_after_s: float, push_every_s: float) -> None:
        self.database = database
        self.stale_after_s = stale_after_s
        self.push_every_s = push_every_s
        self._followers: set[asyncio.Queue[Board | None]] = set()
        self._task: asyncio.Task[None] | None = None
        self._version = 0
        self._lost = False  # the database went away (logged once until it is back)

    @contextlib.asynccontextmanager
    async def follow(self) -> AsyncIterator[asyncio.Queue[Board | None]]:
        queue: asyncio.Queue[Board | None] = asyncio.Queue(maxsize=4)
        self._followers.add(queue)
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self._run())
        try:
            yield queue
        finally:
            self._followers.discard(queue)

    async def close(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    def _push(self, board: Board | None) -> None:
        for queue in self._followers:
            if queue.full():  # a slow browser gets the newest board, not a backlog of old ones
                queue.get_nowait()
            queue.put_nowait(board)

    async def _run(self) -> None:
        while self._followers:
            try:
                await self._listen()
            except (psycopg.OperationalError, psycopg.InterfaceError) as error:
                if not self._lost:
                    _LOGGER.warning("fleet feed lost the central database: %s", type(error).__name__)
                self._lost = True
                self._push(None)  # the browsers say so instead of showing a board that has stopped
                await asyncio.sleep(RETRY_S)

    async def _listen(self) -> None:
        async with await psycopg.AsyncConnection.connect(self.database, autocommit=True) as connection:
            await connection.execute(f"LISTEN {CHANNEL}")
            while self._followers:
                await self._publish(connection)
                await self._wait(connection)

    async def _wait(self, connection: psycopg.AsyncConnection[Any]) -> None:
        """Until a notification (then a moment more, to coalesce a burst) or ``push_every_s``."""
        notified = [n async for n in connection.notifies(timeout=self.push_every_s, stop_after=1)]
        if notified:  # (one notifies() at a time: each holds the connection)
            await asyncio.sleep(COALESCE_S)
            _ = [n async for n in connection.notifies(timeout=0.01)]

    async def _publish(self, connection: psycopg.AsyncConnection[Any]) -> None:
        cursor = await connection.execute(BOARD_SQL)
        self._version += 1
        self._lost = False
        self._push(board_of(await cursor.fetchall(), self.stale_after_s, self._version))


def sse(board: Board | None) -> bytes:
    """One server-sent event: the board, or ``unreachable`` while the central database does not answer."""
    if board is None:
        return b"event: unreachable\ndata: {}\n\n"
    return f"data: {json.dumps(board.as_json(), ensure_ascii=False)}\n\n".encode()
