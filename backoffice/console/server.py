"""The back-office console's ASGI app and server, in the style of ``kiosk_ui.server``: loopback only,
one JSON ready line on stdout (``{"console": "http://127.0.0.1:PORT/staff/"}``), SIGTERM stops it.

The page is the staff console's layout (``backoffice.html`` and ``js/backoffice/``), the sign-in is
``kiosk_ui.auth``'s with the back office's own accounts (``backoffice.console.auth``).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import signal
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import FileResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from kiosk_ui.auth import StaffAuthMiddleware
from kiosk_ui.server import STATIC, _Server, listen_socket

from .auth import BackofficeAuth
from .routes import Console, ConsoleSettings, routes

LOOPBACK = ("127.0.0.1", "localhost", "::1")


@dataclass(frozen=True)
class ConsoleOptions:
    database: str  # a libpq connection string for the frontyard_backoffice role
    state_dir: Path  # staff.sqlite3 (accounts) and audit.sqlite3
    export_dir: Path  # where exported application packages are written (0700)
    stale_after_s: float = 30.0
    push_every_s: float = 5.0
    staff_idle_timeout_s: int = 900
    busy_months: frozenset[int] = field(default=frozenset({3, 4}))


def create_app(options: ConsoleOptions) -> Starlette:
    auth = BackofficeAuth(options.state_dir, options.staff_idle_timeout_s)
    settings = ConsoleSettings(
        export_dir=options.export_dir,
        stale_after_s=options.stale_after_s,
        push_every_s=options.push_every_s,
        busy_months=options.busy_months,
    )
    console = Console(options.database, auth, settings)

    async def page(request: Request) -> Response:
        return FileResponse(STATIC / "backoffice.html", headers={"Cache-Control": "no-store"})

    async def to_console(request: Request) -> Response:
        return RedirectResponse("/staff/")

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        yield
        await console.feed.close()
        await auth.close()

    app = Starlette(
        routes=[
            Route("/", to_console),
            Route("/staff", to_console),
            Route("/staff/", page),
            *auth.routes(),
            *routes(console),
            Mount("/static", StaticFiles(directory=STATIC), name="static"),
        ],
        lifespan=lifespan,
    )
    app.add_middleware(StaffAuthMiddleware, auth=auth)
    return app


async def serve(options: ConsoleOptions, host: str, port: int) -> None:
    """Listen (port 0 picks a free one), print the ready line, serve until SIGTERM or Ctrl-C."""
    if host not in LOOPBACK:
        raise ValueError("the back-office console binds loopback only / ループバックのみで待ち受けます")
    sock = listen_socket(host, port)
    server = _Server(  # signals are ours (SIGTERM: finish the open requests, then exit 0)
        uvicorn.Config(
            create_app(options), log_level="warning", timeout_graceful_shutdown=1, access_log=False
        )
    )
    loop = asyncio.get_running_loop()

    def stop() -> None:
        server.should_exit = True

    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop)
    task = asyncio.create_task(server.serve(sockets=[sock]))
    while not server.started:
        if task.done():
            break
        await asyncio.sleep(0.02)
    print(json.dumps({"console": f"http://{host}:{sock.getsockname()[1]}/staff/"}), flush=True)
    await task
