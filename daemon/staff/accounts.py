"""Staff accounts in the daemon's storage (``staff.sqlite3``): Argon2id passwords, optional TOTP, lockout.

Sign-in answers the same way for an unknown id, a disabled account and a wrong password (no account
enumeration), and spends the same Argon2 work on each. After ``LOCK_AFTER`` consecutive failures an
account is locked for a back-off that doubles with every further failure (capped), and the caller is told
so the staff lead can be alerted.
"""

from __future__ import annotations

import datetime as dt
import enum
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import pyotp
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from .roles import StaffRole

DIRECTORY_PASSWORD = "directory"  # noqa: S105 (a marker in password_hash: the directory checks it)


class PasswordDirectory(Protocol):
    """The city's directory (``daemon.staff.directory.LdapDirectory``)."""

    def check(self, staff_id: str, password: str) -> bool: ...


LOCK_AFTER = 5
FIRST_LOCK_S = 30.0
MAX_LOCK_S = 15 * 60.0
MAX_UNKNOWN_IDS = 10_000  # unknown ids whose failures are remembered (memory bound)
MIN_PASSWORD_CHARS = 12

_SCHEMA = """
CREATE TABLE IF NOT EXISTS accounts (
    staff_id TEXT PRIMARY KEY,
    display_name TEXT NOT NULL,
    roles TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    totp_secret TEXT NOT NULL DEFAULT '',
    disabled INTEGER NOT NULL DEFAULT 0,
    failures INTEGER NOT NULL DEFAULT 0,
    locked_until TEXT NOT NULL DEFAULT ''
);
"""

_HASHER = PasswordHasher()  # Argon2id with the library's current recommended parameters
_DUMMY_HASH = _HASHER.hash("an account that does not exist")


class SignInOutcome(enum.Enum):
    SIGNED_IN = "signed_in"
    REFUSED = "refused"  # unknown id, disabled, wrong password or code: one answer for all
    LOCKED = "locked"  # too many failures: the back-off has not passed


@dataclass(frozen=True)
class StaffAccount:
    staff_id: str
    display_name: str
    roles: frozenset[StaffRole]
    disabled: bool
    has_totp: bool


@dataclass(frozen=True)
class SignInResult:
    outcome: SignInOutcome
    account: StaffAccount | None = None  # set when signed in
    locked_now: bool = False  # this failure locked the account (raise an event for the staff lead)
    retry_after_s: float = 0.0


class AccountError(Exception):
    """An account command that cannot be done (duplicate id, unknown id); the message is bilingual."""


def _encode_roles(roles: frozenset[StaffRole]) -> str:
    return ",".join(sorted(role.name for role in roles))


def _decode_roles(text: str) -> frozenset[StaffRole]:
    return frozenset(StaffRole[name] for name in text.split(",") if name)


def lock_seconds(failures: int) -> float:
    """The back-off after ``failures`` consecutive failures: 0 below LOCK_AFTER, then doubling, capped."""
    if failures < LOCK_AFTER:
        return 0.0
    return float(min(FIRST_LOCK_S * 2 ** (failures - LOCK_AFTER), MAX_LOCK_S))


