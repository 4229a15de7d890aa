"""The anchored heads: rows cut off the end and a file rolled back to an older copy are reported."""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from kiosk.v1 import events_pb2

from daemon.audit.anchor import Head, parse_heads
from daemon.audit.log import AuditEntry, AuditLog, Problem, anchor_path
from daemon.audit.startup import check_audit_end

ROWS = 6


def append_rows(log: AuditLog, count: int) -> None:
    for index in range(count):
        log.append(AuditEntry(f"S{index:04d}", "payment.refunded", f"payments/p{index}"))


@pytest.fixture
def log(tmp_path: Path) -> Iterator[AuditLog]:
    audit = AuditLog(tmp_path / "audit.sqlite3")
    append_rows(audit, ROWS)
    yield audit
    audit.close()


def cut_off_the_end(path: Path, rows: int) -> None:
    """What an intruder with the file does: drop the append-only trigger, delete the newest rows."""
    with sqlite3.connect(path) as db:
        db.execute("DROP TRIGGER audit_no_delete")
        db.execute("DELETE FROM audit WHERE seq > (SELECT MAX(seq) FROM audit) - ?", (rows,))


def test_every_row_is_anchored_in_order(log: AuditLog) -> None:
    heads = log.anchor.heads()
    assert [head.seq for head in heads] == list(range(1, ROWS + 1))
    assert heads[-1].hash == list(log.rows())[-1].row_hash
    assert log.verify().ok


@pytest.mark.parametrize("cut", [1, 2, ROWS])
def test_rows_cut_off_the_end_are_reported(log: AuditLog, cut: int) -> None:
    cut_off_the_end(log.path, cut)
    result = log.verify()
    assert result.problem is Problem.TRUNCATED
    assert result.first_broken_seq == ROWS - cut + 1  # the first row missing
    assert f"{cut} rows cut off the end" in result.reason


def test_a_file_rolled_back_to_an_older_copy_is_reported(log: AuditLog, tmp_path: Path) -> None:
    older = tmp_path / "older.sqlite3"
    with sqlite3.connect(older) as copy:
        log._db.backup(copy)  # a consistent copy of the open file
    append_rows(log, 3)
    log.close()
    shutil.copyfile(older, log.path)
    for suffix in ("-wal", "-shm"):
        Path(f"{log.path}{suffix}").unlink(missing_ok=True)
    restored = AuditLog(log.path)
    try:
        assert restored.verify().problem is Problem.TRUNCATED
        append_rows(restored, 3)  # written again: as long as before, but not the same rows
        result = restored.verify()
    finally:
        restored.close()
    assert result.problem is Problem.ROLLED_BACK and result.first_broken_seq == ROWS + 1


def test_a_head_that_names_another_row_is_reported(log: AuditLog) -> None:
    with anchor_path(log.path).open("a") as anchor:  # heads in order, but one names a row not in the file
        anchor.write(Head(ROWS + 1, "f" * 64).line().decode())
    append_rows(log, 1)
    result = log.verify()
    assert result.problem is Problem.ROLLED_BACK  # the head went back from ROWS + 1 to ROWS + 1


def test_a_missing_anchor_is_reported(log: AuditLog) -> None:
    anchor_path(log.path).unlink()
    assert log.verify().problem is Problem.NO_ANCHOR


def test_a_power_cut_before_the_head_was_anchored_still_verifies(log: AuditLog) -> None:
    path = anchor_path(log.path)
    lines = path.read_text().splitlines(keepends=True)
    path.write_text("".join(lines[:-1]) + lines[-1][:20])  # the last head torn mid-line
    assert log.verify().ok


def test_an_empty_log_without_anchor_verifies(tmp_path: Path) -> None:
    audit = AuditLog(tmp_path / "audit.sqlite3")
    try:
        assert audit.verify().ok
    finally:
        audit.close()


def test_two_logs_on_one_file_anchor_every_row_in_order(log: AuditLog) -> None:
    other = AuditLog(log.path)  # e.g. frontyard-staff beside the daemon
    try:
        for _ in range(3):
            append_rows(other, 1)
            append_rows(log, 1)
    finally:
        other.close()
    assert [head.seq for head in log.anchor.heads()] == list(range(1, ROWS + 7))
    assert log.verify().ok


@given(st.text(max_size=300))
def test_malformed_anchor_text_never_raises(text: str) -> None:
    heads = parse_heads(text)
    assert all(head.seq >= 0 and len(head.hash) == 64 for head in heads)


@given(st.lists(st.tuples(st.integers(0, 10**9), st.binary(min_size=32, max_size=32)), max_size=20))
def test_written_heads_parse_back(pairs: list[tuple[int, bytes]]) -> None:
    heads = [Head(seq, digest.hex()) for seq, digest in pairs]
    assert parse_heads(b"".join(head.line() for head in heads).decode()) == heads


class Events:
    """The event log as the start check sees it: what was published."""

    def __init__(self) -> None:
        self.published: list[events_pb2.Event] = []

    def publish(self, event: events_pb2.Event) -> object:
        self.published.append(event)
        return event


def test_the_start_check_passes_an_intact_log_and_one_a_head_behind(log: AuditLog) -> None:
    events = Events()
    assert check_audit_end(log, events) and log.check_end().rows == ROWS
    path = anchor_path(log.path)  # a power cut after the last commit, before its head
    path.write_text("".join(path.read_text().splitlines(keepends=True)[:-1]))
    assert check_audit_end(log, events) and events.published == []


def test_the_start_check_reports_rows_cut_off_the_end_with_an_event(log: AuditLog) -> None:
    cut_off_the_end(log.path, 2)
    events = Events()
    assert not check_audit_end(log, events)
    assert log.check_end().problem is Problem.TRUNCATED and log.check_end().first_broken_seq == ROWS - 1
    (event,) = events.published
    assert (event.staff_called.name, event.staff_called.reason) == ("audit", "audit_log_truncated")


def test_the_start_check_reports_a_last_row_that_is_not_the_anchored_one(log: AuditLog) -> None:
    with anchor_path(log.path).open("a") as anchor:
        anchor.write(Head(ROWS, "e" * 64).line().decode())
    assert log.check_end().problem is Problem.ROLLED_BACK


def test_the_newest_head_is_read_from_a_long_anchor_tail(log: AuditLog) -> None:
    append_rows(log, 200)
    newest = log.anchor.newest()
    assert newest is not None and newest == log.anchor.heads()[-1] and newest.seq == ROWS + 200
