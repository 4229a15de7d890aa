"""The configuration loader on any TOML document shaped like ours: a Config or a ConfigError, nothing else."""

from __future__ import annotations

import contextlib
import json
import math
import tempfile
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from daemon.config import Config, ConfigError, load_config

SCALARS = st.one_of(
    st.text(max_size=12),
    st.sampled_from(["kiosk", "staff", "admin", "0660", "0600", "escpos", "tcp://127.0.0.1:9100", "h:1"]),
    st.integers(-(2**63), 2**63 - 1),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
)
VALUES = st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=3), max_leaves=5)
ENDPOINT_KEYS = ["unix", "tcp", "role", "mode", "tls_ca", "tls_cert", "tls_key"]
DEVICE_KEYS = ["driver", "uri", "poll_interval_s"]
ENDPOINT = st.dictionaries(st.sampled_from(ENDPOINT_KEYS), VALUES, max_size=4)
DEVICE = st.dictionaries(st.sampled_from(DEVICE_KEYS), VALUES, max_size=3)
FLEET_KEYS = ["terminal_id", "office", "database", "password_file", "poll_s", "batch_rows", "retry_max_s"]
FLEET_VALUES = st.one_of(
    VALUES, st.sampled_from(["t-1", "host=db dbname=x", "host=db password=x", "a = = b"])
)
FLEET = st.dictionaries(st.sampled_from(FLEET_KEYS), FLEET_VALUES, max_size=5)
DOCUMENT = st.fixed_dictionaries(
    {},
    optional={
        "daemon": st.one_of(
            st.dictionaries(st.sampled_from(["storage_dir", "log_level", "simulator_mode"]), VALUES), VALUES
        ),
        "endpoints": st.one_of(st.lists(st.one_of(ENDPOINT, VALUES), max_size=3), VALUES),
        "devices": st.one_of(
            st.dictionaries(st.text(max_size=8), st.one_of(DEVICE, VALUES), max_size=2), VALUES
        ),
        "options": st.one_of(
            st.dictionaries(st.text(max_size=6), st.dictionaries(st.text(max_size=6), VALUES)), VALUES
        ),
        "fleet": st.one_of(FLEET, VALUES),
    },
)


def emit(value: Any) -> str:
    """A TOML value (inline tables and arrays) for what the strategies make."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return (
            "nan"
            if math.isnan(value)
            else ("inf" if value > 0 else "-inf")
            if math.isinf(value)
            else repr(value)
        )
    if isinstance(value, str):
        return json.dumps(value)
    if isinstance(value, list):
        return "[" + ", ".join(emit(item) for item in value) + "]"
    return "{" + ", ".join(f"{json.dumps(key)} = {emit(item)}" for key, item in value.items()) + "}"


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(DOCUMENT)
def test_any_document_gives_a_config_or_a_config_error(document: dict[str, Any]) -> None:
    text = "\n".join(f"{key} = {emit(value)}" for key, value in document.items()) + "\n"
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "daemon.toml"
        path.write_text(text, encoding="utf-8", errors="surrogatepass")
        try:
            config = load_config(path)
        except ConfigError as error:
            assert str(error).startswith(str(path))
            return
    assert isinstance(config, Config) and config.endpoints
    assert all(0 <= endpoint.mode <= 0o777 for endpoint in config.endpoints)
    assert all(0.01 <= device.poll_interval_s <= 3600 for device in config.devices)


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=200))
def test_any_bytes_give_a_config_or_a_config_error(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "daemon.toml"
        path.write_bytes(data)
        with contextlib.suppress(ConfigError):
            load_config(path)


def test_wrong_shapes_are_named_in_the_error(tmp_path: Path) -> None:
    path = tmp_path / "daemon.toml"
    for text, expected in [
        ("endpoints = [1]\n", "endpoints: expected [[endpoints]] tables"),
        ("daemon = 1\n", "daemon: expected a table [daemon]"),
        ("devices = 1\n", "devices: expected a table [devices]"),
        (b"\xff\xfe".decode("latin-1"), "not UTF-8"),
        ('[[endpoints]]\nunix = "a"\nmode = "-1"\n', "endpoints.mode"),
        ('[devices.a]\ndriver = "escpos"\nuri = "tcp://h:1"\npoll_interval_s = 0\n', "poll_interval_s"),
        (
            '[devices.a]\ndriver = "escpos"\nuri = "tcp://127.0.0.1:9100["\n',
            "devices.a.uri: cannot parse URI",
        ),
    ]:
        path.write_bytes(text.encode("latin-1") if "\xff" in text else text.encode())
        try:
            load_config(path)
        except ConfigError as error:
            assert expected in str(error), str(error)
        else:
            raise AssertionError(f"{text!r} was accepted")
