"""``[options.*]`` tables: parsed into typed dataclasses by ``load_config``, errors at ``file:line: key``.

Every table has a valid case and its refusals; ``frontyard-daemon --check`` refuses what the daemon would.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from daemon.config import ConfigError, load_config
from daemon.options import (
    OCR_ENGINES,
    CameraOptions,
    CardOptions,
    FrontyardOptions,
    Options,
    PaymentOptions,
    PrintingOptions,
)
from daemon.visits.settings import frontyard_settings

HEADER = '[daemon]\nstorage_dir = "state"\n\n'


def load(tmp_path: Path, options: str) -> Options:
    path = tmp_path / "daemon.toml"
    path.write_text(HEADER + options, encoding="utf-8")
    return load_config(path).options


def test_no_options_gives_every_default(tmp_path: Path) -> None:
    assert load(tmp_path, "") == Options(
        CardOptions(), PrintingOptions(), PaymentOptions(), CameraOptions(), FrontyardOptions()
    )


def test_every_table_parses_into_its_dataclass(tmp_path: Path) -> None:
    options = load(
        tmp_path,
        "[options.card]\nidle_timeout_s = 60\nwarn_before_s = 10.5\nverify_integrity = true\n"
        '[options.printing]\nhold_poll_s = 0.1\nmunicipality = "指宿市"\n'
        "[options.payment]\nslip_timeout_s = 5\nslip_grace_s = 0\n"
        '[options.camera]\nreading_ttl_s = 30\nocr_engine = "tesseract"\n'
        '[options.frontyard]\noutbox_dir = "out"\nreception_counter = "madoguchi"\nretention_days = 0\n'
        'channel = "counter"\n',
    )
    assert options.card == CardOptions(60.0, 10.5, True)
    assert (options.printing.hold_poll_s, options.printing.municipality) == (0.1, "指宿市")
    assert (options.payment.slip_timeout_s, options.payment.slip_grace_s) == (5.0, 0.0)
    assert options.camera == CameraOptions(30.0, "tesseract")
    assert options.frontyard.outbox_dir == tmp_path.resolve() / "out"
    assert (options.frontyard.reception_counter, options.frontyard.retention_days) == ("MADOGUCHI", 0)
    assert options.frontyard.channel == "counter"


@pytest.mark.parametrize(
    ("options", "line", "expected"),
    [
        (
            '[options.card]\nverify_integrity = "no"\n',
            5,
            "options.card.verify_integrity: expected true or false",
        ),
        ("[options.card]\nidle_timeout_s = 0\n", 5, "options.card.idle_timeout_s: expected a number > 0"),
        ("[options.card]\nwarn_before_s = -5\n", 5, "options.card.warn_before_s: expected a number ≥ 0"),
        ('[options.printing]\nhold_poll_s = "fast"\n', 5, "options.printing.hold_poll_s: expected a number"),
        ("[options.printing]\ncancel_timeout_s = nan\n", 5, "options.printing.cancel_timeout_s: expected"),
        ("[options.printing]\nmunicipality = 3\n", 5, "options.printing.municipality: expected a string"),
        (
            "[options.payment]\nslip_timeout_s = 0\n",
            5,
            "options.payment.slip_timeout_s: expected a number ≥ 1",
        ),
        ("[options.payment]\nslip_grace_s = -1\n", 5, "options.payment.slip_grace_s: expected a number ≥ 0"),
        ("[options.camera]\nreading_ttl_s = 0\n", 5, "options.camera.reading_ttl_s: expected a number > 0"),
        ("[options.camera]\nreading_ttl_s = true\n", 5, "options.camera.reading_ttl_s: expected a number"),
        (
            '[options.camera]\nocr_engine = "easyocr"\n',
            5,
            "options.camera.ocr_engine: expected one of auto, rapidocr, tesseract",
        ),
        (
            '[options.frontyard]\nretention_days = "30"\n',
            5,
            "options.frontyard.retention_days: expected a whole",
        ),
        (
            "[options.frontyard]\nvisit_ttl_hours = 0\n",
            5,
            "options.frontyard.visit_ttl_hours: expected a whole",
        ),
        ('[options.frontyard]\nreception_counter = "窓口"\n', 5, "options.frontyard.reception_counter"),
        ('[options.frontyard]\nchannel = "konbini"\n', 5, "options.frontyard.channel: expected one of"),
        ('[options.frontyard]\nmunicipality = "atlantis"\n', 5, "unknown municipality 'atlantis'"),
        ("[options.card]\nidle_timeout = 60\n", 5, "options.card.idle_timeout: unknown option"),
        ("[options.cards]\nidle_timeout_s = 60\n", 4, "options.cards: unknown options table"),
        ('[options]\ncard = "fast"\n', 0, "options.card: expected a table"),
    ],
)
def test_a_bad_option_is_a_configuration_error_at_its_line(
    tmp_path: Path, options: str, line: int, expected: str
) -> None:
    with pytest.raises(ConfigError) as raised:
        load(tmp_path, options)
    where = f"{tmp_path / 'daemon.toml'}:{line}: " if line else f"{tmp_path / 'daemon.toml'}: "
    assert str(raised.value).startswith(where), str(raised.value)
    assert expected in str(raised.value)


def test_frontyard_paths_default_under_the_storage_directory(tmp_path: Path) -> None:
    settings = frontyard_settings(FrontyardOptions(), tmp_path / "var")
    assert settings.secret_file == tmp_path / "var" / "reception.secret"
    assert settings.export_dir == tmp_path / "var" / "outbox" / "export"
    custom = frontyard_settings(FrontyardOptions(outbox_dir=tmp_path / "out"), tmp_path / "var")
    assert custom.export_dir == tmp_path / "out" / "export"


@pytest.mark.parametrize(
    "options", ["[options.payment]\nslip_timeout_s = 0\n", "[options.card]\nverify_integrity = 1\n"]
)
def test_check_refuses_what_the_daemon_would_refuse(tmp_path: Path, options: str) -> None:
    path = tmp_path / "daemon.toml"
    path.write_text(HEADER + options, encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "daemon", "--config", str(path), "--check"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2, result.stdout
    assert f"{path}:5: options." in result.stderr
    assert "Traceback" not in result.stderr


def test_ocr_engine_names_match_the_driver() -> None:
    from drivers.camera.engines import EngineChoice  # loads OpenCV: only in this test

    assert {choice.value for choice in EngineChoice} == set(OCR_ENGINES)
    assert CameraOptions().ocr_engine == "auto"
