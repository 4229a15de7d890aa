"""Where each SQLite store lives and which schema version a file has: what ``daemon.migrations`` and
``daemon.backup`` both need (neither imports the other for it).

A new store gets a name here (``store_paths``) and a ``StoreSchema`` in ``daemon.migrations.SCHEMAS``.
"""

from __future__ import annotations

import contextlib
import sqlite3
from pathlib import Path

from .config import Config
from .visits.settings import frontyard_settings


def outbox_path(config: Config) -> Path:
    return frontyard_settings(config.options.frontyard, config.storage_dir).outbox_dir / "outbox.sqlite3"


def secret_path(config: Config) -> Path:
    """The reception secret (not a store, but backed up and restored with them)."""
    return frontyard_settings(config.options.frontyard, config.storage_dir).secret_file


def store_paths(config: Config) -> dict[str, Path]:
    """Store name → its file, for this configuration."""
    return {
        "events": config.storage_dir / "events.sqlite3",
        "print-jobs": config.storage_dir / "print-jobs.sqlite3",
        "payments": config.storage_dir / "payments.sqlite3",
        "kpi": config.storage_dir / "kpi.sqlite3",
        "outbox": outbox_path(config),
        "audit": audit_path(config),
        "staff": config.storage_dir / "staff.sqlite3",
    }


def audit_path(config: Config) -> Path:
    return config.storage_dir / "audit.sqlite3"


def anchor_path(config: Config) -> Path:
    """The audit chain's anchored heads (``daemon.audit.anchor``): not a store, but backed up and restored
    right after the audit store, the pair copied under the anchor's lock."""
    return audit_path(config).with_suffix(".anchor")


def read_version(path: Path) -> int:
    """The file's schema version (``PRAGMA user_version``); 0 (unversioned) reads as 1."""
    with contextlib.closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as db:
        (version,) = db.execute("PRAGMA user_version").fetchone()
    return max(int(version), 1)
