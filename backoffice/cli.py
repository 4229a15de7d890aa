"""``frontyard-backoffice``: set up the central database that Frontyard terminals forward to.

    frontyard-backoffice migrate --database DSN
    frontyard-backoffice add-terminal --database DSN --terminal-id ID --office 本庁 --password-file FILE
    frontyard-backoffice add-login --database DSN --role NAME --password-file FILE
    frontyard-backoffice serve --database DSN --state-dir DIR [--port 8090]   (the console)
    frontyard-backoffice purge --database DSN [--retention-days 30]            (the retention purge)

DSN is a libpq connection string (``host=db1,db2 dbname=frontyard user=admin sslmode=verify-full``); give
passwords through ``passfile=`` or ``PGPASSFILE``, never on the command line. ``migrate`` applies the
versioned files of ``backoffice/schema/`` not yet applied (a second run does nothing) and needs a role
that may create roles. ``serve`` and ``purge`` are ``frontyard-console``'s commands, run by it (their
options: ``frontyard-backoffice serve --help``). See docs/FLEET.md.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import psycopg

from .migrate import MigrationError, migrate
from .terminals import RoleError, add_backoffice_login, add_terminal, read_password_file

EXIT_REFUSED = 2
CONSOLE_COMMANDS = {
    "serve": "serve the back-office console on loopback (as frontyard-console serve)",
    "purge": "clear personal data of applications exported long enough ago (as frontyard-console purge)",
}


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="frontyard-backoffice",
        description=__doc__,
        epilog="docs/FLEET.md describes the schema, the roles and the terminals' [fleet] settings.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    database_help = "libpq connection string of the central database (no password in it: use passfile=)"

    run = commands.add_parser("migrate", help="apply the schema versions not yet applied (idempotent)")
    run.add_argument("--database", required=True, metavar="DSN", help=database_help)

    terminal = commands.add_parser(
        "add-terminal", help="create a terminal's login role (may insert its own rows)"
    )
    terminal.add_argument("--database", required=True, metavar="DSN", help=database_help)
    terminal.add_argument("--terminal-id", required=True, help="the terminal's [fleet] terminal_id")
    terminal.add_argument("--office", required=True, help="the office it stands in (本庁, 山川支所 …)")
    terminal.add_argument(
        "--password-file", required=True, type=Path, help="a file whose first line is its password"
    )

    login = commands.add_parser(
        "add-login", help="create a back-office console login (reads all, updates applications)"
    )
    login.add_argument("--database", required=True, metavar="DSN", help=database_help)
    login.add_argument("--role", required=True, help="the login role's name")
    login.add_argument(
        "--password-file", required=True, type=Path, help="a file whose first line is its password"
    )
    for name, summary in CONSOLE_COMMANDS.items():
        commands.add_parser(name, help=summary)  # listed here; main hands them to the console's parser
    return parser


def main(argv: list[str] | None = None) -> int:
    arguments = sys.argv[1:] if argv is None else argv
    if arguments and arguments[0] in CONSOLE_COMMANDS:
        from .console.__main__ import main as console_main  # the web stack loads only for these two

        return console_main(arguments, prog="frontyard-backoffice")
    args = _parser().parse_args(arguments)
    try:
        if args.command == "migrate":
            result = migrate(args.database)
            if result.applied:
                names = ", ".join(f"{m.version:04d}_{m.name}" for m in result.applied)
                print(
                    f"スキーマを更新しました / migrated from version {result.before} "
                    f"to {result.after}: {names}"
                )
            else:
                print(f"スキーマは最新です / already at version {result.after}; nothing to do")
        elif args.command == "add-terminal":
            role = add_terminal(
                args.database, args.terminal_id, args.office, read_password_file(args.password_file)
            )
            print(f"端末ロールを作成しました / terminal role {role} ready")
        else:
            role = add_backoffice_login(args.database, args.role, read_password_file(args.password_file))
            print(f"ログインを作成しました / back-office login {role} ready")
        return 0
    except (MigrationError, RoleError) as exc:
        print(str(exc), file=sys.stderr)
        return EXIT_REFUSED
    except psycopg.OperationalError as exc:
        print(
            f"データベースに接続できません / cannot connect to the database: {_first_line(exc)}",
            file=sys.stderr,
        )
        return 1
    except psycopg.Error as exc:
        print(f"データベースがエラーを返しました / the database refused: {_first_line(exc)}", file=sys.stderr)
        return 1


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


if __name__ == "__main__":
    raise SystemExit(main())
