"""The back-office console's JSON routes under ``/staff/api/backoffice`` (behind the staff sign-in guard).

Reads are GET; actions are POST with a JSON body (the guard checks the CSRF token). Database work runs in
a worker thread on a short-lived connection as ``frontyard_backoffice`` (a few staff, a few requests a
minute: no pool needed), so a database outage answers 503 ``central_unreachable`` and the next request
connects again. Every action is recorded in the back office's audit log with the signed-in person.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import logging
from collections.abc import AsyncIterator, Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, TypeVar

import psycopg
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import BaseRoute, Route

from daemon.staff.roles import StaffRole
from frontyard import exporter
from frontyard.corrections import FieldCorrection
from frontyard.errors import DomainError, ErrorCategory
from kiosk_ui.auth import COOKIE
from kiosk_ui.auth_context import current_staff

from . import board, closing, figures, outbox
from .auth import BackofficeAuth

_LOGGER = logging.getLogger(__name__)

PREFIX = "/staff/api/backoffice"
SSE_HEADERS = {"Cache-Control": "no-store", "X-Accel-Buffering": "no"}
MAX_BODY = 64 * 1024
T = TypeVar("T")
Body = dict[str, Any]
Connection = psycopg.Connection[Any]
ApplicationStep = Callable[[Connection, outbox.ApplicationKey, Body, str], Body]


def _error(status: int, reason: str, message_ja: str) -> JSONResponse:
    return JSONResponse({"error": {"reason": reason, "message_ja": message_ja}}, status)


UNREACHABLE = (
    503,
    "central_unreachable",
    "中央データベースに接続できません。しばらくしてから再読み込みしてください。",
)
BAD_REQUEST = (400, "bad_request", "入力内容に誤りがあります。")
STATUS_OF_REASON = {"application_not_found": 404, "bad_request": 400}
ROLE_MISSING = (403, "staff_role_missing", "この操作をする役割がありません（会計・管理者など）。")


@dataclass(frozen=True)
class ConsoleSettings:
    export_dir: Path  # exported application packages
    stale_after_s: float = 30.0  # a terminal silent this long is marked stale
    push_every_s: float = 5.0  # the board is pushed at least this often
    busy_months: frozenset[int] = frozenset({3, 4})  # 繁忙期
    timezone: str = "Asia/Tokyo"  # business days and seasons are counted here


class Console:
    """What the routes share: the database, the sign-in (for roles and the audit log), settings."""

    def __init__(self, database: str, auth: BackofficeAuth, settings: ConsoleSettings) -> None:
        self.database = database
        self.auth = auth
        self.settings = settings
        self.feed = board.FleetFeed(database, settings.stale_after_s, settings.push_every_s)

    async def run(self, work: Callable[[psycopg.Connection[Any]], T]) -> T:
        def in_thread() -> T:
            with psycopg.connect(self.database, connect_timeout=5) as connection:
                return work(connection)

        return await run_in_threadpool(in_thread)


async def _body(request: Request) -> dict[str, Any] | None:
    raw = await request.body()
    if len(raw) > MAX_BODY:
        return None
    try:
        body = json.loads(raw or b"{}")
    except (json.JSONDecodeError, UnicodeDecodeError):
        return None
    return body if isinstance(body, dict) else None


def _date(text: str | None) -> dt.date | None:
    if not text:
        return None
    return dt.date.fromisoformat(text)


def _corrections(items: Any) -> list[FieldCorrection]:
    if not isinstance(items, list) or len(items) > 200:
        raise ValueError("corrections")
    found = []
    for item in items:
        if (
            not isinstance(item, dict)
            or not isinstance(item.get("key"), str)
            or not isinstance(item.get("value"), str)
        ):
            raise ValueError("corrections")
        furigana = item.get("furigana")
        if furigana is not None and not isinstance(furigana, str):
            raise ValueError("corrections")
        found.append(FieldCorrection(item["key"], item["value"], furigana))
    return found


def routes(console: Console) -> list[BaseRoute]:
    async def guarded(work: Callable[[], Any]) -> Response:
        """Run a route's work; domain errors and database outages in words, never as a trace."""
        try:
            return JSONResponse(await work(), headers={"Cache-Control": "no-store"})
        except psycopg.OperationalError as error:
            _LOGGER.warning("central database unreachable: %s", type(error).__name__)
            return _error(*UNREACHABLE)
        except DomainError as error:
            bad_input = error.category is ErrorCategory.BAD_INPUT
            status = 400 if bad_input else STATUS_OF_REASON.get(error.reason, 409)
            return _error(status, error.reason, error.message_ja)
        except (ValueError, KeyError):
            return _error(*BAD_REQUEST)

    async def fleet(request: Request) -> Response:
        stale = console.settings.stale_after_s
        return await guarded(lambda: console.run(lambda c: board.read_board(c, stale).as_json()))

    async def fleet_events(request: Request) -> Response:
        session_id = request.cookies.get(COOKIE, "")

        async def events() -> AsyncIterator[bytes]:
            """Until the browser leaves or its session ends (signed out, or idle: pushes are not use)."""
            async with console.feed.follow() as queue:
                while console.auth.sessions.alive(session_id) and not await request.is_disconnected():
                    try:
                        yield board.sse(await asyncio.wait_for(queue.get(), timeout=15))
                    except TimeoutError:
                        yield b": still here\n\n"

        return StreamingResponse(events(), media_type="text/event-stream", headers=SSE_HEADERS)

    async def applications(request: Request) -> Response:
        status = request.query_params.get("status", outbox.CentralStatus.RELEASED.value)

        async def work() -> dict[str, Any]:
            found = await console.run(lambda c: outbox.list_applications(c, status))
            return {"applications": [asdict(item) for item in found]}

        return await guarded(work)

    async def on_application(request: Request, do: ApplicationStep, audited: str = "") -> Response:
        """A POST naming one application by ``key``: ``do`` it as the signed-in person, audit ``audited``."""
        body = await _body(request)
        if body is None:
            return _error(*BAD_REQUEST)
        staff_id = current_staff.get()

        async def work() -> dict[str, Any]:
            key = outbox.ApplicationKey.parse(body.get("key", ""))
            done = await console.run(lambda connection: do(connection, key, body, staff_id))
            if audited:
                console.auth.record(staff_id, audited, f"applications/{key}")
            return done

        return await guarded(work)

    def open_one(connection: Connection, key: outbox.ApplicationKey, body: Body, staff_id: str) -> Body:
        return outbox.get_application(connection, key)

    def correct_one(connection: Connection, key: outbox.ApplicationKey, body: Body, staff_id: str) -> Body:
        changes = _corrections(body.get("corrections"))
        return {"corrected_fields": list(outbox.correct_application(connection, key, changes, staff_id))}

    def check_one(connection: Connection, key: outbox.ApplicationKey, body: Body, staff_id: str) -> Body:
        outbox.check_application(connection, key, staff_id)
        return {"checked": str(key)}

    async def application(request: Request) -> Response:
        return await on_application(request, open_one)

    async def correct(request: Request) -> Response:
        return await on_application(request, correct_one, "application.corrected")

    async def release(request: Request) -> Response:
        return await on_application(request, check_one, "application.checked")

    async def export(request: Request) -> Response:
        staff_id = current_staff.get()
        directory = console.settings.export_dir

        async def work() -> dict[str, Any]:
            def export_all(connection: psycopg.Connection[Any]) -> tuple[Path, ...]:
                store = outbox.CentralOutbox(connection, staff_id)
                return exporter.export_released(store, directory, dt.datetime.now(dt.UTC))

            written = await console.run(export_all)
            for path in written:
                console.auth.record(staff_id, "application.exported", f"applications/{path.name}")
            return {"exported": len(written)}

        return await guarded(work)

    async def kpi(request: Request) -> Response:
        query = request.query_params
        settings = console.settings

        async def work() -> dict[str, Any]:
            start, end = _date(query.get("from")), _date(query.get("to"))
            report = await console.run(
                lambda c: figures.read_figures(c, start, end, settings.busy_months, settings.timezone)
            )
            return report.as_json()

        return await guarded(work)

    async def close(request: Request) -> Response:
        session, _ = console.auth.live_session(request)
        roles = frozenset(StaffRole.parse(name) for name in session.roles) if session else frozenset()
        if not roles & {StaffRole.CASHIER, StaffRole.ADMIN}:
            return _error(*ROLE_MISSING)
        query = request.query_params
        timezone = console.settings.timezone

        async def work() -> dict[str, Any]:
            day = _date(query.get("date"))
            report = await console.run(lambda c: closing.read_close(c, day, timezone))
            return report.as_json()

        return await guarded(work)

    return [
        Route(f"{PREFIX}/fleet", fleet),
        Route(f"{PREFIX}/fleet/events", fleet_events),
        Route(f"{PREFIX}/applications", applications),
        Route(f"{PREFIX}/applications/get", application, methods=["POST"]),
        Route(f"{PREFIX}/applications/correct", correct, methods=["POST"]),
        Route(f"{PREFIX}/applications/release", release, methods=["POST"]),
        Route(f"{PREFIX}/applications/export", export, methods=["POST"]),
        Route(f"{PREFIX}/kpi", kpi),
        Route(f"{PREFIX}/close", close),
    ]
