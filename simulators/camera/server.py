"""The camera simulator: an MJPEG-over-HTTP camera on loopback plus its JSON control API.

Stream port: ``GET /stream.mjpg`` (``multipart/x-mixed-replace``, a few fps) and ``GET /frame.jpg``.
Control port (CONTRIBUTING.md): ``GET /state``; ``POST /place`` {document, persona | fields, payload,
encoding, rotation, perspective, blur, glare, noise, brightness, width, height}; ``POST /remove``;
``POST /disconnect`` {"mode": "close" | "stall"}; ``POST /reconnect``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import logging
import threading
import time
from dataclasses import asdict, replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from simulators.camera.documents import CardFields
from simulators.camera.scene import DOCUMENT_KINDS, Scene, render_scene
from simulators.control import ControlApi, ControlServer, make_control_server
from simulators.personas import all_personas

_LOGGER = logging.getLogger(__name__)
BOUNDARY = "frontyardframe"
_SCENE_KEYS = ("rotation", "perspective", "blur", "glare", "noise", "brightness")


def fields_for_persona(persona_id: str) -> CardFields:
    """Card fields of a synthetic persona (licence number and expiry derived from its id)."""
    from simulators.personas import persona

    person = persona(persona_id)
    digest = hashlib.sha256(person.id.encode()).hexdigest()
    number = "".join(str(int(char, 16) % 10) for char in digest[:12])
    return CardFields(
        name=person.full_name,
        address=person.household.address,
        birth=person.birth,
        sex="男" if person.sex == "male" else "女",
        licence_number=number,
        expiry=dt.date(2029, person.birth.month, min(person.birth.day, 28)),
        my_number=person.my_number or "000000000000",
    )


def fields_from_json(raw: dict[str, Any]) -> CardFields:
    return CardFields(
        name=str(raw.get("name", "")),
        address=str(raw.get("address", "")),
        birth=dt.date.fromisoformat(str(raw.get("birth_date", "1990-01-01"))),
        sex=str(raw.get("sex", "男")),
        licence_number=str(raw.get("licence_number", "000000000000")),
        expiry=dt.date.fromisoformat(str(raw.get("expiry", "2030-01-01"))),
        my_number=str(raw.get("my_number", "000000000000")),
    )


class CameraState:
    """The scene on the stand, its encoded frame, and the connection fault."""

    def __init__(self, width: int, height: int, fps: float) -> None:
        self.lock = threading.Lock()
        self.fps = fps
        self.scene = Scene(width=width, height=height)
        self.persona_id = ""
        self.connected = True
        self.stall = False
        self.frames_served = 0
        self.generation = 0  # bumped by /disconnect so open streams end
        self._jpeg = self._encode(self.scene)

    @staticmethod
    def _encode(scene: Scene) -> bytes:
        buffer = io.BytesIO()
        render_scene(scene).save(buffer, format="JPEG", quality=90)
        return buffer.getvalue()

    def jpeg(self) -> bytes:
        with self.lock:
            self.frames_served += 1
            return self._jpeg

    def set_scene(self, scene: Scene, persona_id: str = "") -> None:
        jpeg = self._encode(scene)
        with self.lock:
            self.scene, self.persona_id, self._jpeg = scene, persona_id, jpeg

    def summary(self) -> dict[str, Any]:
        with self.lock:
            scene = {k: v for k, v in asdict(self.scene).items() if k not in ("fields", "payload", "extra")}
            return {
                "scene": scene,
                "persona": self.persona_id,
                "personas": [person.id for person in all_personas()],
                "documents": list(DOCUMENT_KINDS),
                "connected": self.connected,
                "stall": self.stall,
                "fps": self.fps,
                "frames_served": self.frames_served,
            }

    def place(self, body: dict[str, Any]) -> dict[str, Any]:
        document = body.get("document")
        if document not in DOCUMENT_KINDS:
            raise ValueError(f"document must be one of {', '.join(DOCUMENT_KINDS)}")
        persona_id = str(body.get("persona", ""))
        fields = fields_for_persona(persona_id) if persona_id else fields_from_json(body.get("fields", {}))
        encoding = str(body.get("encoding", "utf-8"))
        if encoding not in ("utf-8", "shift_jis"):
            raise ValueError("encoding must be utf-8 or shift_jis")
        changes: dict[str, Any] = {key: float(body[key]) for key in _SCENE_KEYS if key in body}
        for key in ("width", "height", "seed"):
            if key in body:
                changes[key] = int(body[key])
        scene = replace(
            self.scene, document=document, fields=fields, payload=str(body.get("payload", "")),
            encoding=encoding, **changes,
        )  # fmt: skip
        self.set_scene(scene, persona_id)
        return self.summary()

    def remove(self, _body: dict[str, Any]) -> dict[str, Any]:
        self.set_scene(replace(self.scene, document=None, fields=None, payload=""))
        return self.summary()

    def disconnect(self, body: dict[str, Any]) -> dict[str, Any]:
        with self.lock:
            self.connected = False
            self.stall = body.get("mode", "close") == "stall"
            self.generation += 1
        return self.summary()

    def reconnect(self, _body: dict[str, Any]) -> dict[str, Any]:
        with self.lock:
            self.connected, self.stall = True, False
        return self.summary()


def _stream_handler(state: CameraState) -> type[BaseHTTPRequestHandler]:
    class StreamHandler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.0"

        def log_message(self, format: str, *args: Any) -> None:
            _LOGGER.debug("stream: " + format, *args)

        def _offline(self) -> bool:
            if state.connected:
                return False
            while state.stall and not state.connected:
                time.sleep(0.05)  # hold the connection open and send nothing
            self.close_connection = True
            return True

        def do_GET(self) -> None:
            if self._offline():
                return
            path = self.path.split("?")[0]
            if path == "/frame.jpg":
                jpeg = state.jpeg()
                self.send_response(200)
                self.send_header("Content-Type", "image/jpeg")
                self.send_header("Content-Length", str(len(jpeg)))
                self.end_headers()
                self.wfile.write(jpeg)
                return
            if path != "/stream.mjpg":
                self.send_error(404)
                return
            generation = state.generation
            self.send_response(200)
            self.send_header("Content-Type", f"multipart/x-mixed-replace; boundary={BOUNDARY}")
            self.send_header("Cache-Control", "no-cache")
            self.end_headers()
            try:
                while state.connected and state.generation == generation:
                    jpeg = state.jpeg()
                    head = f"--{BOUNDARY}\r\nContent-Type: image/jpeg\r\nContent-Length: {len(jpeg)}\r\n\r\n"
                    self.wfile.write(head.encode("ascii") + jpeg + b"\r\n")
                    self.wfile.flush()
                    time.sleep(1.0 / state.fps)
            except (BrokenPipeError, ConnectionResetError):
                return
            self._offline()

    return StreamHandler


def control_api(state: CameraState) -> ControlApi:
    return ControlApi(
        "camera",
        state.summary,
        {
            "place": state.place,
            "remove": state.remove,
            "disconnect": state.disconnect,
            "reconnect": state.reconnect,
        },
    )


def create_servers(
    host: str = "127.0.0.1", port: int = 0, control_port: int = 0, *, width: int = 1920, height: int = 1080,
    fps: float = 8.0,
) -> tuple[ThreadingHTTPServer, ControlServer, CameraState]:  # fmt: skip
    state = CameraState(width, height, fps)
    stream = ThreadingHTTPServer((host, port), _stream_handler(state))
    stream.daemon_threads = True
    return stream, make_control_server(control_api(state), host, control_port), state
