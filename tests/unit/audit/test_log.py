"""The audit log's hash chain: an intact log verifies; an edited, deleted or reordered row is named."""

from __future__ import annotations

import csv
import io
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from daemon.audit.cli import main as audit_cli
from daemon.audit.log import AuditEntry, AuditLog, AuditRow, verify_rows

ROWS = 6


@pytest.fixture
def log(tmp_path: Path) -> Iterator[AuditLog]:
    audit = AuditLog(tmp_path / "audit.sqlite3")
    for index in range(ROWS):
        audit.append(AuditEntry(f"S{index:04d}", "application.released", f"applications/a{index}"))
    yield audit
    audit.close()


def tamper(path: Path, *statements: str) -> None:
    """Edit the file as an intruder would: with the append-only triggers dropped."""
    db = sqlite3.connect(path)
    db.execute("DROP TRIGGER audit_no_update")
    db.execute("DROP TRIGGER audit_no_delete")
    for statement in statements:
        db.execute(statement)
    db.commit()
    db.close()


def test_an_intact_log_verifies(log: AuditLog) -> None:
    result = log.verify()
    assert result.ok and result.rows == ROWS


def test_update_and_delete_are_refused_through_sqlite(log: AuditLog) -> None:
    db = sqlite3.connect(log.path)
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        db.execute("UPDATE audit SET who = 'S9999' WHERE seq = 2")
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        db.execute("DELETE FROM audit WHERE seq = 2")
    db.close()


def test_an_edited_row_is_named(log: AuditLog) -> None:
    tamper(log.path, "UPDATE audit SET who = 'S9999' WHERE seq = 3")
    result = log.verify()
    assert result.first_broken_seq == 3 and "row_hash" in result.reason


def test_an_edited_row_with_its_hash_recomputed_breaks_the_next_link(log: AuditLog) -> None:
    rows = list(log.rows())
    forged = AuditRow(**{**rows[2].__dict__, "who": "S9999"})
    from daemon.audit.log import row_hash

    tamper(log.path, f"UPDATE audit SET who = 'S9999', row_hash = '{row_hash(forged)}' WHERE seq = 3")
    assert log.verify().first_broken_seq == 4


def test_a_deleted_row_is_named(log: AuditLog) -> None:
    tamper(log.path, "DELETE FROM audit WHERE seq = 4")
    result = log.verify()
    assert result.first_broken_seq == 5 and "sequence" in result.reason


def test_a_deleted_row_renumbered_is_named(log: AuditLog) -> None:
    tamper(log.path, "DELETE FROM audit WHERE seq = 4", "UPDATE audit SET seq = seq - 1 WHERE seq > 4")
    assert log.verify().first_broken_seq == 4


def test_reordered_rows_are_named(log: AuditLog) -> None:
    tamper(
        log.path,
        "UPDATE audit SET seq = 100 WHERE seq = 2",
        "UPDATE audit SET seq = 2 WHERE seq = 5",
        "UPDATE audit SET seq = 5 WHERE seq = 100",
    )
    assert log.verify().first_broken_seq == 2


def test_appending_after_a_reopen_continues_the_chain(log: AuditLog) -> None:
    again = AuditLog(log.path)
    again.append(AuditEntry("S0001", "payment.voided", "payments/p1"))
    again.close()
    result = log.verify()
    assert result.ok and result.rows == ROWS + 1


def test_the_cli_verifies_and_reports_the_broken_row(
    log: AuditLog, capsys: pytest.CaptureFixture[str]
) -> None:
    storage = str(log.path.parent)
    assert audit_cli(["--storage", storage, "verify"]) == 0
    tamper(log.path, "UPDATE audit SET action = 'nothing' WHERE seq = 2")
    assert audit_cli(["--storage", storage, "verify"]) == 1
    assert "row 2" in capsys.readouterr().err


def test_the_cli_exports_a_period_as_csv(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import datetime as dt

    audit = AuditLog(tmp_path / "audit.sqlite3")
    for day in (1, 2, 3):
        audit.append(
            AuditEntry("S0001", "payment.refunded", f"payments/p{day}"), dt.datetime(2026, 4, day, 9)
        )
    audit.close()
    out = tmp_path / "april.csv"
    code = audit_cli(
        [
            "--storage",
            str(tmp_path),
            "export",
            "--from",
            "2026-04-02",
            "--to",
            "2026-04-03",
            "--out",
            str(out),
        ]
    )
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert [row["resource"] for row in rows] == ["payments/p2"]


@given(
    st.lists(st.tuples(st.text(max_size=8), st.text(max_size=12)), min_size=1, max_size=8),
    st.data(),
)
def test_any_single_field_change_is_detected(entries: list[tuple[str, str]], data: st.DataObject) -> None:
    rows: list[AuditRow] = []
    prev = "0" * 64
    from daemon.audit.log import row_hash

    for seq, (who, action) in enumerate(entries, start=1):
        draft = AuditRow(seq, "2026-04-01T09:00:00", who, action, "", "", "ok", prev, "")
        row = AuditRow(**{**draft.__dict__, "row_hash": row_hash(draft)})
        rows.append(row)
        prev = row.row_hash
    assert verify_rows(iter(rows)).ok
    index = data.draw(st.integers(0, len(rows) - 1))
    field = data.draw(st.sampled_from(["at", "who", "action", "resource", "purpose", "outcome"]))
    changed = getattr(rows[index], field) + data.draw(st.text(min_size=1, max_size=4))
    rows[index] = AuditRow(**{**rows[index].__dict__, field: changed})
    assert verify_rows(iter(rows)).first_broken_seq == index + 1
