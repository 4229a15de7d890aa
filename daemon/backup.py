"""``frontyard-daemon backup DIR`` and ``restore DIR``: every store, copied with SQLite's online backup.

``backup`` may run while the daemon serves: SQLite's backup API copies a consistent snapshot of each
file page by page (WAL readers do not block writers), so a journal being written is copied either before
or after a transaction, never half of one. The reception secret (``reception.secret``) is copied too,
so reception QR codes issued before a restore stay valid. The audit log's anchored heads
(``audit.anchor``) are copied right after ``audit.sqlite3``, both under the anchor's lock (which every
append holds across its row and its head): the pair is one moment of the chain, and
``frontyard-audit verify`` accepts the restored copy. ``DIR`` is created 0700: the outbox store
holds residents' applications (names and addresses), so a backup must be kept like the state directory.

``restore`` refuses while the daemon is running (its socket answers) and replaces each store with the
backup's copy (its ``-wal``/``-shm`` files removed first), owned by the owner of the state directory
even when root restores; the daemon recovers on its next start like after a power cut: queued print
jobs print, unsettled payments are reconciled with the terminal.

Layout of ``DIR``: the stores under the same relative names as in the state directory, and
``manifest.json`` (time, schema versions, file sizes; no content).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import json
import os
import shutil
import socket
import sqlite3
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from .config import Config
from .storage_files import anchor_path, read_version, secret_path, store_paths
from .storage_owner import NewFiles

MANIFEST = "manifest.json"
SECRET = "reception-secret"  # noqa: S105 (a manifest entry's name, not a secret)
ANCHOR = "audit-anchor"
PLAIN_FILES = frozenset({SECRET, ANCHOR})  # copied as bytes; every other file is a SQLite store
PAGES_PER_STEP = 256  # the writer gets the lock back between steps


class BackupError(Exception):
    """A backup or restore that cannot be done; the message is in English and Japanese."""


@dataclass(frozen=True)
class CopiedFile:
    name: str
    relative: str
    bytes: int
    version: int


def _relative(config: Config, path: Path) -> str:
    try:
        return str(path.relative_to(config.storage_dir))
    except ValueError:  # a store configured outside the state directory keeps only its name
        return f"external/{path.name}"


def _copy_database(source: Path, target: Path) -> None:
    target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    with contextlib.ExitStack() as stack:
        src = stack.enter_context(contextlib.closing(sqlite3.connect(f"file:{source}?mode=ro", uri=True)))
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.close(fd)
        dst = stack.enter_context(contextlib.closing(sqlite3.connect(target)))
        src.backup(dst, pages=PAGES_PER_STEP)
        dst.execute("PRAGMA journal_mode=DELETE")  # one self-contained file


def _copy_plain(source: Path, target: Path) -> None:
    shutil.copyfile(source, target)
    os.chmod(target, 0o600)


@contextlib.contextmanager
def _audit_appends_paused(anchor: Path) -> Iterator[None]:
    """Hold the anchor's lock (``daemon.audit.anchor``): no row is appended while the pair is copied."""
    if not anchor.exists():  # an audit file from before the anchor: nothing to keep in step
        yield
        return
    fd = os.open(anchor, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # releases the flock


def backup_storage(config: Config, target: Path) -> list[CopiedFile]:
    """Copy every existing store, the audit anchor and the reception secret into ``target`` (0700)."""
    if target.exists() and any(target.iterdir()):
        raise BackupError(f"{target} is not empty: choose a new directory / バックアップ先が空ではありません")
    target.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.chmod(target, 0o700)
    copied = []
    for name, path in store_paths(config).items():
        if not path.exists():
            continue
        paused = _audit_appends_paused(anchor_path(config)) if name == "audit" else contextlib.nullcontext()
        with paused:
            relative = _relative(config, path)
            _copy_database(path, target / relative)
            version = read_version(target / relative)
            copied.append(CopiedFile(name, relative, (target / relative).stat().st_size, version))
            if name == "audit" and anchor_path(config).exists():
                copied.append(_backup_plain(config, ANCHOR, anchor_path(config), target))
    secret = secret_path(config)
    if secret.exists():
        copied.append(_backup_plain(config, SECRET, secret, target))
    manifest = {
        "created": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "files": [file.__dict__ for file in copied],
    }
    (target / MANIFEST).write_text(json.dumps(manifest, indent=2), encoding="utf-8")
    return copied


def _backup_plain(config: Config, name: str, source: Path, target: Path) -> CopiedFile:
    relative = _relative(config, source)
    _copy_plain(source, target / relative)
    return CopiedFile(name, relative, source.stat().st_size, 0)


def _daemon_running(config: Config) -> bool:
    for endpoint in config.endpoints:
        if endpoint.unix is None or not endpoint.unix.exists():
            continue
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as probe:
            probe.settimeout(1.0)
            try:
                probe.connect(str(endpoint.unix))
            except OSError:
                continue
            return True
    return False


def restore_storage(config: Config, source: Path) -> list[CopiedFile]:
    """Replace the stores with those in ``source``; refused while the daemon runs."""
    try:
        manifest = json.loads((source / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise BackupError(
            f"{source}: not a Frontyard backup ({MANIFEST}: {exc}) / バックアップではありません"
        ) from None
    if _daemon_running(config):
        raise BackupError(
            "the daemon is running: stop it first (systemctl stop frontyard-daemon) / "
            "デーモンが動作中です。先に停止してください"
        )
    destinations = {_relative(config, path): path for path in store_paths(config).values()}
    for plain in (secret_path(config), anchor_path(config)):
        destinations[_relative(config, plain)] = plain
    restored = []
    for entry in manifest["files"]:
        file = CopiedFile(**entry)
        target = destinations.get(file.relative)
        if target is None:
            raise BackupError(f"{source}: unknown file {file.relative} / 不明なファイルです")
        for suffix in ("-wal", "-shm", "-journal"):
            with contextlib.suppress(FileNotFoundError):
                os.unlink(f"{target}{suffix}")
        target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        staged = target.with_name(f".{target.name}.restoring-{time.monotonic_ns()}")
        created = NewFiles.before(config.storage_dir, staged)
        if file.name in PLAIN_FILES:
            _copy_plain(source / file.relative, staged)
        else:
            _copy_database(source / file.relative, staged)
        created.hand_over()  # restored as root, the files still belong to the daemon's user
        os.replace(staged, target)
        restored.append(file)
    return restored
