"""An audited action never runs without its row: the intent row is written first, the outcome after.

The audit file is filled as a full disk would fill it: SQLite's ``max_page_count`` makes every further
write fail with SQLITE_FULL ("database or disk is full"), the error a full disk gives.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import grpc
import pytest

from daemon.audit.actions import STARTED, AuditedMethod
from daemon.audit.interceptor import audited_handler
from daemon.audit.log import AuditEntry, AuditLog, AuditRow
from daemon.config import Role
from daemon.errors import storage_full
from daemon.staff.identity import STAFF_ID_METADATA, StaffIdentity
from daemon.staff.tokens import StaffTokens

RELEASE = AuditedMethod("application.released", "name")
STAFF = "S0042"


class Request:
    name = "applications/a1"


class Context:
    """The two things the interceptor asks of a call: its metadata and its TLS peer (none)."""

    def invocation_metadata(self) -> list[tuple[str, str]]:
        return [(STAFF_ID_METADATA, STAFF)]

    def auth_context(self) -> dict[str, list[bytes]]:
        return {}


@pytest.fixture
def log(tmp_path: Path) -> Iterator[AuditLog]:
    audit = AuditLog(tmp_path / "audit.sqlite3")
    yield audit
    audit.close()


def fill(log: AuditLog) -> None:
    """Let the file grow no further, then append until a write fails as on a full disk."""
    (pages,) = log._db.execute("PRAGMA page_count").fetchone()
    log._db.execute(f"PRAGMA max_page_count = {max(int(pages), 2)}")
    for index in range(10_000):
        try:
            log.append(AuditEntry(STAFF, "filler", f"applications/f{index}"))
        except sqlite3.OperationalError as full:
            assert storage_full(full) is not None
            return
    pytest.fail("the audit file never filled")


async def call(log: AuditLog, action: Callable[[], Any]) -> Any:
    async def handler(request: Request, context: Context) -> Any:
        return action()

    wrapped = audited_handler(
        grpc.unary_unary_rpc_method_handler(handler),
        RELEASE,
        log,
        StaffIdentity(StaffTokens(), Role.STAFF),
    )
    return await wrapped.unary_unary(Request(), Context())


def rows_of(log: AuditLog, action: str) -> list[AuditRow]:
    return [row for row in log.rows() if row.action == action]


async def test_an_action_leaves_its_intent_then_its_outcome(log: AuditLog) -> None:
    assert await call(log, lambda: "released") == "released"
    rows = rows_of(log, RELEASE.action)
    assert [(row.who, row.resource, row.outcome) for row in rows] == [
        (STAFF, "applications/a1", STARTED),
        (STAFF, "applications/a1", "ok"),
    ]


async def test_a_refused_action_leaves_its_refusal_as_outcome(log: AuditLog) -> None:
    def refuse() -> None:
        raise LookupError

    with pytest.raises(LookupError):
        await call(log, refuse)
    assert [row.outcome for row in rows_of(log, RELEASE.action)] == [STARTED, "LookupError"]


async def test_a_full_audit_file_stops_the_action_before_it_runs(log: AuditLog) -> None:
    ran: list[bool] = []
    fill(log)
    with pytest.raises(sqlite3.OperationalError):
        await call(log, lambda: ran.append(True))
    assert ran == []  # the action never happened
    assert rows_of(log, RELEASE.action) == []
    assert log.verify().ok


async def test_a_disk_filled_during_the_action_keeps_the_result_and_the_intent(log: AuditLog) -> None:
    def release() -> str:
        fill(log)
        return "released"

    assert await call(log, release) == "released"  # the action happened: not an error to retry
    assert [row.outcome for row in rows_of(log, RELEASE.action)] == [STARTED]  # the intent stands
    assert log.verify().ok
