"""Staff accounts: Argon2id, TOTP, lockout with back-off, one answer for every refusal, the CLI."""

from __future__ import annotations

import datetime as dt
import io
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pyotp
import pytest

from daemon.audit.log import AuditLog
from daemon.staff.accounts import (
    FIRST_LOCK_S,
    LOCK_AFTER,
    MAX_LOCK_S,
    SignInOutcome,
    StaffAccounts,
    lock_seconds,
)
from daemon.staff.cli import main as staff_cli
from daemon.staff.roles import StaffRole, may_call

PASSWORD = "a long enough password"
T0 = dt.datetime(2026, 4, 1, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def accounts(tmp_path: Path) -> Iterator[StaffAccounts]:
    store = StaffAccounts(tmp_path / "staff.sqlite3")
    store.add("S0001", "窓口 一", frozenset({StaffRole.COUNTER}), PASSWORD)
    yield store
    store.close()


def test_the_password_is_stored_as_an_argon2id_hash(accounts: StaffAccounts) -> None:
    stored = sqlite3.connect(accounts.path).execute("SELECT password_hash FROM accounts").fetchone()[0]
    assert stored.startswith("$argon2id$") and PASSWORD not in stored


def test_sign_in_and_the_same_refusal_for_unknown_wrong_and_disabled(accounts: StaffAccounts) -> None:
    signed = accounts.sign_in("S0001", PASSWORD, now=T0)
    assert signed.outcome is SignInOutcome.SIGNED_IN and signed.account is not None
    assert signed.account.roles == frozenset({StaffRole.COUNTER})
    unknown = accounts.sign_in("S9999", PASSWORD, now=T0)
    wrong = accounts.sign_in("S0001", "not the password", now=T0)
    accounts.disable("S0001")
    disabled = accounts.sign_in("S0001", PASSWORD, now=T0)
    assert unknown == wrong == disabled
    assert unknown.outcome is SignInOutcome.REFUSED and unknown.account is None


def test_lockout_backs_off_and_a_reset_clears_it(accounts: StaffAccounts) -> None:
    results = [accounts.sign_in("S0001", "wrong", now=T0) for _ in range(LOCK_AFTER)]
    assert [result.locked_now for result in results] == [False] * (LOCK_AFTER - 1) + [True]
    assert accounts.sign_in("S0001", PASSWORD, now=T0).outcome is SignInOutcome.LOCKED
    later = T0 + dt.timedelta(seconds=FIRST_LOCK_S + 1)
    again = accounts.sign_in("S0001", "wrong", now=later)  # one more failure: twice the wait
    assert again.retry_after_s == 2 * FIRST_LOCK_S
    accounts.reset("S0001", PASSWORD)
    assert accounts.sign_in("S0001", PASSWORD, now=later).outcome is SignInOutcome.SIGNED_IN


def test_an_unknown_id_locks_exactly_like_a_real_one(accounts: StaffAccounts) -> None:
    """Otherwise the lock would tell which staff ids exist."""
    real = [accounts.sign_in("S0001", "wrong", now=T0) for _ in range(LOCK_AFTER + 1)]
    unknown = [accounts.sign_in("S0404", "wrong", now=T0) for _ in range(LOCK_AFTER + 1)]
    assert real == unknown
    assert unknown[-1].outcome is SignInOutcome.LOCKED


def test_lock_seconds_double_and_are_capped() -> None:
    waits = [lock_seconds(failures) for failures in range(LOCK_AFTER + 10)]
    assert waits[:LOCK_AFTER] == [0.0] * LOCK_AFTER
    assert waits[LOCK_AFTER + 1] == 2 * waits[LOCK_AFTER] == 2 * FIRST_LOCK_S
    assert max(waits) == MAX_LOCK_S


def test_totp_is_required_when_enrolled(accounts: StaffAccounts) -> None:
    secret = accounts.reset("S0001", PASSWORD, totp=True)
    assert accounts.sign_in("S0001", PASSWORD, "", now=T0).outcome is SignInOutcome.REFUSED
    code = pyotp.TOTP(secret).at(T0)
    assert accounts.sign_in("S0001", PASSWORD, code, now=T0).outcome is SignInOutcome.SIGNED_IN


def test_role_matrix() -> None:
    void = "/kiosk.v1.PaymentService/VoidPayment"
    release = "/kiosk.v1.ApplicationService/ReleaseApplication"
    assert not may_call(frozenset({StaffRole.COUNTER}), void)
    assert may_call(frozenset({StaffRole.CASHIER}), void)
    assert may_call(frozenset({StaffRole.ADMIN}), void)
    assert all(may_call(frozenset({role}), release) for role in StaffRole)
    assert StaffRole.parse("会計") is StaffRole.CASHIER and StaffRole.parse("admin") is StaffRole.ADMIN
    with pytest.raises(ValueError, match="役割"):
        StaffRole.parse("課長")


def test_the_cli_adds_disables_resets_and_lists_with_audit_rows(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    storage = str(tmp_path)
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    assert staff_cli(["--storage", storage, "add", "S0002", "--name", "会計 二", "--role", "会計"]) == 0
    monkeypatch.setattr("sys.stdin", io.StringIO("short\n"))
    assert staff_cli(["--storage", storage, "reset", "S0002"]) == 1  # too short: refused
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "!\n"))
    assert staff_cli(["--storage", storage, "reset", "S0002"]) == 0
    assert staff_cli(["--storage", storage, "disable", "S0002"]) == 0
    assert staff_cli(["--storage", storage, "disable", "S0404"]) == 1
    named = ["--storage", storage, "add", "山田", "--name", "x", "--role", "窓口"]
    assert staff_cli(named) == 1  # a name is no staff id (daemon/inputs.py STAFF_ID)
    capsys.readouterr()
    assert staff_cli(["--storage", storage, "list"]) == 0
    assert capsys.readouterr().out.split("\t") == ["S0002", "会計 二", "会計", "disabled", "-\n"]
    log = AuditLog(tmp_path / "audit.sqlite3")
    changes = [(row.who.startswith("os:"), row.action, row.resource, row.outcome) for row in log.rows()]
    assert changes == [  # an intent row before each change, its outcome after; S0404 does not exist
        (True, action, f"staff/{staff}", outcome)
        for action, staff, result in (
            ("account.added", "S0002", "ok"),
            ("account.reset", "S0002", "ok"),
            ("account.disabled", "S0002", "ok"),
            ("account.disabled", "S0404", "AccountError"),
        )
        for outcome in ("started", result)
    ]
    assert log.verify().ok
    log.close()


