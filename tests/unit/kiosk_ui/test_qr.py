"""The reception QR route: a reception code becomes an SVG that decodes back to it; anything else is
refused (the route draws no arbitrary text)."""

from __future__ import annotations

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from starlette.applications import Starlette

from kiosk_ui.qr import RECEPTION_CODE, reception_qr_svg
from kiosk_ui.server import UiOptions, create_app

NOWHERE = "unix:/nonexistent/frontyard-test.sock"
CODE = "FY1:20250909:SHIMIN:0042:K3QW5B7ZP2XJ4M6A"


def client_for(app: Starlette) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://127.0.0.1")


@pytest.fixture
def app() -> Starlette:
    return create_app(UiOptions(kiosk_daemon=NOWHERE, staff_daemon=NOWHERE))


async def test_a_reception_code_is_drawn_on_both_bridges(app: Starlette) -> None:
    async with client_for(app) as client:
        reply = await client.post("/api/qr", json={"text": CODE})
        assert reply.status_code == 200
        svg = reply.json()["svg"]
        assert svg.startswith("<svg") and "viewBox" in svg and "<path" in svg
        # the staff bridge's route exists behind the staff sign-in (kiosk_ui.auth), like all of /staff/api
        staff = await client.post("/staff/api/qr", json={"text": CODE})
        assert staff.status_code == 401 and staff.json()["error"]["reason"] == "staff_sign_in_required"


async def test_other_text_is_refused(app: Starlette) -> None:
    async with client_for(app) as client:
        for body in ({"text": "指宿 太郎"}, {"text": CODE + "X"}, {}, [1, 2]):
            reply = await client.post("/api/qr", json=body)
            assert reply.status_code == 400
            assert reply.json()["error"]["reason"] == "reception_code_malformed"
        assert (await client.post("/api/qr", content=b"\xff\xfe")).status_code == 400


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=80))
def test_only_reception_codes_match(text: str) -> None:
    if RECEPTION_CODE.match(text):
        assert text.startswith("FY1:") and len(text.split(":")) == 5


def test_the_svg_scales_with_css() -> None:
    svg = reception_qr_svg(CODE)
    assert 'width="' not in svg.split(">", 1)[0]  # no fixed size: CSS sizes it to the screen


TOTP = "otpauth://totp/Frontyard:S-0042?secret=O3F33RTRLAF624XKWTMYOTHK6MYO5VKO&issuer=Frontyard"


async def test_a_totp_enrolment_is_drawn_only_on_the_staff_side() -> None:
    from kiosk_ui.qr import qr_routes

    staff = Starlette(routes=qr_routes("/staff/api", enrolment=True))  # behind the sign-in in the server
    async with client_for(staff) as client:
        assert (await client.post("/staff/api/qr", json={"text": TOTP})).json()["svg"].startswith("<svg")
        other = TOTP.replace("Frontyard:S-0042", "Evil:S-0042")
        assert (await client.post("/staff/api/qr", json={"text": other})).status_code == 400
    resident = Starlette(routes=qr_routes("/api"))
    async with client_for(resident) as client:
        assert (await client.post("/api/qr", json={"text": TOTP})).status_code == 400


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=120))
def test_only_frontyard_totp_uris_match(text: str) -> None:
    from kiosk_ui.qr import TOTP_URI

    if TOTP_URI.match(text):
        assert text.startswith("otpauth://totp/Frontyard:") and text.endswith("&issuer=Frontyard")
