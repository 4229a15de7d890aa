"""Schema migrations: every kept version (tests/fixtures/migrations/v<N>) migrates to the current one,
with a backup first; a newer file is refused in Japanese and English; new stores start current."""

from __future__ import annotations

import contextlib
import sqlite3
from pathlib import Path

import pytest

from bench._year_data import SAMPLE, fill
from daemon.config import Config, load_config
from daemon.main import main
from daemon.migrations import (
    SCHEMAS,
    StorageTooNew,
    finish_new_stores,
    prepare_storage,
    store_files,
)
from daemon.payments.journal import PaymentJournal
from daemon.printing.journal import JobJournal
from daemon.storage_files import read_version
from daemon.visits.kpi_store import PersistentKpiRecorder
from tests.fixtures.migrations.make import FILES

FIXTURES = Path(__file__).parents[2] / "fixtures" / "migrations"
VERSIONS = sorted(path.name for path in FIXTURES.glob("v*") if path.is_dir())


def config_in(directory: Path) -> Config:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / "daemon.toml"
    path.write_text('[daemon]\nstorage_dir = "state"\n', encoding="utf-8")
    return load_config(path)


def load_fixture(version: str, storage: Path) -> None:
    for schema in SCHEMAS:
        target = storage / FILES[schema.name]
        target.parent.mkdir(parents=True, exist_ok=True)
        with contextlib.closing(sqlite3.connect(target)) as db:
            db.executescript((FIXTURES / version / f"{schema.name}.sql").read_text(encoding="utf-8"))


def rows(path: Path, table: str) -> int:
    with contextlib.closing(sqlite3.connect(path)) as db:
        return int(db.execute(f"SELECT count(*) FROM {table}").fetchone()[0])


def schema_of(path: Path) -> set[tuple[str, str, str]]:
    """Every table's columns and every index's columns (column order aside: ADD COLUMN appends)."""
    with contextlib.closing(sqlite3.connect(path)) as db:
        objects = db.execute("SELECT type, name FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'").fetchall()
        shape = set()
        for kind, name in objects:
            pragma = "table_info" if kind == "table" else "index_info"
            for row in db.execute(f"PRAGMA {pragma}({name})"):
                shape.add((kind, name, repr(row[1:] if kind == "table" else row[2])))
    return shape


def test_every_store_has_a_kept_version() -> None:
    assert VERSIONS, "no fixtures: python -m tests.fixtures.migrations.make"
    for version in VERSIONS:
        assert {path.stem for path in (FIXTURES / version).glob("*.sql")} == {s.name for s in SCHEMAS}


@pytest.mark.parametrize("release", VERSIONS)
def test_kept_release_migrates_to_current_keeping_every_row(release: str, tmp_path: Path) -> None:
    config = config_in(tmp_path)
    load_fixture(release, config.storage_dir)
    before = {store.schema.name: read_version(store.path) for store in store_files(config)}
    report = prepare_storage(config)
    assert set(report.migrated) == {s.name for s in SCHEMAS if s.latest > before[s.name]}
    assert report.backup_dir is not None and report.backup_dir.parent == config.storage_dir / "backups"
    for store in store_files(config):
        assert read_version(store.path) == store.schema.latest
        backup = report.backup_dir / FILES[store.schema.name]
        assert read_version(backup) == before[store.schema.name]  # the backup is the file as it was
    storage = config.storage_dir
    assert rows(storage / "kpi.sqlite3", "visits") == SAMPLE.visits
    assert rows(storage / "payments.sqlite3", "payments") == SAMPLE.payments
    assert rows(storage / "print-jobs.sqlite3", "jobs") == SAMPLE.jobs
    assert rows(storage / "events.sqlite3", "events") == SAMPLE.events
    # The stores read the migrated files.
    journal = PaymentJournal(storage / "payments.sqlite3")
    assert len(journal.payments()) == SAMPLE.payments
    journal.close()
    jobs = JobJournal(storage / "print-jobs.sqlite3")
    assert jobs.get(1).title == "整理券"
    jobs.close()
    kpis = PersistentKpiRecorder(storage / "kpi.sqlite3")
    assert len(kpis) == SAMPLE.visits
    kpis.close()
    # A second start has nothing to do: no second backup.
    assert prepare_storage(config).backup_dir is None


def test_migrated_old_files_equal_new_files(tmp_path: Path) -> None:
    """Guard: a store whose CREATE statements change without a migration step fails here."""
    old, new = config_in(tmp_path / "old"), config_in(tmp_path / "new")
    load_fixture(VERSIONS[0], old.storage_dir)
    prepare_storage(old)
    report = prepare_storage(new)
    fill(new.storage_dir, SAMPLE)
    finish_new_stores(report)
    for before, after in zip(store_files(old), store_files(new), strict=True):
        assert schema_of(before.path) == schema_of(after.path), before.schema.name
        assert read_version(after.path) == after.schema.latest


def test_a_column_added_before_versioning_is_not_added_twice(tmp_path: Path) -> None:
    """A journal written by a release that had ``issue_failed`` but no version stamp migrates too."""
    config = config_in(tmp_path)
    load_fixture(VERSIONS[0], config.storage_dir)
    payments = config.storage_dir / "payments.sqlite3"
    with contextlib.closing(sqlite3.connect(payments)) as db:
        db.execute("ALTER TABLE payments ADD COLUMN issue_failed INTEGER NOT NULL DEFAULT 0")
        db.commit()
    prepare_storage(config)
    assert read_version(payments) == 3
    assert rows(payments, "payments") == SAMPLE.payments


def test_newer_file_is_refused_untouched(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = config_in(tmp_path)
    load_fixture(VERSIONS[-1], config.storage_dir)
    prepare_storage(config)
    payments = config.storage_dir / "payments.sqlite3"
    with contextlib.closing(sqlite3.connect(payments)) as db:
        db.execute("PRAGMA user_version = 99")
    before = payments.read_bytes()
    with pytest.raises(StorageTooNew, match="version 99 is newer") as refused:
        prepare_storage(config)
    assert "新しいリリース" in str(refused.value) and "restore" in str(refused.value)
    assert payments.read_bytes() == before
    assert main(["--config", str(config.path)]) == 1
    assert "version 99" in capsys.readouterr().err
