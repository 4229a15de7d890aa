"""Run as root before the daemon's first start, the administrator's tools leave the storage directory's
files to its owner (the daemon's user), so the daemon can still append to them; so does a restore."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest

from daemon.audit.cli import main as audit_cli
from daemon.backup import backup_storage, restore_storage
from daemon.config import load_config
from daemon.staff.cli import main as staff_cli

DAEMON_USER = 65534  # nobody: any uid other than root's stands for the daemon's user
PASSWORD = "a long enough password"

pytestmark = pytest.mark.skipif(
    os.geteuid() != 0, reason="only root can create files for another user (CI runs as root)"
)


def owners(directory: Path) -> dict[str, int]:
    return {str(path.relative_to(directory)): path.stat().st_uid for path in directory.rglob("*")}


def storage_of_the_daemon_user(path: Path) -> Path:
    path.mkdir()
    os.chown(path, DAEMON_USER, DAEMON_USER)
    return path


def test_staff_and_audit_tools_run_as_root_create_files_of_the_directory_owner(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    storage = storage_of_the_daemon_user(tmp_path / "state")
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    add = ["add", "S0001", "--name", "管理 一", "--role", "管理者"]
    assert staff_cli(["--storage", str(storage), *add]) == 0
    assert audit_cli(["--storage", str(storage), "verify"]) == 0
    found = owners(storage)
    assert {"staff.sqlite3", "audit.sqlite3", "audit.anchor"} <= found.keys()
    assert found == dict.fromkeys(found, DAEMON_USER)
    assert storage.stat().st_gid == (storage / "audit.anchor").stat().st_gid == DAEMON_USER


def test_a_restore_run_as_root_leaves_the_files_to_the_directory_owner(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = tmp_path / "a"
    source.mkdir()
    (source / "daemon.toml").write_text('[daemon]\nstorage_dir = "state"\n', encoding="utf-8")
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    config = load_config(source / "daemon.toml")
    add = ["add", "S0001", "--name", "窓口 一", "--role", "窓口"]
    assert staff_cli(["--storage", str(config.storage_dir), *add]) == 0
    backup_storage(config, tmp_path / "backup")

    target = tmp_path / "b"
    target.mkdir()
    (target / "daemon.toml").write_text('[daemon]\nstorage_dir = "state"\n', encoding="utf-8")
    storage_of_the_daemon_user(target / "state")
    restored = restore_storage(load_config(target / "daemon.toml"), tmp_path / "backup")
    assert {file.relative for file in restored} == {"staff.sqlite3", "audit.sqlite3", "audit.anchor"}
    found = owners(target / "state")
    assert found == dict.fromkeys(found, DAEMON_USER) and len(found) == 3
