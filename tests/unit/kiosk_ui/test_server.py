"""The ASGI app without a daemon: pages, config, refusals, and errors that carry a reason key."""

from __future__ import annotations

import logging
import socket

import httpx
import pytest
from starlette.applications import Starlette

from kiosk_ui.server import UiOptions, create_app, listen_socket

NOWHERE = "unix:/nonexistent/frontyard-test.sock"


def client_for(app: Starlette) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://127.0.0.1")


@pytest.fixture
def app() -> Starlette:
    return create_app(
        UiOptions(kiosk_daemon=NOWHERE, staff_daemon=NOWHERE, idle_timeout_s=5, idle_warning_s=20)
    )


async def test_pages_config_and_static(app: Starlette) -> None:
    async with client_for(app) as client:
        assert '<main id="screen"' in (await client.get("/")).text
        assert "staff.js" in (await client.get("/staff/")).text
        config = (await client.get("/api/config")).json()
        assert config["idle_warning_s"] == 20 and "ja-easy" in config["languages"]
        assert "CardService" in config["services"]
        assert (await client.get("/static/i18n/ja.json")).status_code == 200


async def test_counter_tablet_page_is_the_resident_page_on_the_staff_app() -> None:
    async with client_for(create_app(UiOptions(staff_daemon=NOWHERE, serve_resident=False))) as client:
        counter = await client.get("/staff/counter/")
        assert counter.status_code == 200 and "resident.js" in counter.text
        # The staff bridge exists on this app, behind the staff sign-in (kiosk_ui.auth).
        refused = await client.post("/staff/api/rpc/CameraService/Nothing", json={})
        assert refused.status_code == 401 and refused.json()["error"]["reason"] == "staff_sign_in_required"
    async with client_for(create_app(UiOptions(kiosk_daemon=NOWHERE, serve_staff=False))) as client:
        assert (await client.get("/staff/counter/")).status_code == 404
        refused = await client.post("/api/rpc/CameraService/ReadDocument", json={})
        assert refused.status_code == 404 and refused.json()["error"]["reason"] == "not_available"


async def test_resident_only_app_serves_no_staff_console() -> None:
    async with client_for(create_app(UiOptions(kiosk_daemon=NOWHERE, serve_staff=False))) as client:
        assert (await client.get("/staff/")).status_code == 404
        assert (await client.post("/staff/api/rpc/PaymentService/ListPayments", json={})).status_code == 404
    async with client_for(create_app(UiOptions(staff_daemon=NOWHERE, serve_resident=False))) as client:
        assert (await client.post("/api/rpc/CardService/GetPinStatus", json={})).status_code == 404


async def test_refusals_carry_reason_keys(app: Starlette) -> None:
    async with client_for(app) as client:
        unknown = await client.post("/api/rpc/CardService/Nothing", json={})
        assert unknown.status_code == 404 and unknown.json()["error"]["reason"] == "not_available"
        staff_only = await client.post(
            "/api/rpc/CardService/ReadMyNumber", json={"pin": "1234", "purpose": "x"}
        )
        assert staff_only.status_code == 404
        bad = await client.post("/api/rpc/CardService/GetPinStatus", content=b"{not json")
        assert bad.status_code == 400 and bad.json()["error"]["reason"] == "bad_request"
        assert (await client.get("/api/stream/CardService/GetPinStatus")).status_code == 404


async def test_daemon_down_is_a_reason_not_a_crash_and_the_pin_is_never_logged(
    app: Starlette, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    async with client_for(app) as client:
        reply = await client.post("/api/rpc/CardService/ReadBasicInfo", json={"pin": "9731"})
    assert reply.status_code == 503
    assert reply.json()["error"]["reason"] == "daemon_unreachable"
    assert "9731" not in caplog.text


def test_connections_are_accepted_with_nagle_off() -> None:
    """Else each keep-alive response waits ~40 ms for the browser's delayed ACK (bench ui)."""
    listener = listen_socket("127.0.0.1", 0)
    client = socket.create_connection(listener.getsockname())
    try:
        listener.setblocking(True)
        accepted, _ = listener.accept()
        with accepted:
            assert accepted.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) != 0
    finally:
        client.close()
        listener.close()
