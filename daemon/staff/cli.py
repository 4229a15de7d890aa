"""``frontyard-staff``: manage staff accounts in the daemon's storage (run by the administrator).

    frontyard-staff --storage DIR add S0042 --name "窓口 一" --role 窓口 [--role 会計] [--totp] [--directory]
    frontyard-staff --storage DIR disable S0042
    frontyard-staff --storage DIR reset S0042 [--totp | --no-totp]
    frontyard-staff --storage DIR list

Passwords are read from the terminal (or one line of standard input when it is not a terminal), never
from the command line. Each change leaves an intent row before it and an outcome row after it in the
audit log (who = the operating system user, ``os:<name>``): this tool works on the files directly, so
whoever runs it can already write them, and the first 管理者 account is made here. Files it creates
belong to the owner of the storage directory, also when root runs it (``daemon.storage_owner``).
"""

from __future__ import annotations

import argparse
import getpass
import sys
from pathlib import Path

from ..audit.actions import STARTED
from ..audit.cli import AUDIT_FILE, storage_dir
from ..audit.log import AuditEntry, AuditLog, anchor_path
from ..inputs import STAFF_ID
from ..storage_owner import NewFiles
from .accounts import MIN_PASSWORD_CHARS, AccountError, StaffAccounts
from .roles import StaffRole

ACCOUNTS_FILE = "staff.sqlite3"
CHANGES = {"add": "account.added", "disable": "account.disabled", "reset": "account.reset"}


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="frontyard-staff", description=__doc__.splitlines()[0])
    where = parser.add_mutually_exclusive_group(required=True)
    where.add_argument("--storage", type=Path, help="the daemon's storage directory")
    where.add_argument("--config", type=Path, help="the daemon's configuration (its storage_dir is used)")
    commands = parser.add_subparsers(dest="command", required=True)
    add = commands.add_parser("add", help="create an account")
    add.add_argument("staff_id")
    add.add_argument("--name", required=True, help="display name shown on the console")
    add.add_argument("--role", action="append", required=True, help="窓口, 会計 or 管理者 (repeatable)")
    add.add_argument("--totp", action="store_true", help="require a TOTP code; prints the secret once")
    add.add_argument(
        "--directory", action="store_true", help="the city's directory checks the password ([options.staff])"
    )
    disable = commands.add_parser("disable", help="refuse every further sign-in")
    disable.add_argument("staff_id")
    reset = commands.add_parser("reset", help="new password, lockout cleared, account enabled")
    reset.add_argument("staff_id")
    reset.add_argument("--totp", action=argparse.BooleanOptionalAction, default=None)
    commands.add_parser("list", help="every account, without secrets")
    return parser


def read_password() -> str:
    if sys.stdin.isatty():
        password = getpass.getpass("password / パスワード: ")
        if getpass.getpass("again / 再入力: ") != password:
            raise AccountError("the passwords differ / パスワードが一致しません")
    else:
        password = sys.stdin.readline().rstrip("\n")
    if len(password) < MIN_PASSWORD_CHARS:
        raise AccountError(
            f"a password needs at least {MIN_PASSWORD_CHARS} characters / "
            f"パスワードは {MIN_PASSWORD_CHARS} 文字以上にしてください"
        )
    return password


def _operator() -> str:
    return f"os:{getpass.getuser()}"


def run(args: argparse.Namespace, accounts: StaffAccounts, audit: AuditLog) -> int:
    if args.command == "list":
        for account in accounts.list():
            roles = ",".join(sorted(role.value for role in account.roles))
            state = "disabled" if account.disabled else "enabled"
            totp = "totp" if account.has_totp else "-"
            print(f"{account.staff_id}\t{account.display_name}\t{roles}\t{state}\t{totp}")
        return 0
    if not STAFF_ID.matches(args.staff_id):
        raise AccountError(f"staff id: {STAFF_ID.rule} / {STAFF_ID.rule_ja}")
    action = CHANGES[args.command]
    staff_roles = frozenset(StaffRole.parse(text) for text in args.role) if args.command == "add" else None
    directory = args.command == "add" and args.directory
    password = "" if args.command == "disable" or directory else read_password()
    entry = AuditEntry(_operator(), action, f"staff/{args.staff_id}", outcome=STARTED)
    audit.append(entry)  # before the change: a full disk stops it here
    outcome = "ok"
    try:
        if staff_roles is not None:
            secret = accounts.add(
                args.staff_id, args.name, staff_roles, password, totp=args.totp, directory=directory
            )
        elif args.command == "disable":
            accounts.disable(args.staff_id)
            secret = ""
        else:
            secret = accounts.reset(args.staff_id, password, totp=args.totp)
    except Exception as error:
        outcome = type(error).__name__
        raise
    finally:
        audit.append(AuditEntry(entry.who, entry.action, entry.resource, outcome=outcome))
    if secret:
        print(f"TOTP secret (enrol it now; it is not shown again / 一度だけ表示します): {secret}")
    print(f"{action}: {args.staff_id}")
    return 0


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    directory = storage_dir(args.storage, args.config)
    directory.mkdir(parents=True, exist_ok=True)
    audit_file = directory / AUDIT_FILE
    created = NewFiles.before(directory, directory / ACCOUNTS_FILE, audit_file, anchor_path(audit_file))
    accounts = StaffAccounts(directory / ACCOUNTS_FILE)
    audit = AuditLog(audit_file)
    try:
        return run(args, accounts, audit)
    except (AccountError, ValueError) as error:
        print(f"frontyard-staff: {error}", file=sys.stderr)
        return 1
    finally:
        accounts.close()
        audit.close()
        created.hand_over()


if __name__ == "__main__":
    raise SystemExit(main())
