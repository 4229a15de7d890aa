"""The application outbox across terminals, in the central database's ``frontyard.applications``.

A terminal forwards an application once its own staff released it (status ``released``). Here the back
office checks it (and may correct it: the form is corrected with ``frontyard.corrections`` and its PDF
rendered again), marks it ``checked``, and exports the checked ones to the 申請管理 format with the local
outbox's exporter (``frontyard.exporter``): ``CentralOutbox`` is an ``OutboxStore`` over the table for it.
Each step records who did it (``checked_by``, ``corrected_by``, ``exported_by`` columns, and a row in the
back office's audit log). The package and PDF (personal data) are cleared after export + retention
(``backoffice.retention``); the row stays, so a terminal forwarding it again cannot bring them back.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import psycopg
from psycopg.types.json import Jsonb

from backoffice.terminals import TERMINAL_ID
from daemon.visits.outbox_store import form_from_json, form_to_json
from frontyard.corrections import FieldCorrection, correct_form
from frontyard.documents import FilledForm
from frontyard.errors import OutboxError
from frontyard.outbox import ApplicationPackage, PackageStatus, PackageSummary, corrected_summary
from frontyard.render import render_forms

BAD_REQUEST_JA = "入力内容に誤りがあります。"
NOT_FOUND_JA = "申請が見つかりません。"


class CentralStatus(enum.StrEnum):
    """An application's status in the central database (pass ``.value`` to SQL)."""

    RELEASED = "released"  # arrived from a terminal (its staff released it): the back office checks it
    CHECKED = "checked"  # the back office checked it: it may be exported
    EXPORTED = "exported"


@dataclass(frozen=True)
class ApplicationKey:
    """An application in the central database: the terminal's id and its forwarding sequence (both in
    their grammar: a key that is not is refused, so no typed text reaches an audit row)."""

    terminal_id: str
    seq: int

    @classmethod
    def parse(cls, text: str) -> ApplicationKey:
        terminal_id, _, seq = str(text).rpartition("/")
        if not TERMINAL_ID.fullmatch(terminal_id) or not (seq.isascii() and seq.isdigit()) or len(seq) > 18:
            raise OutboxError("bad application key", reason="bad_request", message_ja=BAD_REQUEST_JA)
        return cls(terminal_id, int(seq))

    def __str__(self) -> str:
        return f"{self.terminal_id}/{self.seq}"


@dataclass(frozen=True)
class CentralApplication:
    """What the list shows: ids, place, status, times, who; no names or addresses."""

    key: str
    terminal_id: str
    office: str
    application_id: str
    reception_id: str
    title: str
    status: str
    received_time: str
    missing: tuple[str, ...]
    corrected_by: str
    checked_by: str
    has_contents: bool


_LIST_SQL = """
SELECT a.terminal_id, a.seq, coalesce(t.office, ''), a.application_id, a.reception_id, a.title, a.status,
       a.received_time, a.package, a.corrected_by, a.checked_by
  FROM frontyard.applications a LEFT JOIN frontyard.terminals t USING (terminal_id)
 WHERE a.status = %s
 ORDER BY a.received_time, a.terminal_id, a.seq
"""


def _form_of(package: Any) -> FilledForm:
    """The filled form in a forwarded package (the form itself, or under ``form``)."""
    document = package.get("form", package) if isinstance(package, dict) else package
    return form_from_json(json.dumps(document, ensure_ascii=False))


def list_applications(connection: psycopg.Connection[Any], status: str) -> list[CentralApplication]:
    try:
        wanted = CentralStatus(status)
    except ValueError:
        raise OutboxError("unknown status", reason="bad_request", message_ja=BAD_REQUEST_JA) from None
    found = []
    for row in connection.execute(_LIST_SQL, (wanted.value,)):
        terminal_id, seq, office, application_id, reception_id, title, state, received, package = row[:9]
        form = _form_of(package) if package is not None else None
        found.append(
            CentralApplication(
                key=str(ApplicationKey(terminal_id, seq)),
                terminal_id=terminal_id,
                office=office,
                application_id=application_id,
                reception_id=reception_id,
                title=title,
                status=state,
                received_time=received.isoformat(),
                missing=tuple(form.missing) if form else (),
                corrected_by=row[9],
                checked_by=row[10],
                has_contents=form is not None,
            )
        )
    return found


