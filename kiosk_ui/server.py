"""``python -m kiosk_ui.server``: serve the kiosk pages on loopback and bridge them to the daemon.

The pages are thin: every decision and every device call lives in the daemon. This server only turns
HTTP (JSON bodies, server-sent events) into the daemon's gRPC calls, on the kiosk socket for the resident
pages and on the staff socket for the staff console (``/staff/``, or a port of its own with
``--staff-port``). When it is listening it prints one JSON line on stdout:
``{"ui": "http://127.0.0.1:8080/", "staff": "http://127.0.0.1:8080/staff/"}``.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import logging
import signal
import socket
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

import uvicorn
from starlette.applications import Starlette
from starlette.responses import FileResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

from .api import bridge_routes, card_simulator_routes, simulator_routes
from .auth import StaffAuth, StaffAuthMiddleware
from .bridge import Bridge
from .catalog import Role, allowed_methods, load_methods
from .qr import qr_routes

_LOGGER = logging.getLogger(__name__)

STATIC = Path(__file__).parent / "static"
LANGUAGES = ("ja", "ja-easy", "en", "zh", "ko", "vi")


@dataclass(frozen=True)
class UiOptions:
    kiosk_daemon: str = "unix:run/kiosk.sock"
    staff_daemon: str = "unix:run/staff.sock"
    simulators: str = ""  # frontyard-sim control address (host:port); "" hides the simulator panel
    card_simulator: str = ""  # the card simulator's control URL (http://127.0.0.1:port); "" hides its panel
    idle_timeout_s: int = 90
    idle_warning_s: int = 30
    staff_idle_timeout_s: int = 900  # a staff session unused this long is signed out
    serve_resident: bool = True
    serve_staff: bool = True
    languages: tuple[str, ...] = field(default=LANGUAGES)


def _page(name: str) -> Route:
    async def page(request: object) -> Response:
        return FileResponse(STATIC / name, headers={"Cache-Control": "no-store"})

    return Route("/" if name == "index.html" else f"/{name}", page)


def create_app(options: UiOptions) -> Starlette:
    """The ASGI app: resident pages at ``/``, staff console at ``/staff/`` (each only when enabled)."""
    methods = load_methods()
    routes: list[BaseRoute] = []
    bridges: list[Bridge] = []
    auth = StaffAuth(options.staff_daemon, options.staff_idle_timeout_s)

    async def ui_config(request: object) -> Response:
        return JSONResponse(
            {
                "languages": list(options.languages),
                "idle_timeout_s": options.idle_timeout_s,
                "idle_warning_s": options.idle_warning_s,
                "simulators": bool(options.simulators),
                "card_simulator": bool(options.card_simulator),
                "services": sorted({info.service for info in methods.values()}),
            }
        )

    routes.append(Route("/api/config", ui_config))
    if options.serve_resident:
        kiosk = Bridge(options.kiosk_daemon, allowed_methods(methods, Role.KIOSK))
        bridges.append(kiosk)
        routes += [_page("index.html"), *bridge_routes(kiosk, "/api"), *qr_routes("/api")]
    if options.serve_staff:
        staff = Bridge(options.staff_daemon, allowed_methods(methods, Role.STAFF))
        bridges.append(staff)

        async def staff_page(request: object) -> Response:
            return FileResponse(STATIC / "staff.html", headers={"Cache-Control": "no-store"})

        async def staff_redirect(request: object) -> Response:
            return RedirectResponse("/staff/")

        async def counter_page(request: object) -> Response:
            # The resident screens for the counter tablet (書かない窓口 with staff beside the resident):
            # the same page, bridged to the staff socket, so the document camera (staff role) is reachable.
            return FileResponse(STATIC / "index.html", headers={"Cache-Control": "no-store"})

        routes += [
            Route("/staff", staff_redirect),
            Route("/staff/", staff_page),
            Route("/staff/counter/", counter_page),
            *auth.routes(),
            *bridge_routes(staff, "/staff/api"),
            *qr_routes("/staff/api", enrolment=True),  # + TOTP enrolment on the account page
            *simulator_routes(options.simulators, "/staff/api/simulators"),
            *card_simulator_routes(options.card_simulator, "/staff/api/card-simulator"),
        ]
        if not options.serve_resident:
            routes.append(Route("/", staff_redirect))
    routes.append(Mount("/static", StaticFiles(directory=STATIC), name="static"))

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette):  # type: ignore[no-untyped-def]
        yield
        for bridge in bridges:
            await bridge.close()
        await auth.close()

    app = Starlette(routes=routes, lifespan=lifespan)
    if options.serve_staff:
        app.add_middleware(StaffAuthMiddleware, auth=auth)  # every /staff/api call needs a signed-in person
    return app


def listen_socket(host: str, port: int) -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    # Inherited by accepted connections. asyncio sets TCP_NODELAY only on sockets made with
    # proto=IPPROTO_TCP; without it Nagle holds a response's body (h11 writes head and body apart) until
    # the browser's delayed ACK: ~40 ms on every keep-alive request.
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    sock.bind((host, port))
    sock.listen(128)
    sock.setblocking(False)
    return sock


async def serve(options: UiOptions, host: str, port: int, staff_port: int | None) -> None:
    """Listen (port 0 picks a free one), print the ready line, serve until SIGTERM or Ctrl-C."""
    listeners: list[tuple[Starlette, socket.socket]] = []
    if staff_port is None:
        main = listen_socket(host, port)
        listeners.append((create_app(options), main))
        base = f"http://{host}:{main.getsockname()[1]}/"
        ready = {"ui": base, "staff": base + "staff/", "counter": base + "staff/counter/"}
    else:
        main = listen_socket(host, port)
        staff = listen_socket(host, staff_port)
        listeners.append((create_app(_with(options, serve_staff=False)), main))
        listeners.append((create_app(_with(options, serve_resident=False)), staff))
        ready = {"ui": f"http://{host}:{main.getsockname()[1]}/"}
        ready["staff"] = f"http://{host}:{staff.getsockname()[1]}/staff/"
        ready["counter"] = ready["staff"] + "counter/"
    servers = [
        _Server(uvicorn.Config(app, log_level="warning", timeout_graceful_shutdown=1, access_log=False))
        for app, _ in listeners
    ]
    loop = asyncio.get_running_loop()

    def stop() -> None:
        for server in servers:
            server.should_exit = True

    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop)
    tasks = [
        asyncio.create_task(server.serve(sockets=[sock]))
        for server, (_, sock) in zip(servers, listeners, strict=True)
    ]
    while not all(server.started for server in servers):
        if any(task.done() for task in tasks):
            break
        await asyncio.sleep(0.02)
    print(json.dumps(ready), flush=True)
    await asyncio.gather(*tasks)


def _with(options: UiOptions, *, serve_resident: bool = True, serve_staff: bool = True) -> UiOptions:
    return replace(options, serve_resident=serve_resident, serve_staff=serve_staff)


class _Server(uvicorn.Server):
    """Two servers share one process: the signals are ours, not each server's."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m kiosk_ui.server",
        description="Serve the Frontyard kiosk UI (resident pages and staff console) and bridge it to the "
        "daemon over gRPC. Binds loopback only.",
    )
    parser.add_argument("--daemon", default="unix:run/kiosk.sock", help="daemon kiosk-role address")
    parser.add_argument("--staff-daemon", default="unix:run/staff.sock", help="daemon staff-role address")
    parser.add_argument("--host", default="127.0.0.1", help="listen address (default %(default)s)")
    parser.add_argument("--port", type=int, default=8080, help="resident pages port; 0 picks a free one")
    parser.add_argument(
        "--staff-port",
        type=int,
        help="serve the staff console on this port only (and not on --port); bind it where only the "
        "staff tablet reaches it",
    )
    parser.add_argument("--no-staff", action="store_true", help="do not serve the staff console at all")
    parser.add_argument("--simulators", default="", help="frontyard-sim control address (host:port)")
    parser.add_argument(
        "--card-simulator", default="", help="the card simulator's control URL (staff panel inserts cards)"
    )
    parser.add_argument("--idle-timeout", type=int, default=90, help="seconds of no touch before warning")
    parser.add_argument("--idle-warning", type=int, default=30, help="countdown seconds before the wipe")
    parser.add_argument(
        "--staff-idle-timeout", type=int, default=900, help="seconds before an unused staff session ends"
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="debug logging on stderr")
    args = parser.parse_args(argv)
    if args.host not in ("127.0.0.1", "localhost", "::1"):
        parser.error("the UI server binds loopback only; put a reverse proxy in front for anything else")
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.WARNING, stream=sys.stderr)
    options = UiOptions(
        kiosk_daemon=args.daemon,
        staff_daemon=args.staff_daemon,
        simulators=args.simulators,
        card_simulator=args.card_simulator,
        idle_timeout_s=args.idle_timeout,
        idle_warning_s=args.idle_warning,
        staff_idle_timeout_s=args.staff_idle_timeout,
        serve_staff=not args.no_staff,
    )
    asyncio.run(serve(options, args.host, args.port, args.staff_port))
    return 0


if __name__ == "__main__":
    sys.exit(main())
