"""What the front-yard service keeps on disk: the outbox, KPIs, the reception secret, its settings."""

from __future__ import annotations

import datetime as dt
import json
import os
import sqlite3
import stat
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from daemon.visits.kpi_store import PersistentKpiRecorder
from daemon.visits.outbox_store import PersistentOutbox, form_from_json, form_to_json
from daemon.visits.secret import SecretFileError, load_or_create_secret
from frontyard.corrections import FieldCorrection, correct_form
from frontyard.documents import FieldKind, FilledForm, FormField
from frontyard.errors import OutboxError
from frontyard.kpi import Visit
from frontyard.outbox import PackageStatus
from tests.unit.visits.samples import FORM, NOW

values = st.one_of(st.none(), st.booleans(), st.text(max_size=20), st.dates())


@given(value=values, key=st.text(min_size=1, max_size=10))
def test_form_json_round_trip(value: str | bool | dt.date | None, key: str) -> None:
    form = FilledForm("f", "t", "P", "c", (FormField(key, "l", FieldKind.TEXT, value),))
    assert form_from_json(form_to_json(form)) == form


def test_outbox_survives_a_restart_with_its_status(tmp_path: Path) -> None:
    outbox = PersistentOutbox(tmp_path / "outbox")
    first = outbox.add(FORM, b"%PDF-1", "20250909-SHIMIN-0001", NOW)
    second = outbox.add(FORM, b"%PDF-2", "20250909-SHIMIN-0001", NOW)
    outbox.release(first.package_id, "s1", NOW)
    outbox.close()
    assert stat.S_IMODE(os.stat(tmp_path / "outbox").st_mode) == 0o700
    assert stat.S_IMODE(os.stat(tmp_path / "outbox" / "outbox.sqlite3").st_mode) == 0o600

    reopened = PersistentOutbox(tmp_path / "outbox")
    released = reopened.get(first.package_id)
    assert (released.status, released.released_by, released.form) == (PackageStatus.RELEASED, "s1", FORM)
    assert reopened.get(second.package_id).pdf == b"%PDF-2"
    with pytest.raises(OutboxError):
        reopened.release(first.package_id, "s1", NOW)
    reopened.mark_exported(first.package_id, NOW)
    assert reopened.purge(NOW + dt.timedelta(days=31), 30) == (first.package_id,)
    reopened.close()
    again = PersistentOutbox(tmp_path / "outbox")
    assert [p.package_id for p in again.list()] == [second.package_id]
    again.close()


def test_a_correction_is_committed_with_its_pdf_and_survives_a_restart(tmp_path: Path) -> None:
    outbox = PersistentOutbox(tmp_path / "outbox")
    first = outbox.add(FORM, b"%PDF-1", "20250909-SHIMIN-0001", NOW)
    fixed = correct_form(FORM, [FieldCorrection("household.bank_account", "ゆうちょ 12345")])
    outbox.correct(first.package_id, fixed, b"%PDF-fixed", "s2", NOW)
    outbox.close()

    reopened = PersistentOutbox(tmp_path / "outbox")
    package = reopened.get(first.package_id)
    assert (package.form, package.pdf, package.summary.missing) == (fixed, b"%PDF-fixed", ())
    summary = reopened.list()[0]
    assert (summary.corrected_by, summary.corrected_at, summary.corrected_fields) == (
        "s2", NOW, ("household.bank_account",)
    )  # fmt: skip
    reopened.release(first.package_id, "s2", NOW)
    with pytest.raises(OutboxError) as error:
        reopened.correct(first.package_id, FORM, b"%PDF-again", "s2", NOW)
    assert error.value.reason == "outbox_not_correctable"
    assert reopened.get(first.package_id).pdf == b"%PDF-fixed"
    reopened.close()


def test_an_outbox_from_before_corrections_gains_the_columns(tmp_path: Path) -> None:
    directory = tmp_path / "outbox"
    directory.mkdir(mode=0o700)
    with sqlite3.connect(directory / "outbox.sqlite3") as db:
        db.execute(
            "CREATE TABLE applications (seq INTEGER PRIMARY KEY, package_id TEXT NOT NULL UNIQUE,"
            " reception_id TEXT NOT NULL, form_id TEXT NOT NULL, title TEXT NOT NULL, procedure_id TEXT NOT"
            " NULL, counter TEXT NOT NULL, missing TEXT NOT NULL, status TEXT NOT NULL, created_at TEXT NOT"
            " NULL, released_at TEXT, released_by TEXT NOT NULL DEFAULT '', exported_at TEXT)"
        )
        db.execute("CREATE TABLE application_contents (package_id TEXT PRIMARY KEY, form TEXT, pdf BLOB)")
        db.execute(
            "INSERT INTO applications (package_id, reception_id, form_id, title, procedure_id, counter,"
            " missing, status, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            ("b" * 32, "r1", FORM.form_id, FORM.title, FORM.procedure_id, FORM.counter,
             json.dumps(list(FORM.missing)), "awaiting_check", NOW.isoformat()),
        )  # fmt: skip
        db.execute(
            "INSERT INTO application_contents VALUES (?, ?, ?)", ("b" * 32, form_to_json(FORM), b"%PDF")
        )
    db.close()
    outbox = PersistentOutbox(directory)
    try:
        assert outbox.summary("b" * 32).corrected_fields == ()
        fixed = correct_form(FORM, [FieldCorrection("head.name", "見本 花子")])
        assert outbox.correct("b" * 32, fixed, b"%PDF-2", "s3", NOW).corrected_fields == ("head.name",)
    finally:
        outbox.close()


def test_kpis_survive_a_restart(tmp_path: Path) -> None:
    recorder = PersistentKpiRecorder(tmp_path / "kpi.sqlite3")
    minutes = dt.timedelta(minutes=1)
    visit = Visit("20250909-SHIMIN-0001", "改革後", "書かない窓口", ("JUKI_TENNYU",), NOW, NOW + 5 * minutes,
                  NOW + 20 * minutes, printed=NOW + 15 * minutes, forms_printed=14, writes_baseline=96,
                  writes_ours=8)  # fmt: skip
    recorder.record(visit)
    with pytest.raises(ValueError, match="out of order"):
        recorder.record(Visit("x", "改革後", "c", (), NOW, NOW - dt.timedelta(seconds=1), NOW))
    recorder.close()
    reopened = PersistentKpiRecorder(tmp_path / "kpi.sqlite3")
    assert reopened.visits() == (visit,)
    (row,) = reopened.report()
    assert (row.samples, row.avg_wait_s, row.writes_saved) == (1, 300.0, 88)
    reopened.close()


def test_secret_is_generated_once_with_mode_0600(tmp_path: Path) -> None:
    path = tmp_path / "storage" / "reception.secret"
    secret = load_or_create_secret(path)
    assert len(secret) == 32 and stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert load_or_create_secret(path) == secret
    os.chmod(path, 0o644)
    with pytest.raises(SecretFileError):
        load_or_create_secret(path)
    os.chmod(path, 0o600)
    path.write_bytes(b"short")
    with pytest.raises(SecretFileError):
        load_or_create_secret(path)