class Directory:
    """The city's directory as the account store sees it: one person's password (slapd: test_ldap.py)."""

    def check(self, staff_id: str, password: str) -> bool:
        return (staff_id, password) == ("D0001", "the directory's password")


def test_a_directory_account_is_checked_by_the_directory_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    storage = str(tmp_path)
    monkeypatch.setattr("sys.stdin", io.StringIO(""))  # no password is read for a directory account
    assert (
        staff_cli(["--storage", storage, "add", "D0001", "--name", "窓口", "--role", "窓口", "--directory"])
        == 0
    )
    without = StaffAccounts(tmp_path / "staff.sqlite3")  # no directory configured
    assert without.sign_in("D0001", "the directory's password", now=T0).outcome is SignInOutcome.REFUSED
    assert without.sign_in("D0001", "directory", now=T0).outcome is SignInOutcome.REFUSED  # the marker
    without.close()
    store = StaffAccounts(tmp_path / "staff.sqlite3", Directory())
    assert store.sign_in("D0001", "the directory's password", now=T0).outcome is SignInOutcome.SIGNED_IN
    assert store.sign_in("D0001", "wrong", now=T0).outcome is SignInOutcome.REFUSED
    store.disable("D0001")
    assert store.sign_in("D0001", "the directory's password", now=T0).outcome is SignInOutcome.REFUSED
    store.close()
