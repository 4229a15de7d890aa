"""``backup`` / ``restore`` on a state directory written by the stores: every row comes back (a staff
account still signs in, the audit chain still verifies), the backup is private (0700 / 0600), and wrong
targets are refused with a message in English and Japanese."""

from __future__ import annotations

import contextlib
import io
import json
import sqlite3
import stat
import threading
from pathlib import Path

import pytest

from bench._year_data import SAMPLE, fill
from daemon.audit.cli import main as audit_cli
from daemon.audit.log import AuditEntry, AuditLog
from daemon.backup import BackupError, backup_storage, restore_storage
from daemon.config import Config, load_config
from daemon.staff.accounts import SignInOutcome, StaffAccounts
from daemon.staff.cli import main as staff_cli

PASSWORD = "a long enough password"


def config_in(directory: Path) -> Config:
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "daemon.toml").write_text(
        '[daemon]\nstorage_dir = "state"\n\n[[endpoints]]\nunix = "run/kiosk.sock"\n', encoding="utf-8"
    )
    return load_config(directory / "daemon.toml")


def count(path: Path, table: str) -> int:
    with contextlib.closing(sqlite3.connect(path)) as db:
        return int(db.execute(f"SELECT count(*) FROM {table}").fetchone()[0])


def test_backup_then_restore_into_a_new_state_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    source = config_in(tmp_path / "a")
    fill(source.storage_dir, SAMPLE)
    (source.storage_dir / "reception.secret").write_bytes(b"k" * 32)
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    add = ["add", "S0002", "--name", "会計 二", "--role", "会計"]
    assert staff_cli(["--storage", str(source.storage_dir), *add]) == 0  # an account and its audit rows
    copied = backup_storage(source, tmp_path / "backup")
    assert [file.relative for file in copied] == [
        "events.sqlite3", "print-jobs.sqlite3", "payments.sqlite3", "kpi.sqlite3",
        "outbox/outbox.sqlite3", "audit.sqlite3", "audit.anchor", "staff.sqlite3", "reception.secret",
    ]  # fmt: skip
    assert stat.S_IMODE((tmp_path / "backup").stat().st_mode) == 0o700
    assert stat.S_IMODE((tmp_path / "backup/payments.sqlite3").stat().st_mode) == 0o600
    manifest = json.loads((tmp_path / "backup/manifest.json").read_text())
    assert [file["name"] for file in manifest["files"]][:2] == ["events", "print-jobs"]

    target = config_in(tmp_path / "b")
    restore_storage(target, tmp_path / "backup")
    assert count(target.storage_dir / "payments.sqlite3", "payments") == SAMPLE.payments
    assert count(target.storage_dir / "kpi.sqlite3", "visits") == SAMPLE.visits
    assert count(target.storage_dir / "events.sqlite3", "events") == SAMPLE.events
    assert (target.storage_dir / "reception.secret").read_bytes() == b"k" * 32
    accounts = StaffAccounts(target.storage_dir / "staff.sqlite3")
    assert accounts.sign_in("S0002", PASSWORD).outcome is SignInOutcome.SIGNED_IN
    accounts.close()
    capsys.readouterr()
    assert audit_cli(["--storage", str(target.storage_dir), "verify"]) == 0
    assert "OK: 4 rows" in capsys.readouterr().out  # fill's two rows, the CLI's intent and outcome


def test_a_backup_taken_while_rows_are_appended_verifies(tmp_path: Path) -> None:
    """The audit file and its anchor are copied as one moment: no anchored head beyond the copied rows."""
    config = config_in(tmp_path / "a")
    config.storage_dir.mkdir(parents=True)
    log = AuditLog(config.storage_dir / "audit.sqlite3")
    log.append(AuditEntry("S0001", "sign_in"))
    stop = threading.Event()

    def append_until_stopped() -> None:
        for _ in range(2000):  # bounded: ends with the backups or after 2000 rows
            if stop.is_set():
                return
            log.append(AuditEntry("S0001", "application.released", "applications/a1"))

    writer = threading.Thread(target=append_until_stopped)
    writer.start()
    try:
        backups = [tmp_path / f"backup-{n}" for n in range(5)]
        for backup in backups:
            backup_storage(config, backup)
    finally:
        stop.set()
        writer.join()
        log.close()
    for backup in backups:
        copy = AuditLog(backup / "audit.sqlite3")
        result = copy.verify()
        copy.close()
        assert result.ok, (backup.name, result.reason)


def test_refusals(tmp_path: Path) -> None:
    config = config_in(tmp_path / "a")
    fill(config.storage_dir, SAMPLE)
    (tmp_path / "full").mkdir()
    (tmp_path / "full/other").write_text("x")
    with pytest.raises(BackupError, match="not empty") as refused:
        backup_storage(config, tmp_path / "full")
    assert "空ではありません" in str(refused.value)
    with pytest.raises(BackupError, match="not a Frontyard backup"):
        restore_storage(config, tmp_path / "full")
