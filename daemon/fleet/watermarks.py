"""The forwarder's watermarks: per stream, the last local sequence the central database has committed.

One small JSON file (``<storage_dir>/fleet-watermarks.json``), replaced atomically (write, fsync, rename)
after each central commit. Losing it is harmless: the forwarder sends again from the start and the
central ``ON CONFLICT DO NOTHING`` drops what it already has (at least once + idempotent = exactly once).

The file names the terminal id it belongs to: a terminal given a new ``terminal_id`` starts every stream
from the beginning under its new id. It also keeps the streams the forwarder refused because the local
store was behind the central one (a restore of an older backup): they stay refused across restarts until
the terminal id changes.
"""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path

from backoffice.records import Stream

_LOGGER = logging.getLogger(__name__)
FILE_NAME = "fleet-watermarks.json"


class Watermarks:
    def __init__(self, path: Path, terminal_id: str = "") -> None:
        self.path = path
        self.terminal_id = terminal_id
        self._values: dict[Stream, int] = {stream: 0 for stream in Stream}
        self.refused: set[Stream] = set()
        if not path.exists():
            return
        try:
            saved = json.loads(path.read_text(encoding="utf-8"))
        except (ValueError, OSError):
            _LOGGER.warning("fleet watermarks unreadable; forwarding again from the start (idempotent)")
            return
        if not isinstance(saved, dict):
            return
        if saved.get("terminal_id", terminal_id) != terminal_id:  # files of older releases name none
            _LOGGER.info("fleet terminal id changed; forwarding every stream from the start")
            return
        for stream in Stream:
            value = saved.get(stream.value, 0)
            self._values[stream] = value if isinstance(value, int) and value >= 0 else 0
        refused = saved.get("refused", [])
        self.refused = {stream for stream in Stream if isinstance(refused, list) and stream.value in refused}

    def get(self, stream: Stream) -> int:
        return self._values[stream]

    def advance(self, stream: Stream, seq: int) -> None:
        """Record that the central database has every row of ``stream`` up to ``seq``; durable on return."""
        if seq <= self._values[stream]:
            return
        self._values[stream] = seq
        self._save()

    def refuse(self, stream: Stream) -> None:
        """Record, durably, that ``stream`` is not forwarded under this terminal id."""
        self.refused.add(stream)
        self._save()

    def _save(self) -> None:
        saved: dict[str, object] = {stream.value: value for stream, value in self._values.items()}
        saved["terminal_id"] = self.terminal_id
        saved["refused"] = sorted(stream.value for stream in self.refused)
        temporary = self.path.with_suffix(".tmp")
        with temporary.open("w", encoding="utf-8") as out:
            json.dump(saved, out)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, self.path)