class StaffAccounts:
    def __init__(self, path: Path, directory: PasswordDirectory | None = None) -> None:
        self.path = path
        self.directory = directory  # None: directory accounts cannot sign in (no [options.staff] ldap_url)
        self._db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.executescript(_SCHEMA)
        # Failures of ids that are not accounts, counted like an account's (in memory, bounded), so that
        # an unknown id locks exactly as a real one would: the lock does not reveal which ids exist.
        self._unknown: dict[str, tuple[int, str]] = {}

    def close(self) -> None:
        self._db.close()

    # --- management (frontyard-staff) ------------------------------------------------------------------

    def add(
        self,
        staff_id: str,
        display_name: str,
        roles: frozenset[StaffRole],
        password: str,
        *,
        totp: bool = False,
        directory: bool = False,
    ) -> str:
        """Create an account; returns its TOTP secret ("" without TOTP) to enrol in an authenticator app.
        A ``directory`` account has no password here: the city's directory checks it."""
        if not roles:
            raise AccountError("at least one role is required / 役割を一つ以上指定してください")
        secret = pyotp.random_base32() if totp else ""
        password_hash = DIRECTORY_PASSWORD if directory else _HASHER.hash(password)
        try:
            self._db.execute(
                "INSERT INTO accounts (staff_id, display_name, roles, password_hash, totp_secret)"
                " VALUES (?, ?, ?, ?, ?)",
                (staff_id, display_name, _encode_roles(roles), password_hash, secret),
            )
        except sqlite3.IntegrityError:
            raise AccountError(
                f"staff id {staff_id} already exists / 職員番号 {staff_id} は登録済みです"
            ) from None
        return secret

    def disable(self, staff_id: str) -> None:
        self._update(staff_id, "UPDATE accounts SET disabled = 1 WHERE staff_id = ?", (staff_id,))

    def reset(self, staff_id: str, password: str, *, totp: bool | None = None) -> str:
        """New password, lockout cleared, account enabled; ``totp`` True: a new secret (returned), False:
        none; None: unchanged."""
        self._update(
            staff_id,
            "UPDATE accounts SET password_hash = ?, failures = 0, locked_until = '', disabled = 0"
            " WHERE staff_id = ?",
            (_HASHER.hash(password), staff_id),
        )
        if totp is None:
            return ""
        secret = pyotp.random_base32() if totp else ""
        self._update(staff_id, "UPDATE accounts SET totp_secret = ? WHERE staff_id = ?", (secret, staff_id))
        return secret

    def list(self) -> list[StaffAccount]:
        rows = self._db.execute(
            "SELECT staff_id, display_name, roles, disabled, totp_secret FROM accounts ORDER BY staff_id"
        )
        return [
            StaffAccount(row[0], row[1], _decode_roles(row[2]), bool(row[3]), bool(row[4])) for row in rows
        ]

    def find(self, staff_id: str) -> StaffAccount | None:
        row = self._db.execute(
            "SELECT staff_id, display_name, roles, disabled, totp_secret FROM accounts WHERE staff_id = ?",
            (staff_id,),
        ).fetchone()
        if row is None:
            return None
        return StaffAccount(row[0], row[1], _decode_roles(row[2]), bool(row[3]), bool(row[4]))

    def _update(self, staff_id: str, statement: str, values: tuple[str, ...]) -> None:
        if self._db.execute(statement, values).rowcount == 0:
            raise AccountError(f"no staff id {staff_id} / 職員番号 {staff_id} は登録されていません")

    # --- sign-in ---------------------------------------------------------------------------------------

    def sign_in(
        self, staff_id: str, password: str, totp_code: str = "", now: dt.datetime | None = None
    ) -> SignInResult:
        when = now or dt.datetime.now(dt.UTC)
        row = self._db.execute(
            "SELECT display_name, roles, password_hash, totp_secret, disabled, failures, locked_until"
            " FROM accounts WHERE staff_id = ?",
            (staff_id,),
        ).fetchone()
        if row is None:
            return self._unknown_sign_in(staff_id, password, when)
        display_name, roles, password_hash, secret, disabled, failures, locked_until = row
        if locked_until and dt.datetime.fromisoformat(locked_until) > when:
            _verify(_DUMMY_HASH, password)
            wait = (dt.datetime.fromisoformat(locked_until) - when).total_seconds()
            return SignInResult(SignInOutcome.LOCKED, retry_after_s=wait)
        good = self._password_ok(staff_id, password_hash, password) and not disabled
        if good and secret:
            good = pyotp.TOTP(secret).verify(totp_code, for_time=when, valid_window=1)
        if good:
            self._db.execute(
                "UPDATE accounts SET failures = 0, locked_until = '' WHERE staff_id = ?", (staff_id,)
            )
            account = StaffAccount(staff_id, display_name, _decode_roles(roles), False, bool(secret))
            return SignInResult(SignInOutcome.SIGNED_IN, account)
        failures, until, result = _failed(failures + 1, when)
        self._db.execute(
            "UPDATE accounts SET failures = ?, locked_until = ? WHERE staff_id = ?",
            (failures, until, staff_id),
        )
        return result

    def _password_ok(self, staff_id: str, password_hash: str, password: str) -> bool:
        if password_hash != DIRECTORY_PASSWORD:
            return _verify(password_hash, password)
        if self.directory is None:
            _verify(_DUMMY_HASH, password)
            return False
        return self.directory.check(staff_id, password)

    def _unknown_sign_in(self, staff_id: str, password: str, when: dt.datetime) -> SignInResult:
        _verify(_DUMMY_HASH, password)  # the same work as for a real account
        failures, locked_until = self._unknown.get(staff_id, (0, ""))
        if locked_until and dt.datetime.fromisoformat(locked_until) > when:
            wait = (dt.datetime.fromisoformat(locked_until) - when).total_seconds()
            return SignInResult(SignInOutcome.LOCKED, retry_after_s=wait)
        if len(self._unknown) >= MAX_UNKNOWN_IDS:
            self._unknown.pop(next(iter(self._unknown)))  # the oldest
        failures, until, result = _failed(failures + 1, when)
        self._unknown[staff_id] = (failures, until)
        return result


def _failed(failures: int, when: dt.datetime) -> tuple[int, str, SignInResult]:
    """The new failure count, the lock's end ("" when none) and the answer for one more failure."""
    wait = lock_seconds(failures)
    until = (when + dt.timedelta(seconds=wait)).isoformat() if wait else ""
    return failures, until, SignInResult(SignInOutcome.REFUSED, locked_now=bool(wait), retry_after_s=wait)


def _verify(password_hash: str, password: str) -> bool:
    try:
        return _HASHER.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False
