"""A simulator's loopback control API (CONTRIBUTING.md): ``GET /state`` and ``POST /<action>`` with JSON."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Any


class SimulatorControl:
    """Mixin for fixture handles that have a ``control`` URL (``http://127.0.0.1:PORT``)."""

    control: str
    control_name = "simulator"

    def post(self, action: str, **body: Any) -> dict[str, Any]:
        request = urllib.request.Request(
            f"{self.control}/{action}",
            data=json.dumps(body).encode(),
            headers={"Content-Type": "application/json"},
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return dict(json.load(response))
        except urllib.error.HTTPError as exc:
            raise RuntimeError(f"{self.control_name} {action}: {exc.code} {exc.read().decode()}") from exc

    def state(self) -> dict[str, Any]:
        with urllib.request.urlopen(f"{self.control}/state", timeout=10) as response:
            return dict(json.load(response))
