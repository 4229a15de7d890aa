"""sd_notify over a real datagram socket (abstract and path addresses, a receiver that never reads),
the watchdog interval from systemd's variables, and the metrics option (loopback only)."""

from __future__ import annotations

import os
import socket
import time
from pathlib import Path

import pytest

from daemon import systemd
from daemon.config import ConfigError, load_config
from daemon.metrics import read_metrics_settings
from daemon.options import MetricsOptions


def test_notify_outside_systemd_does_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NOTIFY_SOCKET", raising=False)
    assert systemd.notify("READY=1") is False


def test_notify_to_a_path_and_to_an_abstract_socket(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "notify"
    for address, bind_to in (
        (str(path), str(path)),
        (f"@frontyard-test-{os.getpid()}", f"\0frontyard-test-{os.getpid()}"),
    ):
        with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as receiver:
            receiver.bind(bind_to)
            receiver.settimeout(5)
            monkeypatch.setenv("NOTIFY_SOCKET", address)
            assert systemd.notify("READY=1\nSTATUS=serving") is True
            assert receiver.recv(100) == b"READY=1\nSTATUS=serving"


def test_notify_never_blocks_on_a_receiver_that_does_not_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "full"
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as receiver:
        receiver.bind(str(path))
        monkeypatch.setenv("NOTIFY_SOCKET", str(path))
        began = time.monotonic()
        sent = [systemd.notify("WATCHDOG=1") for _ in range(2000)]
        assert time.monotonic() - began < 5
        assert sent[0] is True and sent[-1] is False  # the queue filled up; later pings were dropped


def test_watchdog_interval(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WATCHDOG_USEC", "30000000")
    monkeypatch.delenv("WATCHDOG_PID", raising=False)
    assert systemd.watchdog_interval_s() == 15.0
    monkeypatch.setenv("WATCHDOG_PID", str(os.getpid() + 1))  # meant for another process
    assert systemd.watchdog_interval_s() is None
    monkeypatch.setenv("WATCHDOG_PID", str(os.getpid()))
    monkeypatch.setenv("WATCHDOG_USEC", "0")
    assert systemd.watchdog_interval_s() is None


def metrics_of(tmp_path: Path, table: str) -> MetricsOptions | None:
    path = tmp_path / "daemon.toml"
    path.write_text(f'[daemon]\nstorage_dir = "var"\n{table}\n', encoding="utf-8")
    return read_metrics_settings(load_config(path).options)


def test_metrics_settings(tmp_path: Path) -> None:
    assert metrics_of(tmp_path, "") is None
    assert metrics_of(tmp_path, "[options.metrics]\nenabled = false") is None
    assert metrics_of(tmp_path, "[options.metrics]") == MetricsOptions("127.0.0.1", 9464)
    assert metrics_of(tmp_path, '[options.metrics]\nlisten = "[::1]:9100"') == MetricsOptions("::1", 9100)
    for listen in ("0.0.0.0:9464", "192.0.2.1:9464", "localhost", "127.0.0.1:99999"):
        with pytest.raises(ConfigError, match=r"daemon.toml:5: options.metrics.listen: .*loopback"):
            metrics_of(tmp_path, f'[options.metrics]\n\nlisten = "{listen}"')
    with pytest.raises(ConfigError, match="unknown option"):
        metrics_of(tmp_path, "[options.metrics]\nport = 1")