def _locked(connection: psycopg.Connection[Any], key: ApplicationKey) -> tuple[Any, ...]:
    row = connection.execute(
        "SELECT a.status, a.package, coalesce(t.office, ''), a.application_id, a.reception_id, a.corrections"
        " FROM frontyard.applications a LEFT JOIN frontyard.terminals t USING (terminal_id)"
        " WHERE a.terminal_id = %s AND a.seq = %s FOR UPDATE OF a",
        (key.terminal_id, key.seq),
    ).fetchone()
    if row is None or row[1] is None:
        raise OutboxError(
            "unknown application", reason="application_not_found", message_ja="申請が見つかりません。"
        )
    return tuple(row)


def _text(value: str | bool | dt.date | None) -> str:
    return value.isoformat() if isinstance(value, dt.date) else value if isinstance(value, str) else ""


def form_json(form: FilledForm) -> dict[str, Any]:
    """The form's fields in the shape the staff console's editor reads (``GetApplication``'s JSON)."""
    fields = []
    for item in form.fields:
        value = item.value
        fields.append(
            {
                "key": item.key,
                "label": item.label,
                "kind": f"FORM_FIELD_KIND_{item.kind.name}",
                "value": value.isoformat()
                if isinstance(value, dt.date)
                else value
                if isinstance(value, str)
                else "",
                "checked": value is True,
                "furigana": item.furigana,
                "required": item.required,
                "missing": item.key in form.missing,
                "choices": list(item.choices),
            }
        )
    return {"title": form.title, "fields": fields}


def get_application(connection: psycopg.Connection[Any], key: ApplicationKey) -> dict[str, Any]:
    with connection.transaction():
        status, package, office, _, reception_id, _ = _locked(connection, key)
    form = _form_of(package)
    return {
        "key": str(key),
        "terminal_id": key.terminal_id,
        "office": office,
        "status": status,
        "reception_id": reception_id,
        **form_json(form),
    }


def _expect(status: str, expected: CentralStatus) -> None:
    if status != expected:
        raise OutboxError(
            f"application is {status}, not {expected}",
            reason="outbox_bad_transition",
            message_ja="この申請はその操作ができる状態ではありません。",
        )


def correct_application(
    connection: psycopg.Connection[Any],
    key: ApplicationKey,
    corrections: Sequence[FieldCorrection],
    staff_id: str,
) -> tuple[str, ...]:
    """Correct the form and render its PDF again (one transaction); returns the keys corrected so far."""
    with connection.transaction():
        status, package, _, application_id, reception_id, done = _locked(connection, key)
        _expect(status, CentralStatus.RELEASED)
        before = _form_of(package)
        after = correct_form(before, corrections)
        now = dt.datetime.now(dt.UTC)
        summary = PackageSummary.of(application_id, reception_id, before, now)
        summary = dataclasses.replace(summary, corrected_fields=tuple(str(k) for k in done or ()))
        updated = corrected_summary(summary, before, after, staff_id, now)
        corrected = json.loads(form_to_json(after))
        new_package = {**package, "form": corrected} if "form" in package else corrected
        connection.execute(
            "UPDATE frontyard.applications SET package = %s, pdf = %s, corrected_by = %s,"
            " corrected_time = %s, corrections = %s WHERE terminal_id = %s AND seq = %s",
            (
                Jsonb(new_package),
                render_forms([after]),
                staff_id,
                now,
                Jsonb(list(updated.corrected_fields)),
                key.terminal_id,
                key.seq,
            ),
        )
    return updated.corrected_fields


