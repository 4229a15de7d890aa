"""Login roles for terminals and back-office staff processes.

A terminal logs in as its own role ``terminal_<terminal id>``, a member of ``frontyard_terminal``, and
``frontyard.terminal_roles`` maps that role to its terminal id: the row-level security policies compare
each row's ``terminal_id`` with it, so a terminal can insert only its own rows.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import psycopg  # the commands below import it: a daemon reading only a password file never loads it

TERMINAL_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$")
ROLE_NAME = re.compile(r"^[a-z_][a-z0-9_-]{0,62}$")


class RoleError(Exception):
    """A refused terminal id, role name or password file; the message is in Japanese and English."""


def check_terminal_id(terminal_id: str) -> str:
    if not TERMINAL_ID.match(terminal_id):
        raise RoleError(
            "端末IDは英小文字・数字・ハイフン(40文字まで)です / terminal id: expected lowercase letters, "
            "digits and '-', at most 40 characters"
        )
    return terminal_id


def terminal_role(terminal_id: str) -> str:
    return f"terminal_{check_terminal_id(terminal_id)}"


def read_password_file(path: Path) -> str:
    """The first line of ``path`` (a file only its owner reads; the password never sits in a config)."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise RoleError(
            f"パスワードファイルを読めません / cannot read the password file {path}: {exc.strerror}"
        ) from exc
    password = text.splitlines()[0].strip() if text.strip() else ""
    if not password:
        raise RoleError(f"パスワードファイルが空です / the password file {path} is empty")
    return password


def _create_login(
    connection: psycopg.Connection[tuple[object, ...]], role: str, group: str, password: str
) -> None:
    from psycopg import sql

    exists = connection.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (role,)).fetchone()
    verb = "ALTER" if exists else "CREATE"
    connection.execute(
        sql.SQL("{} ROLE {} LOGIN PASSWORD {}").format(
            sql.SQL(verb), sql.Identifier(role), sql.Literal(password)
        )
    )
    connection.execute(sql.SQL("GRANT {} TO {}").format(sql.Identifier(group), sql.Identifier(role)))


def add_terminal(dsn: str, terminal_id: str, office: str, password: str) -> str:
    """Create (or re-key) the login role of ``terminal_id``; its role name."""
    import psycopg

    role = terminal_role(terminal_id)
    with psycopg.connect(dsn) as connection:
        _create_login(connection, role, "frontyard_terminal", password)
        connection.execute(
            "INSERT INTO frontyard.terminal_roles (role_name, terminal_id) VALUES (%s, %s)"
            " ON CONFLICT (role_name) DO NOTHING",
            (role, terminal_id),
        )
        connection.execute(
            "INSERT INTO frontyard.terminals (terminal_id, office) VALUES (%s, %s)"
            " ON CONFLICT (terminal_id) DO UPDATE SET office = EXCLUDED.office",
            (terminal_id, office),
        )
    return role


def add_backoffice_login(dsn: str, role: str, password: str) -> str:
    """Create (or re-key) a login role of the back-office console (reads everything, updates applications)."""
    if not ROLE_NAME.match(role):
        raise RoleError("ロール名が不正です / role name: expected lowercase letters, digits, '_' and '-'")
    import psycopg

    with psycopg.connect(dsn) as connection:
        _create_login(connection, role, "frontyard_backoffice", password)
    return role
