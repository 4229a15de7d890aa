"""The forwarder's watermarks: per stream, the last local sequence the central database has committed.

One small JSON file (``<storage_dir>/fleet-watermarks.json``), replaced atomically (write, fsync, rename)
after each central commit. Losing it is harmless: the forwarder sends again from the start and the
central ``ON CONFLICT DO NOTHING`` drops what it already has (at least once + idempotent = exactly once).
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
    def __init__(self, path: Path) -> None:
        self.path = path
        self._values: dict[Stream, int] = {stream: 0 for stream in Stream}
        if not path.exists():
            return
        try:
            saved = json.loads(path.read_text(encoding="utf-8"))
        except (ValueError, OSError):
            _LOGGER.warning("fleet watermarks unreadable; forwarding again from the start (idempotent)")
            return
        for stream in Stream:
            value = saved.get(stream.value, 0) if isinstance(saved, dict) else 0
            self._values[stream] = value if isinstance(value, int) and value >= 0 else 0

    def get(self, stream: Stream) -> int:
        return self._values[stream]

    def advance(self, stream: Stream, seq: int) -> None:
        """Record that the central database has every row of ``stream`` up to ``seq``; durable on return."""
        if seq <= self._values[stream]:
            return
        self._values[stream] = seq
        temporary = self.path.with_suffix(".tmp")
        with temporary.open("w", encoding="utf-8") as out:
            json.dump({stream.value: value for stream, value in self._values.items()}, out)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, self.path)