def check_application(connection: psycopg.Connection[Any], key: ApplicationKey, staff_id: str) -> None:
    """The back office checked it: it may be exported."""
    with connection.transaction():
        status, *_ = _locked(connection, key)
        _expect(status, CentralStatus.RELEASED)
        connection.execute(
            "UPDATE frontyard.applications SET status = %s, checked_by = %s, checked_time = now()"
            " WHERE terminal_id = %s AND seq = %s",
            (CentralStatus.CHECKED.value, staff_id, key.terminal_id, key.seq),
        )


class CentralOutbox:
    """The ``frontyard.outbox.OutboxStore`` the exporter needs, over the checked central applications.

    The exporter knows packages by id; here an id is the terminal's application id (a random hex id, unique
    across terminals). ``RELEASED`` in the exporter's words is ``checked`` here.
    """

    def __init__(self, connection: psycopg.Connection[Any], staff_id: str) -> None:
        self.connection = connection
        self.staff_id = staff_id

    def _row(self, package_id: str) -> tuple[Any, ...]:
        row = self.connection.execute(
            "SELECT status, package, pdf, received_time, checked_time, checked_by, exported_time,"
            " reception_id FROM frontyard.applications WHERE application_id = %s AND package IS NOT NULL",
            (package_id,),
        ).fetchone()
        if row is None:
            raise OutboxError("unknown application", reason="application_not_found")
        return tuple(row)

    def _summary(self, package_id: str, row: tuple[Any, ...]) -> PackageSummary:
        status, package, _, received, checked_time, checked_by, exported, reception_id = row
        state = PackageStatus.EXPORTED if status == CentralStatus.EXPORTED else PackageStatus.RELEASED
        summary = PackageSummary.of(package_id, reception_id, _form_of(package), received)
        return dataclasses.replace(
            summary,
            status=state,
            released_at=checked_time,
            released_by=checked_by or "",
            exported_at=exported,
        )

    def list(self, status: PackageStatus | None = None) -> tuple[PackageSummary, ...]:
        wanted = CentralStatus.CHECKED if status is PackageStatus.RELEASED else CentralStatus.EXPORTED
        ids = self.connection.execute(
            "SELECT application_id FROM frontyard.applications WHERE status = %s AND package IS NOT NULL"
            " ORDER BY received_time, terminal_id, seq",
            (wanted.value,),
        ).fetchall()
        return tuple(self.summary(package_id) for (package_id,) in ids)

    def summary(self, package_id: str) -> PackageSummary:
        return self._summary(package_id, self._row(package_id))

    def get(self, package_id: str) -> ApplicationPackage:
        row = self._row(package_id)
        return ApplicationPackage(self._summary(package_id, row), _form_of(row[1]), bytes(row[2]))

    def mark_exported(self, package_id: str, now: dt.datetime) -> PackageSummary:
        with self.connection.transaction():
            self.connection.execute(
                "UPDATE frontyard.applications SET status = %s, exported_time = %s, exported_by = %s"
                " WHERE application_id = %s AND status = %s",
                (CentralStatus.EXPORTED.value, now, self.staff_id, package_id, CentralStatus.CHECKED.value),
            )
        return self.summary(package_id)

    # The exporter needs only list, get, summary and mark_exported; the rest of OutboxStore is not ours.
    def add(self, form: FilledForm, pdf: bytes, reception_id: str, now: dt.datetime) -> PackageSummary:
        raise NotImplementedError("applications arrive from the terminals")

    def correct(
        self, package_id: str, form: FilledForm, pdf: bytes, staff_id: str, now: dt.datetime
    ) -> PackageSummary:
        raise NotImplementedError("use correct_application")

    def release(self, package_id: str, staff_id: str, now: dt.datetime) -> PackageSummary:
        raise NotImplementedError("use check_application")

    def purge(self, now: dt.datetime, retention_days: int) -> tuple[str, ...]:
        raise NotImplementedError("use backoffice.retention")
