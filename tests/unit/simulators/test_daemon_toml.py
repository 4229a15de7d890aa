"""The one daemon-TOML writer: what it writes is what the daemon reads."""

from __future__ import annotations

import tomllib
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from daemon.config import Role, load_config
from simulators.daemon_toml import DaemonToml, Device, Endpoint, toml_value


def test_the_daemon_reads_back_what_the_builder_wrote(tmp_path: Path) -> None:
    path = DaemonToml(
        storage_dir="storage",
        log_level="debug",
        endpoints=[Endpoint("run/kiosk.sock", "kiosk"), Endpoint("run/admin.sock", "admin", "0600")],
        devices=[Device("receipt", "escpos", "tcp://127.0.0.1:9100?timeout=2", poll_interval_s=0.5)],
        options={"card": {"idle_timeout_s": 600, "verify_integrity": True}},
    ).write(tmp_path / "daemon.toml")

    config = load_config(path)

    assert config.storage_dir == tmp_path / "storage"
    assert (config.log_level, config.simulator_mode) == ("debug", True)
    assert [(e.unix, e.role, e.mode) for e in config.endpoints] == [
        (tmp_path / "run" / "kiosk.sock", Role.KIOSK, 0o660),
        (tmp_path / "run" / "admin.sock", Role.ADMIN, 0o600),
    ]
    assert [(d.slot, d.driver, d.uri, d.poll_interval_s) for d in config.devices] == [
        ("receipt", "escpos", "tcp://127.0.0.1:9100?timeout=2", 0.5)
    ]
    assert (config.options.card.idle_timeout_s, config.options.card.verify_integrity) == (600, True)


@settings(max_examples=200, deadline=None)
@given(
    st.one_of(
        st.text(max_size=40),
        st.booleans(),
        st.integers(-(2**63), 2**63 - 1),
        st.floats(allow_nan=False, allow_infinity=False),
        st.lists(st.text(max_size=5), max_size=4),
    )
)
def test_any_value_round_trips_through_toml(value: str | bool | int | float | list[str]) -> None:
    assert tomllib.loads(f"key = {toml_value(value)}\n")["key"] == value
