"""The daemon's TOML configuration, validated up front with errors that name the key and its line.

Example (paths are relative to the configuration file)::

    [daemon]
    storage_dir = "var"          # journal, event log, outbox
    log_level = "info"
    simulator_mode = false       # true enables the simulator control panel in the UI

    [[endpoints]]                # one gRPC listener each; a Unix socket's permissions decide who connects
    unix = "run/kiosk.sock"
    role = "kiosk"               # kiosk | staff | admin
    mode = "0660"

    [[endpoints]]
    tcp = "127.0.0.1:50443"      # TCP only with mutual TLS; the role comes from the client certificate
    tls_ca = "certs/ca.pem"
    tls_cert = "certs/daemon.pem"
    tls_key = "certs/daemon.key"

    [devices.receipt]
    driver = "escpos"
    uri = "tcp://127.0.0.1:9100"
"""

from __future__ import annotations

import enum
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from drivers.base import UnknownSchemeError, parse_device_uri

from .drivers_catalog import UnknownDriverError, driver_info
from .options import FleetOptions, Options, read_fleet, read_options


class Role(enum.IntEnum):
    """Who is calling; a higher role may do everything a lower one may."""

    KIOSK = 1
    STAFF = 2
    ADMIN = 3


class ConfigError(Exception):
    """A configuration that cannot be used; the message names the file, the key and its line."""


@dataclass(frozen=True)
class Endpoint:
    unix: Path | None = None
    tcp: str = ""
    role: Role = Role.KIOSK
    mode: int = 0o660
    tls_ca: Path | None = None
    tls_cert: Path | None = None
    tls_key: Path | None = None

    @property
    def address(self) -> str:
        return f"unix:{self.unix}" if self.unix else self.tcp


@dataclass(frozen=True)
class DeviceSlotConfig:
    slot: str
    driver: str
    uri: str
    poll_interval_s: float = 5.0


@dataclass(frozen=True)
class Config:
    path: Path
    storage_dir: Path
    log_level: str = "info"
    simulator_mode: bool = False
    endpoints: tuple[Endpoint, ...] = ()
    devices: tuple[DeviceSlotConfig, ...] = ()
    options: Options = field(default_factory=Options)
    fleet: FleetOptions | None = None  # no [fleet]: nothing is forwarded (docs/FLEET.md)


_SLOT_NAME = re.compile(r"^[a-z][a-z0-9_-]{0,31}$")
_LOG_LEVELS = ("debug", "info", "warning", "error")


class _Reader:
    """Reads typed values from the parsed TOML and reports errors at the key's line."""

    def __init__(self, path: Path, text: str) -> None:
        self.path = path
        self.lines = text.splitlines()

    def line_of(self, table: str, key: str) -> int:
        """The 1-based line of ``key`` inside ``[table]`` (0 when not found)."""
        current = ""
        for number, line in enumerate(self.lines, start=1):
            stripped = line.strip()
            header = re.match(r"^\[\[?\s*([^\]]+?)\s*\]\]?", stripped)
            if header:
                current = header.group(1)
                if not key and current == table:
                    return number
                continue
            if current == table and re.match(rf"^{re.escape(key)}\s*=", stripped):
                return number
        return 0

    def error(self, table: str, key: str, message: str) -> ConfigError:
        line = self.line_of(table, key)
        where = f"{self.path}:{line}" if line else str(self.path)
        name = f"{table}.{key}" if table and key else (table or key)
        return ConfigError(f"{where}: {name}: {message}")

    def get(
        self, data: dict[str, Any], table: str, key: str, kind: type | tuple[type, ...], default: Any = None
    ) -> Any:
        if key not in data:
            if default is None:
                raise self.error(table, key, "missing (required)")
            return default
        value = data[key]
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            expected = " or ".join(k.__name__ for k in (kind if isinstance(kind, tuple) else (kind,)))
            raise self.error(table, key, f"expected {expected}, got {type(value).__name__} {value!r}")
        return value


