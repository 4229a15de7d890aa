"""The application outbox: each application a package that staff check before it goes on.

Status: ``awaiting_check → released → exported`` (「一旦、職員が受け取って確認」); while it awaits its
check, staff may correct the form (``correct``: form and PDF replaced; the corrected keys are kept, never
the values). A package is the filled form as data plus the rendered PDF bytes passed in by the caller;
nothing is written here (see ``frontyard.exporter``). Packages never hold the 個人番号 (forms leave it empty).

Two views of a package: ``PackageSummary`` (ids, status, times, title, counter, missing keys: no personal
data) for listing and status changes, and ``ApplicationPackage`` (summary + form + PDF) only from
``get``. ``OutboxStore`` is the interface the exporter and the daemon use; ``Outbox`` is the in-memory
implementation for tests and tools (the daemon's store keeps contents on disk and reads them on demand,
see ``daemon.visits.outbox_store``). Thread-safe.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import threading
import uuid
from dataclasses import dataclass
from typing import Protocol

from frontyard.documents import FilledForm
from frontyard.errors import OutboxError, OutboxNotFound


class PackageStatus(enum.StrEnum):
    AWAITING_CHECK = "awaiting_check"
    RELEASED = "released"
    EXPORTED = "exported"


NEXT_STATUS = {
    PackageStatus.AWAITING_CHECK: PackageStatus.RELEASED,
    PackageStatus.RELEASED: PackageStatus.EXPORTED,
}


@dataclass(frozen=True)
class PackageSummary:
    """A package's metadata: what listing and status changes need, no names or addresses."""

    package_id: str
    reception_id: str  # the same-day reception code's serial text, e.g. "20250909-SHIMIN-0042"
    form_id: str
    title: str
    procedure_id: str
    counter: str
    missing: tuple[str, ...]
    created_at: dt.datetime
    status: PackageStatus = PackageStatus.AWAITING_CHECK
    released_at: dt.datetime | None = None
    released_by: str = ""  # staff id
    exported_at: dt.datetime | None = None
    corrected_at: dt.datetime | None = None
    corrected_by: str = ""  # staff id of the last correction
    corrected_fields: tuple[str, ...] = ()  # keys corrected so far (never the values)

    @classmethod
    def of(cls, package_id: str, reception_id: str, form: FilledForm, now: dt.datetime) -> PackageSummary:
        return cls(package_id, reception_id, form.form_id, form.title, form.procedure_id, form.counter,
                   tuple(form.missing), now)  # fmt: skip


@dataclass(frozen=True)
class ApplicationPackage:
    """A whole package (summary, filled form, PDF), loaded for one request and not kept."""

    summary: PackageSummary
    form: FilledForm
    pdf: bytes

    @property
    def package_id(self) -> str:
        return self.summary.package_id

    @property
    def reception_id(self) -> str:
        return self.summary.reception_id

    @property
    def status(self) -> PackageStatus:
        return self.summary.status

    @property
    def created_at(self) -> dt.datetime:
        return self.summary.created_at

    @property
    def released_at(self) -> dt.datetime | None:
        return self.summary.released_at

    @property
    def released_by(self) -> str:
        return self.summary.released_by

    @property
    def exported_at(self) -> dt.datetime | None:
        return self.summary.exported_at


def unknown_package() -> OutboxNotFound:
    return OutboxNotFound("unknown package")


def check_transition(summary: PackageSummary, expected: PackageStatus) -> None:
    if summary.status is not expected:
        raise OutboxError(
            f"package is {summary.status}, not {expected}",
            reason="outbox_bad_transition",
            message_ja="この申請はその操作ができる状態ではありません。",
        )


def check_correctable(summary: PackageSummary) -> None:
    if summary.status is not PackageStatus.AWAITING_CHECK:
        raise OutboxError(
            f"package is {summary.status}: only an application awaiting its check can be corrected",
            reason="outbox_not_correctable",
            message_ja="確認済みの申請は修正できません。",
        )


