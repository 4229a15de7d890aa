"""Jobs as kiosk.v1 messages, and the events a job change publishes on WatchEvents."""

from __future__ import annotations

from google.protobuf.timestamp_pb2 import Timestamp
from kiosk.v1 import events_pb2, printer_pb2

from .model import Job, JobKind, JobState

STATE_TO_PROTO = {
    JobState.QUEUED: printer_pb2.JOB_STATE_QUEUED,
    JobState.PRINTING: printer_pb2.JOB_STATE_PRINTING,
    JobState.HELD: printer_pb2.JOB_STATE_HELD,
    JobState.COMPLETED: printer_pb2.JOB_STATE_COMPLETED,
    JobState.CANCELLED: printer_pb2.JOB_STATE_CANCELLED,
    JobState.FAILED: printer_pb2.JOB_STATE_FAILED,
}
PROTO_TO_STATE = {value: key for key, value in STATE_TO_PROTO.items()}
KIND_TO_PROTO = {JobKind.RECEIPT: printer_pb2.JOB_KIND_RECEIPT, JobKind.FORMS: printer_pb2.JOB_KIND_FORMS}


def _stamp(job_time: object) -> Timestamp:
    stamp = Timestamp()
    stamp.FromDatetime(job_time)  # type: ignore[arg-type]
    return stamp


def job_message(job: Job) -> printer_pb2.Job:
    return printer_pb2.Job(
        name=job.name,
        device=job.device,
        kind=KIND_TO_PROTO[job.kind],
        state=STATE_TO_PROTO[job.state],
        title=job.title,
        done=job.done,
        total=job.total,
        copies=job.copies,
        order_id=job.order_id,
        reason=job.reason,
        message=job.message,
        message_ja=job.message_ja,
        attempts=job.attempts,
        create_time=_stamp(job.create_time),
        update_time=_stamp(job.update_time),
    )


def _percent(job: Job) -> int:
    return min(100, job.done * 100 // job.total) if job.total > 0 else -1


def job_events(job: Job) -> list[events_pb2.Event]:
    """The generic operation event for the job's state (operation_id = job name), then the job itself."""
    operation: events_pb2.Event
    if job.state in (JobState.QUEUED, JobState.PRINTING):
        operation = events_pb2.Event(
            device=job.device,
            progress=events_pb2.OperationProgress(
                operation_id=job.name, step=job.state.value, percent=_percent(job)
            ),
        )
    elif job.state in (JobState.HELD, JobState.FAILED):
        operation = events_pb2.Event(
            device=job.device,
            failed=events_pb2.OperationFailed(
                operation_id=job.name,
                reason=job.reason,
                message=job.message,
                message_ja=job.message_ja,
                actions=[events_pb2.ERROR_ACTION_RETRY, events_pb2.ERROR_ACTION_CLEAR],
            ),
        )
    else:
        result = "printed" if job.state is JobState.COMPLETED else "cancelled"
        operation = events_pb2.Event(
            device=job.device, completed=events_pb2.OperationCompleted(operation_id=job.name, result=result)
        )
    return [operation, events_pb2.Event(device=job.device, print_job=job_message(job))]
