"""The print journal: states, payload lifetime on disk, listing, and recovery after a crash."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

from kiosk.v1 import events_pb2

from daemon.events import EventLog
from daemon.options import PrintingOptions
from daemon.printing import JobKind, JobState, PrintQueue
from daemon.printing.form_jobs import stop_reason
from daemon.printing.journal import JobJournal
from daemon.registry import DeviceRegistry

SECRET = b"PERSONA-MARKER-0815" * 50


def on_disk(path: Path, data: bytes) -> bool:
    return any(data in file.read_bytes() for file in path.parent.glob(path.name + "*"))


def add(journal: JobJournal, kind: JobKind = JobKind.RECEIPT, payload: bytes = SECRET) -> int:
    return journal.add(
        device="devices/p", kind=kind, title="t", order_id="", total=1, copies=1, payload=payload
    ).id


def test_a_final_state_drops_the_payload_from_the_file_and_the_wal(tmp_path: Path) -> None:
    journal = JobJournal(tmp_path / "jobs.sqlite3")
    job_id = add(journal)
    assert journal.payload(job_id) == SECRET and on_disk(journal.path, SECRET)
    journal.update(job_id, state=JobState.HELD, reason="paper_out")
    assert journal.payload(job_id) == SECRET
    job = journal.update(job_id, state=JobState.COMPLETED, done=1)
    assert (job.state, job.done, job.has_payload) == (JobState.COMPLETED, 1, False)
    assert not on_disk(journal.path, SECRET)
    journal.close()


def test_failed_payloads_are_purged_after_their_time(tmp_path: Path) -> None:
    journal = JobJournal(tmp_path / "jobs.sqlite3")
    failed, queued = add(journal), add(journal)
    journal.update(failed, state=JobState.FAILED, reason="malformed_status")
    assert journal.purge_payloads(failed_older_than=3600) == 0
    time.sleep(0.01)
    assert journal.purge_payloads(failed_older_than=0) == 1
    assert journal.payload(failed) is None and journal.payload(queued) == SECRET
    journal.close()


def test_listing_is_newest_first_with_a_state_filter(tmp_path: Path) -> None:
    journal = JobJournal(tmp_path / "jobs.sqlite3")
    ids = [add(journal) for _ in range(4)]
    journal.update(ids[1], state=JobState.CANCELLED)
    assert [job.id for job in journal.list(None, None, 10)] == ids[::-1]
    assert [job.id for job in journal.list(JobState.QUEUED, ids[3], 10)] == [ids[2], ids[0]]
    assert [job.id for job in journal.unsettled("devices/p")] == [ids[0], ids[2], ids[3]]
    journal.close()


async def test_recovery_reprints_receipts_and_holds_unsubmitted_forms(tmp_path: Path) -> None:
    journal = JobJournal(tmp_path / "print-jobs.sqlite3")
    receipt, unsubmitted, submitted = add(journal), add(journal, JobKind.FORMS), add(journal, JobKind.FORMS)
    for job_id in (receipt, unsubmitted, submitted):
        journal.update(job_id, state=JobState.PRINTING, attempts=1)
    journal.update(submitted, ipp_job_id=7)
    journal.close()

    events = EventLog(tmp_path / "events.sqlite3")
    events.bind_loop(asyncio.get_running_loop())
    queue = PrintQueue(tmp_path, DeviceRegistry((), events), events, PrintingOptions())
    await queue.start()
    try:
        assert (queue.get(f"jobs/{receipt}").state, queue.get(f"jobs/{receipt}").reason) == (
            JobState.QUEUED,
            "reprint_after_restart",
        )
        assert queue.get(f"jobs/{unsubmitted}").reason == "outcome_unknown"
        assert queue.get(f"jobs/{unsubmitted}").state is JobState.HELD
        assert queue.get(f"jobs/{submitted}").state is JobState.PRINTING
        assert await queue.wait(f"jobs/{unsubmitted}", timeout=0.05) is JobState.HELD
        failed = [event.failed for event in events.read_after(0) if event.HasField("failed")]
        assert [(f.operation_id, f.reason) for f in failed] == [(f"jobs/{unsubmitted}", "outcome_unknown")]
        assert list(failed[0].actions) == [events_pb2.ERROR_ACTION_RETRY, events_pb2.ERROR_ACTION_CLEAR]
        cancelled = await queue.cancel(f"jobs/{unsubmitted}")
        assert cancelled.state is JobState.CANCELLED and not cancelled.has_payload
        assert await queue.wait(f"jobs/{unsubmitted}") is JobState.CANCELLED
    finally:
        await queue.stop()
        events.close()


def test_stop_reasons_come_from_the_ipp_job_state_reasons() -> None:
    assert stop_reason(("printer-stopped", "media-empty-error")) == "media_empty"
    assert stop_reason(("cover-open-warning",)) == "door_open"
    assert stop_reason(("printer-stopped",)) == "printer_stopped"
