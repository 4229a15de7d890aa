import asyncio
import sqlite3
from pathlib import Path

from kiosk.v1 import events_pb2

from daemon.events import RESERVE_BLOCK, EventLog
from daemon.payments import PaymentJournal
from daemon.printing.journal import JobJournal


def progress(step: str, device: str = "devices/receipt") -> events_pb2.Event:
    return events_pb2.Event(
        device=device, progress=events_pb2.OperationProgress(operation_id="op", step=step)
    )


def test_sequences_continue_after_reopen(tmp_path: Path) -> None:
    log = EventLog(tmp_path / "events.sqlite3")
    first = [log.publish(progress(f"s{i}")).sequence for i in range(3)]
    log.close()
    log = EventLog(tmp_path / "events.sqlite3")
    assert log.last_sequence == 3
    assert log.publish(progress("after")).sequence == 4
    assert first == [1, 2, 3]
    assert [e.progress.step for e in log.read_after(2)] == ["s2", "after"]


def test_read_after_from_disk_when_memory_has_rolled(tmp_path: Path) -> None:
    log = EventLog(tmp_path / "events.sqlite3", memory=4)
    for i in range(10):
        log.publish(progress(f"s{i}"))
    assert [e.sequence for e in log.read_after(3)] == [4, 5, 6, 7, 8, 9, 10]
    assert [e.sequence for e in log.read_after(8)] == [9, 10]


async def test_watch_replays_then_follows_live_without_gaps_or_repeats(tmp_path: Path) -> None:
    log = EventLog(tmp_path / "events.sqlite3", memory=8)
    log.bind_loop(asyncio.get_running_loop())
    for i in range(20):
        log.publish(progress(f"old{i}"))
    seen: list[int] = []

    async def follow() -> None:
        async for event in log.watch(5):
            seen.append(event.sequence)
            if event.sequence == 40:
                return

    task = asyncio.create_task(follow())
    await asyncio.sleep(0)
    # Half the new events come from another thread, as device workers publish them.
    await asyncio.to_thread(lambda: [log.publish(progress(f"t{i}")) for i in range(10)])
    for i in range(10):
        log.publish(progress(f"new{i}"))
    await asyncio.wait_for(task, 5)
    assert seen == list(range(6, 41))


async def test_watch_filters_devices(tmp_path: Path) -> None:
    log = EventLog(tmp_path / "events.sqlite3")
    log.bind_loop(asyncio.get_running_loop())
    log.publish(progress("a", "devices/card"))
    log.publish(progress("b", "devices/receipt"))
    log.publish(progress("c", "devices/card"))
    watcher = log.watch(0, frozenset({"devices/card"}))
    got = [await anext(watcher), await anext(watcher)]
    assert [e.progress.step for e in got] == ["a", "c"]


def test_a_power_cut_never_makes_the_log_give_a_sequence_number_again(tmp_path: Path) -> None:
    """Events are written without an fsync each; a power cut may roll the last ones back (simulated
    here by deleting them behind the log's back, with no clean close), but their numbers, which a
    watcher may have seen, are never handed out again."""
    path = tmp_path / "events.sqlite3"
    cut = EventLog(path)
    seen = [cut.publish(progress(f"s{i}")).sequence for i in range(5)]
    with sqlite3.connect(path) as db:
        db.execute("DELETE FROM events WHERE sequence > 2")  # what the disk never got
    db.close()
    after = EventLog(path)  # `cut` is never closed: the daemon lost power
    try:
        assert after.publish(progress("after")).sequence > max(seen)
    finally:
        after.close()


def test_the_journals_fsync_every_commit_and_the_event_log_every_block(tmp_path: Path) -> None:
    payments = PaymentJournal(tmp_path / "payments.sqlite3")
    jobs = JobJournal(tmp_path / "print-jobs.sqlite3")
    try:
        levels = [store._db.execute("PRAGMA synchronous").fetchone()[0] for store in (payments, jobs)]
    finally:
        payments.close()
        jobs.close()
    assert levels == [2, 2]  # FULL
    log = EventLog(tmp_path / "events.sqlite3")
    first = log.publish(progress("a")).sequence
    reserved = log._db.execute("SELECT value FROM meta WHERE key = 'reserved'").fetchone()[0]
    assert reserved == first + RESERVE_BLOCK - 1
    assert log._db.execute("PRAGMA synchronous").fetchone()[0] == 1  # NORMAL between the blocks
    log.close()
