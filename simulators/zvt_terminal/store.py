"""The simulated terminal's persistent transaction log: JSON lines in ``--state-dir``, fsync'd per line.

Lines: ``{"type": "txn", ...record}``, ``{"type": "voided", "seq": n}``, ``{"type": "eod", "batch": n}``.
Everything in memory is rebuilt from the file on start and on power loss.
"""

from __future__ import annotations

import json
import os
import threading
from pathlib import Path
from typing import Any

Record = dict[str, Any]


class TransactionLog:
    def __init__(self, state_dir: Path) -> None:
        state_dir.mkdir(parents=True, exist_ok=True)
        self.path = state_dir / "zvt_terminal_log.jsonl"
        self._lock = threading.Lock()
        self.records: list[Record] = []
        self.batch = 1
        self.reload()

    def reload(self) -> None:
        with self._lock:
            self.records, self.batch = [], 1
            if not self.path.exists():
                return
            for line in self.path.read_text(encoding="utf-8").splitlines():
                if not line.strip():
                    continue
                try:
                    event = json.loads(line)
                except json.JSONDecodeError:
                    continue  # a line torn by power loss
                self._apply(event)

    def _apply(self, event: Record) -> None:
        if event["type"] == "txn":
            self.records.append({k: v for k, v in event.items() if k != "type"})
        elif event["type"] == "voided":
            for record in self.records:
                if record["seq"] == event["seq"] and record["kind"] == "SALE":
                    record["voided"] = True
        elif event["type"] == "eod":
            self.batch = int(event["batch"]) + 1

    def _write(self, event: Record) -> None:
        with self.path.open("a", encoding="utf-8") as handle:
            handle.write(json.dumps(event, ensure_ascii=False) + "\n")
            handle.flush()
            os.fsync(handle.fileno())
        self._apply(event)

    def append(self, record: Record) -> None:
        with self._lock:
            self._write({"type": "txn", **record})

    def mark_voided(self, seq: int) -> None:
        with self._lock:
            self._write({"type": "voided", "seq": seq})

    def close_batch(self) -> int:
        with self._lock:
            closed = self.batch
            self._write({"type": "eod", "batch": closed})
            return closed

    def last(self) -> Record | None:
        with self._lock:
            return dict(self.records[-1]) if self.records else None

    def find(self, seq: int, kind: str | None = None) -> Record | None:
        with self._lock:
            for record in reversed(self.records):
                if record["seq"] == seq and (kind is None or record["kind"] == kind):
                    return dict(record)
            return None

    def snapshot(self) -> list[Record]:
        with self._lock:
            return [dict(record) for record in self.records]