def load_config(path: Path) -> Config:
    """Read and validate the configuration; raise ``ConfigError`` with a precise message."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"{path}: configuration file not found") from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror}") from None
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: not UTF-8 (byte {exc.start})") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None
    reader = _Reader(path, text)
    base = path.parent.resolve()

    known_tables = {"daemon", "endpoints", "devices", "options", "fleet"}
    for table in data:
        if table not in known_tables:
            raise reader.error(
                table, "", f"unknown section; expected one of {', '.join(sorted(known_tables))}"
            )

    for table, kind in (("daemon", dict), ("endpoints", list), ("devices", dict), ("options", dict)):
        if table in data and not isinstance(data[table], kind):
            shape = "[[endpoints]] tables" if kind is list else f"a table [{table}]"
            raise reader.error(table, "", f"expected {shape}, got {type(data[table]).__name__}")
    if not all(isinstance(item, dict) for item in data.get("endpoints", [])):
        raise reader.error("endpoints", "", "expected [[endpoints]] tables")
    daemon = data.get("daemon", {})
    storage_dir = base / reader.get(daemon, "daemon", "storage_dir", str, "var")
    log_level = reader.get(daemon, "daemon", "log_level", str, "info")
    if log_level not in _LOG_LEVELS:
        raise reader.error("daemon", "log_level", f"expected one of {', '.join(_LOG_LEVELS)}")
    simulator_mode = reader.get(daemon, "daemon", "simulator_mode", bool, False)

    endpoints = tuple(_read_endpoint(reader, base, item) for item in data.get("endpoints", []))
    if not endpoints:
        endpoints = (Endpoint(unix=base / "run" / "frontyard.sock", role=Role.KIOSK),)

    devices = tuple(_read_device(reader, slot, item) for slot, item in data.get("devices", {}).items())
    return Config(
        path=path,
        storage_dir=storage_dir,
        log_level=log_level,
        simulator_mode=simulator_mode,
        endpoints=endpoints,
        devices=devices,
        options=read_options(reader, data.get("options", {}), base),
        fleet=read_fleet(reader, data["fleet"], base) if "fleet" in data else None,
    )


def _read_role(reader: _Reader, value: str) -> Role:
    try:
        return Role[value.upper()]
    except KeyError:
        raise reader.error(
            "endpoints", "role", f"unknown role {value!r}; expected kiosk, staff or admin"
        ) from None


def _read_endpoint(reader: _Reader, base: Path, item: dict[str, Any]) -> Endpoint:
    role = _read_role(reader, reader.get(item, "endpoints", "role", str, "kiosk"))
    if "unix" in item:
        mode_text = reader.get(item, "endpoints", "mode", str, "0660")
        try:
            mode = int(mode_text, 8)
            if not 0 <= mode <= 0o777:
                raise ValueError(mode_text)
        except ValueError:
            raise reader.error(
                "endpoints", "mode", f'expected an octal mode like "0660", got {mode_text!r}'
            ) from None
        return Endpoint(unix=base / reader.get(item, "endpoints", "unix", str), role=role, mode=mode)
    if "tcp" in item:
        tcp = reader.get(item, "endpoints", "tcp", str)
        host, _, port = tcp.rpartition(":")
        if not host or not port.isdigit():
            raise reader.error("endpoints", "tcp", f"expected host:port, got {tcp!r}")
        tls = {
            key: base / reader.get(item, "endpoints", key, str) for key in ("tls_ca", "tls_cert", "tls_key")
        }
        for key, tls_path in tls.items():
            if not tls_path.is_file():
                raise reader.error("endpoints", key, f"file not found: {tls_path} (run `make certs`)")
        return Endpoint(
            tcp=tcp, role=role, tls_ca=tls["tls_ca"], tls_cert=tls["tls_cert"], tls_key=tls["tls_key"]
        )
    raise reader.error("endpoints", "", "each [[endpoints]] needs `unix = PATH` or `tcp = HOST:PORT`")


def _read_device(reader: _Reader, slot: str, item: Any) -> DeviceSlotConfig:
    table = f"devices.{slot}"
    if not isinstance(item, dict):
        raise reader.error("devices", slot, "expected a table [devices.NAME] with driver and uri")
    if not _SLOT_NAME.match(slot):
        raise reader.error(table, "", "slot names are lower-case letters, digits, - and _ (at most 32)")
    driver = reader.get(item, table, "driver", str)
    uri = reader.get(item, table, "uri", str)
    try:
        info = driver_info(driver)
    except UnknownDriverError as exc:
        raise reader.error(table, "driver", str(exc)) from None
    try:
        parse_device_uri(uri, info.schemes)
    except UnknownSchemeError as exc:
        raise reader.error(table, "uri", str(exc)) from None
    except ValueError as exc:  # urlsplit: "Invalid IPv6 URL" for a stray "[" or "]"
        raise reader.error(table, "uri", f"not a valid URI: {exc}") from None
    poll = reader.get(item, table, "poll_interval_s", (int, float), 5.0)
    if not 0.01 <= poll <= 3600:  # also refuses nan and inf
        raise reader.error(table, "poll_interval_s", f"expected 0.01 to 3600 seconds, got {poll!r}")
    return DeviceSlotConfig(slot=slot, driver=driver, uri=uri, poll_interval_s=float(poll))
