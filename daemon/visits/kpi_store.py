"""KPIs per visit, persisted: ``frontyard.kpi.KpiRecorder`` backed by SQLite (``kpi.sqlite3``).

A row holds the visit's reception id, times, counts and procedure ids: no personal data. Rows are not
kept in daemon memory: ``visits()`` and ``report()`` read them from SQLite for the call and aggregate.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import sqlite3
import threading
from pathlib import Path
from typing import Any

from frontyard.kpi import KpiRecorder, Visit

_TIMES = ("arrived", "started", "done", "card_read", "printed", "post_processed")


def visit_to_json(visit: Visit) -> str:
    document: dict[str, Any] = dataclasses.asdict(visit)
    for name in _TIMES:
        moment = document[name]
        document[name] = moment.isoformat() if moment is not None else None
    document["procedures"] = list(visit.procedures)
    return json.dumps(document, ensure_ascii=False)


def visit_from_json(text: str) -> Visit:
    document: dict[str, Any] = json.loads(text)
    for name in _TIMES:
        if document.get(name) is not None:
            document[name] = dt.datetime.fromisoformat(document[name])
    document["procedures"] = tuple(document["procedures"])
    return Visit(**document)


class PersistentKpiRecorder(KpiRecorder):
    """A ``KpiRecorder`` whose visits live only in SQLite (memory stays flat however many visits)."""

    def __init__(self, path: Path) -> None:
        super().__init__()
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self._db_lock = threading.Lock()
        with self._db_lock:
            self._db.execute("PRAGMA cache_size = -256")  # KiB: rows are read once per report
            self._db.execute(
                "CREATE TABLE IF NOT EXISTS visits (id INTEGER PRIMARY KEY, visit TEXT NOT NULL)"
            )

    def record(self, visit: Visit) -> None:
        if visit.started < visit.arrived or visit.done < visit.started:
            raise ValueError("visit times out of order")
        with self._db_lock:
            self._db.execute("INSERT INTO visits (visit) VALUES (?)", (visit_to_json(visit),))

    def visits(self) -> tuple[Visit, ...]:
        """Every recorded visit, read for this call (the base class's ``report`` aggregates them)."""
        with self._db_lock:
            rows = self._db.execute("SELECT visit FROM visits ORDER BY id").fetchall()
        return tuple(visit_from_json(text) for (text,) in rows)

    def __len__(self) -> int:
        with self._db_lock:
            (count,) = self._db.execute("SELECT count(*) FROM visits").fetchone()
        return int(count)

    def close(self) -> None:
        with self._db_lock:
            self._db.close()
