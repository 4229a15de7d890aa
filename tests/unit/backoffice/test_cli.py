"""``frontyard-backoffice`` without a database: its help, its refusals, the migration file rules."""

from __future__ import annotations

from pathlib import Path

import pytest

from backoffice import records
from backoffice.cli import main
from backoffice.migrate import MigrationError, migrations
from backoffice.terminals import RoleError, check_terminal_id, read_password_file


def test_help_names_every_command_and_the_connection_string(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["--help"])
    assert exit_info.value.code == 0
    text = capsys.readouterr().out
    for word in ("migrate", "add-terminal", "add-login", "DSN", "passfile"):
        assert word in text


def test_the_shipped_migrations_run_from_one_without_gaps() -> None:
    versions = [m.version for m in migrations()]
    assert versions == list(range(1, len(versions) + 1)) and versions


@pytest.mark.parametrize(
    ("names", "message"),
    [(["0001_init.sql", "0003_later.sql"], "expected 0002"), (["1_init.sql"], "NNNN_name.sql")],
)
def test_misnumbered_or_misnamed_migration_files_are_refused(
    tmp_path: Path, names: list[str], message: str
) -> None:
    for name in names:
        (tmp_path / name).write_text("SELECT 1", encoding="utf-8")
    with pytest.raises(MigrationError, match=message):
        migrations(tmp_path)


def test_a_password_file_gives_its_first_line_and_an_empty_one_is_refused(tmp_path: Path) -> None:
    good = tmp_path / "pw"
    good.write_text("s3cret\nignored\n", encoding="utf-8")
    empty = tmp_path / "empty"
    empty.write_text("\n", encoding="utf-8")
    assert read_password_file(good) == "s3cret"
    with pytest.raises(RoleError, match="パスワードファイルが空です"):
        read_password_file(empty)
    assert (
        main(
            [
                "add-terminal",
                "--database",
                "host=/nowhere",
                "--terminal-id",
                "a",
                "--office",
                "本庁",
                "--password-file",
                str(tmp_path / "missing"),
            ]
        )
        == 2
    )


@pytest.mark.parametrize("terminal_id", ["", "Honcho", "本庁-1", "a" * 41, "a;drop", "-a"])
def test_terminal_ids_outside_the_grammar_are_refused(terminal_id: str) -> None:
    with pytest.raises(RoleError, match="terminal id"):
        check_terminal_id(terminal_id)


def test_every_stream_inserts_its_columns_idempotently() -> None:
    for stream in records.Stream:
        sql = records.insert_sql(stream)
        columns = records.sent_columns(stream)
        assert columns[:3] == ("terminal_id", "seq", "recorded_time") and "received_time" not in columns
        assert sql.count("%s") == len(columns) and sql.endswith("ON CONFLICT (terminal_id, seq) DO NOTHING")


@pytest.mark.parametrize(
    ("command", "options"),
    [("serve", ("--database", "--state-dir", "--port", "--export-dir")), ("purge", ("--retention-days",))],
)
def test_serve_and_purge_are_the_console_commands_under_frontyard_backoffice(
    command: str, options: tuple[str, ...], capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main([command, "--help"])
    assert exit_info.value.code == 0
    text = capsys.readouterr().out
    assert text.startswith(f"usage: frontyard-backoffice {command}")
    for option in options:
        assert option in text
    with pytest.raises(SystemExit):
        main(["--help"])
    assert command in capsys.readouterr().out  # listed beside migrate and add-terminal
