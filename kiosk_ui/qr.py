"""``POST {prefix}/qr`` {"text": reception code} → {"svg": …}: the reception QR drawn on the server.

Only a reception code (``FY1:<date>:<counter>:<serial>:<mac>``, no personal data) is drawn, so the route
cannot be used to render arbitrary text; segno draws it (no download, no browser library). Behind the
staff sign-in, the 管理者 account page also draws a TOTP enrolment URI (``otpauth://totp/Frontyard:<staff
id>?secret=…&issuer=Frontyard``, from ``StaffService.AddAccount``/``ResetAccount``) for an
authenticator app; the reply is never cached and the URI never logged.
"""

from __future__ import annotations

import io
import json
import re

import segno
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

RECEPTION_CODE = re.compile(r"^FY1:\d{8}:[A-Z0-9-]{1,12}:\d{4,6}:[A-Z2-7]{16}$")  # frontyard/reception.py
# daemon/staff/service.py TOTP_ISSUER; a staff id of daemon/inputs.py STAFF_ID; pyotp's base32 secret
TOTP_URI = re.compile(
    r"^otpauth://totp/Frontyard:(?:[A-Za-z]{1,4}-?)?[0-9]{1,8}\?secret=[A-Z2-7]{16,64}&issuer=Frontyard$"
)


def reception_qr_svg(code: str) -> str:
    """The code as an inline SVG (black on white, 4-module quiet zone, scalable by CSS)."""
    buffer = io.BytesIO()
    segno.make(code, error="m").save(buffer, kind="svg", xmldecl=False, svgns=True, omitsize=True, border=4)
    return buffer.getvalue().decode()


def qr_routes(prefix: str, *, enrolment: bool = False) -> list[BaseRoute]:
    """The QR route; ``enrolment`` (the staff side only) also draws TOTP enrolment URIs."""

    async def qr(request: Request) -> Response:
        try:
            text = str(json.loads(await request.body() or b"{}").get("text", ""))
        except (json.JSONDecodeError, UnicodeDecodeError, AttributeError):
            text = ""
        if not (RECEPTION_CODE.match(text) or (enrolment and TOTP_URI.match(text))):
            error = {
                "code": "INVALID_ARGUMENT",
                "reason": "reception_code_malformed",
                "message": "not a reception code",
            }
            return JSONResponse({"error": error}, 400)
        return JSONResponse({"svg": reception_qr_svg(text)}, headers={"Cache-Control": "no-store"})

    return [Route(f"{prefix}/qr", qr, methods=["POST"])]
