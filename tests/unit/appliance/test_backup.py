"""``backup`` / ``restore`` on a state directory written by the stores: every row comes back, the backup
is private (0700 / 0600), and wrong targets are refused with a message in English and Japanese."""

from __future__ import annotations

import contextlib
import json
import sqlite3
import stat
from pathlib import Path

import pytest

from bench._year_data import SAMPLE, fill
from daemon.backup import BackupError, backup_storage, restore_storage
from daemon.config import Config, load_config


def config_in(directory: Path) -> Config:
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "daemon.toml").write_text(
        '[daemon]\nstorage_dir = "state"\n\n[[endpoints]]\nunix = "run/kiosk.sock"\n', encoding="utf-8"
    )
    return load_config(directory / "daemon.toml")


def count(path: Path, table: str) -> int:
    with contextlib.closing(sqlite3.connect(path)) as db:
        return int(db.execute(f"SELECT count(*) FROM {table}").fetchone()[0])


def test_backup_then_restore_into_a_new_state_directory(tmp_path: Path) -> None:
    source = config_in(tmp_path / "a")
    fill(source.storage_dir, SAMPLE)
    (source.storage_dir / "reception.secret").write_bytes(b"k" * 32)
    copied = backup_storage(source, tmp_path / "backup")
    assert {file.relative for file in copied} == {
        "events.sqlite3", "print-jobs.sqlite3", "payments.sqlite3", "kpi.sqlite3",
        "outbox/outbox.sqlite3", "reception.secret",
    }  # fmt: skip
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
