"""Export released packages to a directory (the one module of ``frontyard`` that writes files).

Format: one directory per package, ``<root>/<package_id>/``, written atomically (built as
``.<package_id>.tmp`` and renamed), holding the files the mapper returns, by default::

    package.json    {"format": "frontyard-application/1", "package_id", "reception_id", "procedure_id",
                     "form_id", "title", "counter", "created_at", "released_at", "exported_at",
                     "fields": [{"key", "label", "kind", "value"}], "missing": [...]}
    form.pdf        the rendered form

Dates are ISO 8601. Directories are 0700, files 0600. The mapping to マイナポータル申請管理 / ぴったりサービス
標準様式 is not public [U], so it is a ``PackageMapper`` to plug in. ``purge_exported`` deletes package
directories whose ``exported_at`` is older than N days.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import re
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from frontyard.errors import OutboxError
from frontyard.outbox import ApplicationPackage, OutboxStore, PackageStatus

_LOGGER = logging.getLogger(__name__)
FORMAT = "frontyard-application/1"
_PACKAGE_ID = re.compile(r"[0-9a-f]{32}")


@dataclass(frozen=True)
class ExportFile:
    name: str  # a plain file name, no directories
    content: bytes


class PackageMapper(Protocol):
    """Turns a package into the files of the receiving system's format."""

    def map(self, package: ApplicationPackage, exported_at: dt.datetime) -> tuple[ExportFile, ...]: ...


def _json_value(value: object) -> object:
    return value.isoformat() if isinstance(value, dt.date) else value


class InternalMapper:
    """Our own schema (``package.json`` + ``form.pdf``), documented in this module."""

    def map(self, package: ApplicationPackage, exported_at: dt.datetime) -> tuple[ExportFile, ...]:
        form = package.form
        document = {
            "format": FORMAT,
            "package_id": package.package_id,
            "reception_id": package.reception_id,
            "procedure_id": form.procedure_id,
            "form_id": form.form_id,
            "title": form.title,
            "counter": form.counter,
            "created_at": package.created_at.isoformat(),
            "released_at": package.released_at.isoformat() if package.released_at else None,
            "exported_at": exported_at.isoformat(),
            "fields": [
                {"key": f.key, "label": f.label, "kind": str(f.kind), "value": _json_value(f.value)}
                for f in form.fields
            ],
            "missing": list(form.missing),
        }
        text = json.dumps(document, ensure_ascii=False, indent=1).encode("utf-8")
        return (ExportFile("package.json", text), ExportFile("form.pdf", package.pdf))


def _write_package(root: Path, package_id: str, files: tuple[ExportFile, ...]) -> Path:
    final = root / package_id
    temporary = root / f".{package_id}.tmp"
    if temporary.exists():
        shutil.rmtree(temporary)
    temporary.mkdir(mode=0o700)
    for item in files:
        if "/" in item.name or item.name.startswith("."):
            raise OutboxError("mapper returned an unsafe file name", reason="outbox_bad_mapping")
        path = temporary / item.name
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(item.content)
            handle.flush()
            os.fsync(handle.fileno())
    os.replace(temporary, final)
    return final


def export_released(
    outbox: OutboxStore, root: Path, now: dt.datetime, mapper: PackageMapper | None = None
) -> tuple[Path, ...]:
    """Write every released package under ``root`` and mark it exported; returns the directories.

    Packages are loaded one at a time (``outbox.get``) and dropped once written.
    """
    mapper = mapper or InternalMapper()
    root.mkdir(mode=0o700, parents=True, exist_ok=True)
    written: list[Path] = []
    for summary in outbox.list(PackageStatus.RELEASED):
        package = outbox.get(summary.package_id)
        try:
            path = _write_package(root, package.package_id, mapper.map(package, now))
        except OSError as exc:
            raise OutboxError(
                f"cannot export package: {exc.strerror}", reason="outbox_export_failed"
            ) from exc
        outbox.mark_exported(summary.package_id, now)
        written.append(path)
    _LOGGER.info("exported %d application packages", len(written))
    return tuple(written)


def purge_exported(root: Path, now: dt.datetime, retention_days: int) -> tuple[str, ...]:
    """Delete exported package directories older than ``retention_days``; returns their ids."""
    removed: list[str] = []
    if not root.is_dir():
        return ()
    limit = now - dt.timedelta(days=retention_days)
    for directory in sorted(root.iterdir()):
        if not directory.is_dir() or not _PACKAGE_ID.fullmatch(directory.name):
            continue
        try:
            document = json.loads((directory / "package.json").read_text(encoding="utf-8"))
            exported_at = dt.datetime.fromisoformat(document["exported_at"])
        except (OSError, ValueError, KeyError, TypeError):
            _LOGGER.warning("skipping a package directory without a readable manifest")
            continue
        if exported_at <= limit:
            shutil.rmtree(directory)
            removed.append(directory.name)
    return tuple(removed)
