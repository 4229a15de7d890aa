from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from daemon.config import ConfigError, Role, load_config


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "daemon.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_valid_config_resolves_paths_and_devices(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """
[daemon]
storage_dir = "state"

[[endpoints]]
unix = "run/staff.sock"
role = "staff"
mode = "0600"

[devices.receipt]
driver = "escpos"
uri = "tcp://127.0.0.1:9100"
poll_interval_s = 2
""",
    )
    config = load_config(path)
    assert config.storage_dir == tmp_path / "state"
    assert config.endpoints[0].unix == tmp_path / "run" / "staff.sock"
    assert config.endpoints[0].role is Role.STAFF
    assert config.endpoints[0].mode == 0o600
    assert [(d.slot, d.driver, d.uri, d.poll_interval_s) for d in config.devices] == [
        ("receipt", "escpos", "tcp://127.0.0.1:9100", 2.0)
    ]


def test_missing_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"nowhere\.toml: configuration file not found"):
        load_config(tmp_path / "nowhere.toml")


def test_unknown_driver_names_key_line_and_known_drivers(tmp_path: Path) -> None:
    path = write(tmp_path, '[daemon]\n\n[devices.receipt]\ndriver = "epson"\nuri = "tcp://127.0.0.1:9100"\n')
    with pytest.raises(ConfigError) as error:
        load_config(path)
    message = str(error.value)
    assert f"{path}:4: devices.receipt.driver: unknown driver 'epson'" in message
    assert "escpos" in message and "mynumber" in message


def test_bad_uri_scheme_names_key_line_and_known_schemes(tmp_path: Path) -> None:
    path = write(tmp_path, '[devices.receipt]\ndriver = "escpos"\nuri = "lpt://printer"\n')
    with pytest.raises(ConfigError, match=r":3: devices\.receipt\.uri: unknown URI scheme .*tcp://"):
        load_config(path)


def test_wrong_type_names_expected_type(tmp_path: Path) -> None:
    path = write(tmp_path, '[daemon]\nsimulator_mode = "yes"\n')
    with pytest.raises(ConfigError, match=r":2: daemon\.simulator_mode: expected bool, got str"):
        load_config(path)


def test_missing_required_key(tmp_path: Path) -> None:
    path = write(tmp_path, '[devices.card]\ndriver = "mynumber"\n')
    with pytest.raises(ConfigError, match=r"devices\.card\.uri: missing \(required\)"):
        load_config(path)


def test_unknown_role_and_section(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="unknown role 'root'"):
        load_config(write(tmp_path, '[[endpoints]]\nunix = "a.sock"\nrole = "root"\n'))
    with pytest.raises(ConfigError, match="unknown section"):
        load_config(write(tmp_path, "[printers]\n"))


def test_tcp_endpoint_requires_existing_tls_files(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        '[[endpoints]]\ntcp = "127.0.0.1:50443"\ntls_ca = "ca.pem"\ntls_cert = "d.pem"\ntls_key = "d.key"\n',
    )
    with pytest.raises(ConfigError, match=r"endpoints\.tls_ca: file not found.*make certs"):
        load_config(path)


def test_default_endpoint_is_a_kiosk_unix_socket(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, ""))
    assert config.endpoints[0].unix == tmp_path / "run" / "frontyard.sock"
    assert config.endpoints[0].role is Role.KIOSK
    assert config.endpoints[0].mode == 0o660


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=200))
def test_any_text_gives_a_config_or_a_config_error(
    tmp_path_factory: pytest.TempPathFactory, text: str
) -> None:
    path = tmp_path_factory.mktemp("fuzz") / "daemon.toml"
    path.write_text(text, encoding="utf-8")
    try:
        load_config(path)
    except ConfigError as error:
        assert str(path) in str(error)


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        ('[options.printing]\nhold_poll_s = "fast"\n', "options.printing.hold_poll_s: expected a number"),
        ("[options.card]\nidle_timeout_s = -5\n", "options.card.idle_timeout_s: expected a number > 0"),
        ("[options.payment]\nslip_timeout_s = 0\n", "options.payment.slip_timeout_s: expected a number ≥ 1"),
    ],
)
def test_bad_service_options_are_configuration_errors_naming_the_key(
    tmp_path: Path, options: str, expected: str
) -> None:
    import subprocess
    import sys

    path = write(tmp_path, '[daemon]\nstorage_dir = "state"\n' + options)
    result = subprocess.run(
        [sys.executable, "-m", "daemon", "--config", str(path)], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 2
    assert expected in result.stderr
    assert "Traceback" not in result.stderr
