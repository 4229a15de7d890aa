"""The application outbox: each application a package that staff check before it goes on.

Status: ``awaiting_check → released → exported`` (「一旦、職員が受け取って確認」). A package holds the filled
form as data and the rendered PDF bytes passed in by the caller; nothing is written here (see
``frontyard.exporter``). Packages never hold the 個人番号 (forms leave it empty). Thread-safe.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import threading
import uuid
from dataclasses import dataclass

from frontyard.documents import FilledForm
from frontyard.errors import OutboxError


class PackageStatus(enum.StrEnum):
    AWAITING_CHECK = "awaiting_check"
    RELEASED = "released"
    EXPORTED = "exported"


_NEXT = {PackageStatus.AWAITING_CHECK: PackageStatus.RELEASED, PackageStatus.RELEASED: PackageStatus.EXPORTED}


@dataclass(frozen=True)
class ApplicationPackage:
    package_id: str
    reception_id: str  # the same-day reception code's serial text, e.g. "20250909-SHIMIN-0042"
    form: FilledForm
    pdf: bytes
    created_at: dt.datetime
    status: PackageStatus = PackageStatus.AWAITING_CHECK
    released_at: dt.datetime | None = None
    released_by: str = ""  # staff id
    exported_at: dt.datetime | None = None


class Outbox:
    """Holds packages in memory until they are exported and purged."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._packages: dict[str, ApplicationPackage] = {}

    def add(self, form: FilledForm, pdf: bytes, reception_id: str, now: dt.datetime) -> ApplicationPackage:
        package = ApplicationPackage(uuid.uuid4().hex, reception_id, form, pdf, now)
        with self._lock:
            self._packages[package.package_id] = package
        return package

    def get(self, package_id: str) -> ApplicationPackage:
        with self._lock:
            package = self._packages.get(package_id)
        if package is None:
            raise OutboxError("unknown package", reason="outbox_unknown_package")
        return package

    def list(self, status: PackageStatus | None = None) -> tuple[ApplicationPackage, ...]:
        with self._lock:
            packages = tuple(self._packages.values())
        return tuple(package for package in packages if status is None or package.status is status)

    def _advance(self, package_id: str, expected: PackageStatus, **changes: object) -> ApplicationPackage:
        with self._lock:
            package = self._packages.get(package_id)
            if package is None:
                raise OutboxError("unknown package", reason="outbox_unknown_package")
            if package.status is not expected:
                raise OutboxError(
                    f"package is {package.status}, not {expected}",
                    reason="outbox_bad_transition",
                    message_ja="この申請はその操作ができる状態ではありません。",
                )
            updated = dataclasses.replace(package, status=_NEXT[expected], **changes)  # type: ignore[arg-type]
            self._packages[package_id] = updated
            return updated

    def release(self, package_id: str, staff_id: str, now: dt.datetime) -> ApplicationPackage:
        """Staff checked the application: it may go on."""
        return self._advance(package_id, PackageStatus.AWAITING_CHECK, released_at=now, released_by=staff_id)

    def mark_exported(self, package_id: str, now: dt.datetime) -> ApplicationPackage:
        return self._advance(package_id, PackageStatus.RELEASED, exported_at=now)

    def purge(self, now: dt.datetime, retention_days: int) -> tuple[str, ...]:
        """Forget exported packages older than ``retention_days``; returns their ids."""
        limit = now - dt.timedelta(days=retention_days)
        with self._lock:
            old = [
                package_id
                for package_id, package in self._packages.items()
                if package.exported_at is not None and package.exported_at <= limit
            ]
            for package_id in old:
                del self._packages[package_id]
        return tuple(old)
