"""A print job as the queue and the journal see it: kind, state, counts, reason; never personal data."""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass


class JobKind(enum.StrEnum):
    RECEIPT = "receipt"
    FORMS = "forms"


class JobState(enum.StrEnum):
    """QUEUED → PRINTING → COMPLETED, with HELD (operator needed) and FAILED / CANCELLED on the way."""

    QUEUED = "queued"
    PRINTING = "printing"
    HELD = "held"
    COMPLETED = "completed"
    CANCELLED = "cancelled"
    FAILED = "failed"


#: States in which the payload is deleted: the job will never print again.
FINAL_STATES = frozenset({JobState.COMPLETED, JobState.CANCELLED})
#: States ``PrintQueue.wait`` returns on.
SETTLED_STATES = frozenset({JobState.COMPLETED, JobState.CANCELLED, JobState.FAILED})

#: Reasons of a HELD job that must not resume by itself (the operator decides: Retry or Clear).
MANUAL_REASONS = frozenset({"outcome_unknown"})

#: Japanese messages for the reasons the queue itself sets (driver errors bring their own).
MESSAGES_JA = {
    "device_offline": "プリンターに接続できません。職員をお呼びください。",
    "outcome_unknown": "印刷されたか確認できません。職員が確認してください。",
    "printer_stopped": "プリンターが停止しています。職員をお呼びください。",
    "media_empty": "プリンターの用紙がありません。職員をお呼びください。",
    "media_jam": "プリンターで紙づまりが起きました。職員をお呼びください。",
    "door_open": "プリンターのカバーが開いています。職員をお呼びください。",
    "printer_offline": "プリンターがオフラインです。職員をお呼びください。",
    "ipp_job_aborted": "プリンターが印刷を中止しました。職員をお呼びください。",
    "malformed_response": "プリンターの応答を読み取れませんでした。職員をお呼びください。",
    "reprint_after_restart": "印刷中に再起動したため、もう一度印刷します。",
    "payload_gone": "印刷データの保存期間が過ぎました。もう一度お申し込みください。",
}


@dataclass(frozen=True)
class Job:
    """One job ("jobs/{id}"). ``done``/``total`` count receipts (1) or impressions (pages × copies)."""

    id: int
    device: str
    kind: JobKind
    state: JobState
    title: str
    order_id: str
    done: int
    total: int
    copies: int
    reason: str
    message: str
    message_ja: str
    ipp_job_id: int | None
    attempts: int
    create_time: dt.datetime
    update_time: dt.datetime
    has_payload: bool

    @property
    def name(self) -> str:
        return f"jobs/{self.id}"


def job_id_from_name(name: str) -> int | None:
    """``jobs/12`` → 12; None for anything else."""
    prefix, _, number = name.partition("/")
    if prefix != "jobs" or not number.isdigit() or len(number) > 18:
        return None
    return int(number)
