"""The application outbox: status changes, atomic export, retention."""

import datetime as dt
import json
import stat
from pathlib import Path

import pytest

from frontyard.documents import FilledForm
from frontyard.errors import OutboxError
from frontyard.exporter import ExportFile, export_released, purge_exported
from frontyard.forms import fill_forms
from frontyard.lifeevents import evaluate
from frontyard.outbox import ApplicationPackage, Outbox, PackageStatus
from frontyard.reference import reference_household

NOW = dt.datetime(2025, 9, 9, 10, 0)
PDF = b"%PDF-1.7 test"


def form() -> FilledForm:
    return fill_forms(evaluate(reference_household()))[0]


def test_status_goes_awaiting_check_released_exported(tmp_path: Path) -> None:
    outbox = Outbox()
    package = outbox.add(form(), PDF, "20250909-SHIMIN-0001", NOW)
    assert package.status is PackageStatus.AWAITING_CHECK
    assert export_released(outbox, tmp_path, NOW) == ()  # not released yet
    outbox.release(package.package_id, "staff-7", NOW)
    with pytest.raises(OutboxError) as error:
        outbox.release(package.package_id, "staff-7", NOW)
    assert error.value.reason == "outbox_bad_transition"
    paths = export_released(outbox, tmp_path, NOW + dt.timedelta(minutes=5))
    assert [path.name for path in paths] == [package.package_id]
    assert outbox.get(package.package_id).status is PackageStatus.EXPORTED
    document = json.loads((paths[0] / "package.json").read_text(encoding="utf-8"))
    assert document["format"] == "frontyard-application/1"
    assert document["form_id"] == "juki-tennyu"
    assert document["released_at"] == NOW.isoformat()
    assert (paths[0] / "form.pdf").read_bytes() == PDF
    assert stat.S_IMODE((paths[0] / "form.pdf").stat().st_mode) == 0o600
    assert not list(tmp_path.glob(".*.tmp"))


def test_unknown_package() -> None:
    with pytest.raises(OutboxError) as error:
        Outbox().release("0" * 32, "staff", NOW)
    assert error.value.reason == "outbox_unknown_package"


class UpperMapper:
    def map(self, package: ApplicationPackage, exported_at: dt.datetime) -> tuple[ExportFile, ...]:
        return (ExportFile("pittari.xml", f"<app id='{package.form.form_id}'/>".encode()),)


class UnsafeMapper:
    def map(self, package: ApplicationPackage, exported_at: dt.datetime) -> tuple[ExportFile, ...]:
        return (ExportFile("../escape", b""),)


def test_pluggable_mapper_and_unsafe_names(tmp_path: Path) -> None:
    outbox = Outbox()
    package = outbox.add(form(), PDF, "r", NOW)
    outbox.release(package.package_id, "s", NOW)
    (path,) = export_released(outbox, tmp_path / "a", NOW, mapper=UpperMapper())
    assert [p.name for p in path.iterdir()] == ["pittari.xml"]
    other = outbox.add(form(), PDF, "r", NOW)
    outbox.release(other.package_id, "s", NOW)
    with pytest.raises(OutboxError):
        export_released(outbox, tmp_path / "b", NOW, mapper=UnsafeMapper())
    assert not (tmp_path / "escape").exists()


def test_retention_deletes_old_exports_only(tmp_path: Path) -> None:
    outbox = Outbox()
    old = outbox.add(form(), PDF, "r", NOW)
    outbox.release(old.package_id, "s", NOW)
    export_released(outbox, tmp_path, NOW)
    new = outbox.add(form(), PDF, "r", NOW)
    outbox.release(new.package_id, "s", NOW)
    export_released(outbox, tmp_path, NOW + dt.timedelta(days=10))
    (tmp_path / "not-a-package").mkdir()
    removed = purge_exported(tmp_path, NOW + dt.timedelta(days=31), retention_days=30)
    assert removed == (old.package_id,)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([new.package_id, "not-a-package"])
    assert outbox.purge(NOW + dt.timedelta(days=31), 30) == (old.package_id,)
    assert [p.package_id for p in outbox.list()] == [new.package_id]
