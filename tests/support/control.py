"""A simulator's loopback control API (CONTRIBUTING.md): ``GET /state`` and ``POST /<action>`` with JSON.

``post_action`` and ``get_state`` are the one client every fixture uses; ``SimulatorControl`` gives a
fixture handle with a ``control`` URL the ``post``/``state`` methods.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Any

TIMEOUT_S = 10


class ControlError(RuntimeError):
    """The simulator refused an action: ``code`` is the HTTP status (404 unknown action, 400 bad body)."""

    def __init__(self, message: str, code: int) -> None:
        super().__init__(message)
        self.code = code


def post_action(
    control: str, action: str, body: dict[str, Any] | None = None, name: str = "simulator"
) -> Any:
    """POST ``body`` (JSON) to ``{control}/{action}``; the JSON reply, or ControlError with the error body."""
    request = urllib.request.Request(
        f"{control}/{action}",
        data=json.dumps(body or {}).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_S) as response:
            return json.load(response)
    except urllib.error.HTTPError as exc:
        with exc:
            raise ControlError(f"{name} {action}: {exc.code} {exc.read().decode()}", exc.code) from None


def get_state(control: str, path: str = "state") -> Any:
    with urllib.request.urlopen(f"{control}/{path}", timeout=TIMEOUT_S) as response:
        return json.load(response)


class SimulatorControl:
    """Mixin for fixture handles that have a ``control`` URL (``http://127.0.0.1:PORT``)."""

    control: str
    control_name = "simulator"

    def post(self, action: str, body: dict[str, Any] | None = None, **fields: Any) -> dict[str, Any]:
        """``post("cover", {"open": True})`` or ``post("cover", open=True)``."""
        return dict(post_action(self.control, action, {**(body or {}), **fields}, self.control_name))

    def state(self) -> dict[str, Any]:
        return dict(get_state(self.control))