def corrected_summary(
    summary: PackageSummary, before: FilledForm, after: FilledForm, staff_id: str, now: dt.datetime
) -> PackageSummary:
    """``summary`` after ``before`` became ``after``: missing keys, who, when and which fields changed."""
    old = {item.key: item for item in before.fields}
    changed = [
        item.key
        for item in after.fields
        if (old[item.key].value, old[item.key].furigana) != (item.value, item.furigana)
    ]
    keys = tuple(dict.fromkeys([*summary.corrected_fields, *changed]))
    return dataclasses.replace(
        summary,
        missing=tuple(after.missing),
        corrected_at=now,
        corrected_by=staff_id,
        corrected_fields=keys,
    )


def purge_due(summary: PackageSummary, now: dt.datetime, retention_days: int) -> bool:
    exported = summary.exported_at
    return exported is not None and exported <= now - dt.timedelta(days=retention_days)


class OutboxStore(Protocol):
    """What the exporter and the daemon need of an outbox."""

    def add(self, form: FilledForm, pdf: bytes, reception_id: str, now: dt.datetime) -> PackageSummary: ...

    def get(self, package_id: str) -> ApplicationPackage: ...

    def summary(self, package_id: str) -> PackageSummary: ...

    def list(self, status: PackageStatus | None = None) -> tuple[PackageSummary, ...]: ...

    def correct(
        self, package_id: str, form: FilledForm, pdf: bytes, staff_id: str, now: dt.datetime
    ) -> PackageSummary: ...

    def release(self, package_id: str, staff_id: str, now: dt.datetime) -> PackageSummary: ...

    def mark_exported(self, package_id: str, now: dt.datetime) -> PackageSummary: ...

    def purge(self, now: dt.datetime, retention_days: int) -> tuple[str, ...]: ...


class Outbox:
    """Holds packages in memory until they are exported and purged (tests and tools, not the daemon)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._packages: dict[str, ApplicationPackage] = {}

    def add(self, form: FilledForm, pdf: bytes, reception_id: str, now: dt.datetime) -> PackageSummary:
        summary = PackageSummary.of(uuid.uuid4().hex, reception_id, form, now)
        with self._lock:
            self._packages[summary.package_id] = ApplicationPackage(summary, form, pdf)
        return summary

    def get(self, package_id: str) -> ApplicationPackage:
        with self._lock:
            package = self._packages.get(package_id)
        if package is None:
            raise unknown_package()
        return package

    def summary(self, package_id: str) -> PackageSummary:
        return self.get(package_id).summary

    def list(self, status: PackageStatus | None = None) -> tuple[PackageSummary, ...]:
        with self._lock:
            summaries = tuple(package.summary for package in self._packages.values())
        return tuple(summary for summary in summaries if status is None or summary.status is status)

    def _advance(self, package_id: str, expected: PackageStatus, **changes: object) -> PackageSummary:
        with self._lock:
            package = self._packages.get(package_id)
            if package is None:
                raise unknown_package()
            check_transition(package.summary, expected)
            summary = dataclasses.replace(package.summary, status=NEXT_STATUS[expected], **changes)  # type: ignore[arg-type]
            self._packages[package_id] = dataclasses.replace(package, summary=summary)
            return summary

    def correct(
        self, package_id: str, form: FilledForm, pdf: bytes, staff_id: str, now: dt.datetime
    ) -> PackageSummary:
        """Replace an application's form and PDF while it awaits its check."""
        with self._lock:
            package = self._packages.get(package_id)
            if package is None:
                raise unknown_package()
            check_correctable(package.summary)
            summary = corrected_summary(package.summary, package.form, form, staff_id, now)
            self._packages[package_id] = ApplicationPackage(summary, form, pdf)
            return summary

    def release(self, package_id: str, staff_id: str, now: dt.datetime) -> PackageSummary:
        """Staff checked the application: it may go on."""
        return self._advance(package_id, PackageStatus.AWAITING_CHECK, released_at=now, released_by=staff_id)

    def mark_exported(self, package_id: str, now: dt.datetime) -> PackageSummary:
        return self._advance(package_id, PackageStatus.RELEASED, exported_at=now)

    def purge(self, now: dt.datetime, retention_days: int) -> tuple[str, ...]:
        """Forget exported packages older than ``retention_days``; returns their ids."""
        with self._lock:
            old = [
                key for key, item in self._packages.items() if purge_due(item.summary, now, retention_days)
            ]
            for package_id in old:
                del self._packages[package_id]
        return tuple(old)
