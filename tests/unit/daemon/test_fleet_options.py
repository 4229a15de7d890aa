"""``[fleet]``: who the terminal is and where it forwards; refused at ``file:line: fleet.key``."""

from __future__ import annotations

from pathlib import Path

import pytest

from daemon.config import ConfigError, load_config
from daemon.options import FleetOptions

HEADER = '[daemon]\nstorage_dir = "state"\n\n'
GOOD = (
    '[fleet]\nterminal_id = "honcho-01"\noffice = "本庁"\n'
    'database = "host=db1,db2 dbname=frontyard user=terminal_honcho-01 target_session_attrs=read-write'
    ' sslmode=verify-full"\npassword_file = "fleet.pw"\n'
)


def load(tmp_path: Path, text: str) -> FleetOptions | None:
    (tmp_path / "fleet.pw").write_text("secret\n", encoding="utf-8")
    path = tmp_path / "daemon.toml"
    path.write_text(HEADER + text, encoding="utf-8")
    return load_config(path).fleet


def test_no_fleet_table_forwards_nothing(tmp_path: Path) -> None:
    assert load(tmp_path, "") is None


def test_a_fleet_table_is_typed_with_its_defaults_and_the_password_file_beside_the_config(
    tmp_path: Path,
) -> None:
    fleet = load(tmp_path, GOOD + "poll_s = 0.5\n")
    assert fleet is not None
    assert (fleet.terminal_id, fleet.office, fleet.password_file) == (
        "honcho-01",
        "本庁",
        tmp_path / "fleet.pw",
    )
    assert fleet.poll_s == 0.5 and fleet.batch_rows == FleetOptions.batch_rows
    assert "target_session_attrs=read-write" in fleet.database


@pytest.mark.parametrize(
    ("change", "key", "message"),
    [
        (('terminal_id = "honcho-01"', 'terminal_id = "本庁1"'), "fleet.terminal_id", "lowercase"),
        (('office = "本庁"\n', ""), "fleet.office", "missing"),
        (("sslmode=verify-full", "sslmode=verify-full password=hunter2"), "fleet.database", "password_file"),
        (("sslmode=verify-full", "sslmode=sometimes"), "fleet.database", "sslmode"),
        (("fleet.pw", "missing.pw"), "fleet.password_file", "no such file"),
        (("[fleet]\n", "[fleet]\nbatch_rows = 0\n"), "fleet.batch_rows", "≥ 1"),
        (("[fleet]\n", "[fleet]\nretry = 1\n"), "fleet.retry", "unknown option"),
    ],
)
def test_refusals_name_the_key_and_never_repeat_a_password(
    tmp_path: Path, change: tuple[str, str], key: str, message: str
) -> None:
    with pytest.raises(ConfigError) as error:
        load(tmp_path, GOOD.replace(*change))
    assert key in str(error.value) and message in str(error.value)
    assert "hunter2" not in str(error.value)
