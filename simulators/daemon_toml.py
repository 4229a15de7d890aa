"""One writer of the daemon's TOML configuration, for everything that starts a daemon on simulators.

``frontyard-sim --daemon-config``, the test fixtures and the benchmarks describe the daemon they want as a
:class:`DaemonToml` and write it; the format (README "Configuration") lives here only. It lives among the
simulators because ``frontyard-sim`` uses it and simulators import no daemon code::

    DaemonToml(
        storage_dir="storage",
        endpoints=[Endpoint("run/kiosk.sock", "kiosk")],
        devices=[Device("receipt", "escpos", "tcp://127.0.0.1:9100", poll_interval_s=0.5)],
        options={"printing": {"hold_poll_s": 0.2}},
    ).write(directory / "daemon.toml")
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

Value = str | int | float | bool | Path | Sequence[str | int | float]


@dataclass(frozen=True)
class Endpoint:
    """A Unix-socket listener: its path, the role it grants and its file mode."""

    unix: str | Path
    role: str = "kiosk"
    mode: str | None = None


@dataclass(frozen=True)
class Device:
    """A device slot (``[devices.SLOT]``): the driver and the URI it opens."""

    slot: str
    driver: str
    uri: str
    poll_interval_s: float | None = None


@dataclass
class DaemonToml:
    storage_dir: str | Path
    endpoints: Sequence[Endpoint] = ()
    devices: Sequence[Device] = ()
    options: Mapping[str, Mapping[str, Value]] = field(default_factory=dict)
    log_level: str | None = None
    simulator_mode: bool = True
    comment: str | None = None
    extra: str = ""  # raw TOML appended last (tests that write an invalid or unusual table on purpose)

    def text(self) -> str:
        lines = [f"# {self.comment}"] if self.comment else []
        lines += ["[daemon]", f"storage_dir = {toml_value(self.storage_dir)}"]
        if self.log_level is not None:
            lines.append(f"log_level = {toml_value(self.log_level)}")
        lines.append(f"simulator_mode = {toml_value(self.simulator_mode)}")
        for endpoint in self.endpoints:
            lines += [
                "",
                "[[endpoints]]",
                f"unix = {toml_value(endpoint.unix)}",
                f"role = {toml_value(endpoint.role)}",
            ]
            if endpoint.mode is not None:
                lines.append(f"mode = {toml_value(endpoint.mode)}")
        for device in self.devices:
            lines += ["", f"[devices.{device.slot}]", f"driver = {toml_value(device.driver)}"]
            lines.append(f"uri = {toml_value(device.uri)}")
            if device.poll_interval_s is not None:
                lines.append(f"poll_interval_s = {toml_value(device.poll_interval_s)}")
        for table, values in self.options.items():
            lines += [
                "",
                f"[options.{table}]",
                *(f"{key} = {toml_value(value)}" for key, value in values.items()),
            ]
        return "\n".join(lines) + "\n" + self.extra

    def write(self, path: Path) -> Path:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(self.text(), encoding="utf-8")
        return path


def toml_value(value: Value) -> str:
    """A TOML literal. JSON's string escapes are TOML's basic-string escapes, but for DEL, which TOML
    also forbids raw."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str | Path):
        return json.dumps(str(value), ensure_ascii=False).replace("\x7f", "\\u007f")
    return "[" + ", ".join(toml_value(item) for item in value) + "]"
