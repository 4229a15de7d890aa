"""The ``[options.*]`` tables of the daemon configuration, each parsed into a typed dataclass.

``load_config`` calls ``read_options``, so ``frontyard-daemon --check`` validates every option and the
services receive typed values (never a ``dict``). Errors name the file, the line and the key, like every
other configuration error: ``daemon.toml:12: options.payment.slip_timeout_s: expected a number ≥ 1, got 0``.
An unknown table or key is an error too (a typo would otherwise be ignored silently).

    [options.card]       idle_timeout_s, warn_before_s, verify_integrity
    [options.printing]   hold_poll_s, follow_poll_s, failed_payload_ttl_s, cancel_timeout_s, municipality
    [options.payment]    municipality, slip_timeout_s, slip_grace_s
    [options.camera]     reading_ttl_s, ocr_engine
    [options.frontyard]  municipality, secret_file, outbox_dir, export_dir, retention_days,
                         reception_counter, kpi_period, visit_ttl_hours, channel
    [options.metrics]    listen, enabled (the table present turns the Prometheus endpoint on)
    [options.staff]      ldap_url, ldap_user_dn, ldap_ca_file, ldap_timeout_s (the city's directory)

and the top-level ``[fleet]`` table (``read_fleet``; absent: no forwarding, docs/FLEET.md):

    [fleet]              terminal_id, office, database, password_file, poll_s, batch_rows,
                         heartbeat_s, backlog_warn_rows, retry_max_s
"""

from __future__ import annotations

import dataclasses
import ipaddress
import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from frontyard.errors import DomainError
from frontyard.municipality import load_municipality


@dataclass(frozen=True)
class CardOptions:
    idle_timeout_s: float = 120.0  # a resident session's idle time before its data is wiped
    warn_before_s: float = 20.0  # the countdown shown before
    verify_integrity: bool = False  # ReadBasicInfo also checks EF 0003 (one more VERIFY)


@dataclass(frozen=True)
class PrintingOptions:
    hold_poll_s: float = 0.5
    follow_poll_s: float = 0.2
    failed_payload_ttl_s: float = 8 * 3600.0  # how long a FAILED job keeps its document for RetryJob
    cancel_timeout_s: float = 10.0
    municipality: str = ""  # printed on receipts whose request leaves it empty


@dataclass(frozen=True)
class PaymentOptions:
    municipality: str = "市役所"  # printed on staff slips
    slip_timeout_s: float = 60.0  # how long a staff slip's print job is awaited
    slip_grace_s: float = 15.0  # a pending UNKNOWN payment that settles within this gets no 障害伝票


# drivers.camera.EngineChoice values, spelled here so that checking the configuration loads no OpenCV
OCR_ENGINES = ("auto", "rapidocr", "tesseract")


@dataclass(frozen=True)
class CameraOptions:
    reading_ttl_s: float = 600.0  # how long a document reading stays in memory
    ocr_engine: str = "auto"  # which recogniser reads documents: OCR_ENGINES


@dataclass(frozen=True)
class FrontyardOptions:
    """Paths are absolute (relative to the configuration file); None takes the default under storage."""

    municipality: str = "ibusuki"
    secret_file: Path | None = None
    outbox_dir: Path | None = None
    export_dir: Path | None = None
    retention_days: int = 30
    reception_counter: str = "SHIMIN"
    kpi_period: str = "改革後"
    visit_ttl_hours: int = 10
    channel: str = "kiosk"  # where this terminal's visits happen: CHANNELS (the back office's figures)


# a terminal is a self-service kiosk or a tablet at a staffed counter (frontyard.kpi.Visit.channel)
CHANNELS = ("kiosk", "counter")


@dataclass(frozen=True)
class MetricsOptions:
    host: str = "127.0.0.1"  # loopback only (daemon.metrics)
    port: int = 9464
    enabled: bool = True


@dataclass(frozen=True)
class StaffOptions:
    """The city's directory for directory accounts (``daemon.staff.directory``); empty url: none."""

    ldap_url: str = ""
    ldap_user_dn: str = ""
    ldap_ca_file: Path | None = None
    ldap_timeout_s: float = 5.0


@dataclass(frozen=True)
class FleetOptions:
    """Forwarding to the central back-office database (``daemon.fleet``; docs/FLEET.md)."""

    terminal_id: str = ""  # backoffice.terminals.TERMINAL_ID grammar; the login role is terminal_<id>
    office: str = ""  # 本庁, 山川支所 …
    database: str = ""  # a libpq connection string without a password (sslmode, sslkey … honoured)
    password_file: Path | None = None  # its first line is the password (absolute: relative to the file)
    poll_s: float = 0.2  # how often the local stores are read for new rows
    batch_rows: int = 500  # rows per stream per central transaction
    heartbeat_s: float = 5.0  # the terminals row's refresh
    backlog_warn_rows: int = 10_000  # more rows waiting: an event and a device-board warning
    retry_max_s: float = 5.0  # the back-off's ceiling while the database is unreachable


@dataclass(frozen=True)
class Options:
    card: CardOptions = field(default_factory=CardOptions)
    printing: PrintingOptions = field(default_factory=PrintingOptions)
    payment: PaymentOptions = field(default_factory=PaymentOptions)
    camera: CameraOptions = field(default_factory=CameraOptions)
    frontyard: FrontyardOptions = field(default_factory=FrontyardOptions)
    metrics: MetricsOptions | None = None  # no [options.metrics]: no endpoint
    staff: StaffOptions = field(default_factory=StaffOptions)


class ErrorAt(Protocol):
    """Makes the configuration error for ``table.key`` at its line (``daemon.config``'s reader)."""

    def error(self, table: str, key: str, message: str) -> Exception: ...


class _Table:
    """Typed reads from one ``[options.NAME]`` table; refuses keys its dataclass does not have."""

    def __init__(self, at: ErrorAt, name: str, data: Any, kind: type, *, top_level: bool = False) -> None:
        self.at, self.name = at, name if top_level else f"options.{name}"
        if not isinstance(data, dict):
            raise at.error(self.name, "", f"expected a table [{self.name}], got {type(data).__name__}")
        self.data: dict[str, Any] = data
        known = [item.name for item in dataclasses.fields(kind)]
        for key in data:
            if key not in known:
                raise at.error(self.name, key, f"unknown option; expected one of {', '.join(known)}")

    def number(self, key: str, default: float, *, minimum: float = 0.0, above: bool = False) -> float:
        value = self.data.get(key, default)
        ok = isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)
        if not ok or value < minimum or (above and value <= minimum):
            bound = f"> {minimum:g}" if above else f"≥ {minimum:g}"
            raise self.at.error(self.name, key, f"expected a number {bound}, got {value!r}")
        return float(value)

    def integer(self, key: str, default: int, *, minimum: int) -> int:
        value = self.data.get(key, default)
        if not isinstance(value, int) or isinstance(value, bool) or value < minimum:
            raise self.at.error(self.name, key, f"expected a whole number ≥ {minimum}, got {value!r}")
        return value

    def boolean(self, key: str, default: bool) -> bool:
        value = self.data.get(key, default)
        if not isinstance(value, bool):  # "no" or 0 is not false: say so instead of guessing
            raise self.at.error(self.name, key, f"expected true or false, got {value!r}")
        return value

    def text(self, key: str, default: str) -> str:
        value = self.data.get(key, default)
        if not isinstance(value, str):
            raise self.at.error(self.name, key, f"expected a string, got {value!r}")
        return value

    def path(self, key: str, base: Path) -> Path | None:
        text = self.text(key, "")
        return base / text if text else None


def read_options(at: ErrorAt, data: Any, base: Path) -> Options:
    """Every ``[options.*]`` table of ``data`` (the parsed ``options`` table) as typed dataclasses."""
    if not isinstance(data, dict):
        raise at.error("options", "", f"expected [options.NAME] tables, got {type(data).__name__}")
    tables: dict[str, tuple[type, Callable[[_Table], Any]]] = {
        "card": (CardOptions, _card),
        "printing": (PrintingOptions, _printing),
        "payment": (PaymentOptions, _payment),
        "camera": (CameraOptions, _camera),
        "frontyard": (FrontyardOptions, lambda table: _frontyard(table, base)),
        "metrics": (_MetricsKeys, _metrics),
        "staff": (StaffOptions, lambda table: _staff(table, base)),
    }
    parsed: dict[str, Any] = {}
    for name, table in data.items():
        if name not in tables:
            known = ", ".join(tables)
            raise at.error(f"options.{name}", "", f"unknown options table; expected one of {known}")
        kind, read = tables[name]
        parsed[name] = read(_Table(at, name, table, kind))
    return Options(**parsed)


def _card(table: _Table) -> CardOptions:
    idle = table.number("idle_timeout_s", CardOptions.idle_timeout_s, above=True)
    return CardOptions(
        idle_timeout_s=idle,
        warn_before_s=table.number("warn_before_s", CardOptions.warn_before_s),
        verify_integrity=table.boolean("verify_integrity", CardOptions.verify_integrity),
    )


def _printing(table: _Table) -> PrintingOptions:
    defaults = PrintingOptions()
    return PrintingOptions(
        hold_poll_s=table.number("hold_poll_s", defaults.hold_poll_s, minimum=0.01),
        follow_poll_s=table.number("follow_poll_s", defaults.follow_poll_s, minimum=0.01),
        failed_payload_ttl_s=table.number("failed_payload_ttl_s", defaults.failed_payload_ttl_s),
        cancel_timeout_s=table.number("cancel_timeout_s", defaults.cancel_timeout_s, minimum=0.1),
        municipality=table.text("municipality", defaults.municipality),
    )


def _payment(table: _Table) -> PaymentOptions:
    defaults = PaymentOptions()
    return PaymentOptions(
        municipality=table.text("municipality", defaults.municipality),
        slip_timeout_s=table.number("slip_timeout_s", defaults.slip_timeout_s, minimum=1.0),
        slip_grace_s=table.number("slip_grace_s", defaults.slip_grace_s),
    )


def _camera(table: _Table) -> CameraOptions:
    engine = table.text("ocr_engine", CameraOptions.ocr_engine)
    if engine not in OCR_ENGINES:
        raise table.at.error(
            table.name, "ocr_engine", f"expected one of {', '.join(OCR_ENGINES)}, got {engine!r}"
        )
    return CameraOptions(
        reading_ttl_s=table.number("reading_ttl_s", CameraOptions.reading_ttl_s, above=True),
        ocr_engine=engine,
    )


def _staff(table: _Table, base: Path) -> StaffOptions:
    url = table.text("ldap_url", "")
    user_dn = table.text("ldap_user_dn", "")
    if url and not url.startswith(("ldaps://", "ldap://")):
        raise table.at.error(table.name, "ldap_url", "expected ldaps://host[:port] or ldap://host (StartTLS)")
    if url and "{staff_id}" not in user_dn:
        raise table.at.error(table.name, "ldap_user_dn", "expected a DN with {staff_id}")
    return StaffOptions(
        ldap_url=url,
        ldap_user_dn=user_dn,
        ldap_ca_file=table.path("ldap_ca_file", base),
        ldap_timeout_s=table.number("ldap_timeout_s", StaffOptions.ldap_timeout_s, above=True),
    )


_COUNTER = re.compile(r"[A-Z0-9-]{1,12}")


def _frontyard(table: _Table, base: Path) -> FrontyardOptions:
    defaults = FrontyardOptions()
    municipality = table.text("municipality", defaults.municipality)
    try:
        load_municipality(municipality)
    except DomainError:
        raise table.at.error(
            table.name,
            "municipality",
            f"unknown municipality {municipality!r} (frontyard/data/municipalities)",
        ) from None
    counter = table.text("reception_counter", defaults.reception_counter).upper()
    if not _COUNTER.fullmatch(counter):
        raise table.at.error(table.name, "reception_counter", "expected 1-12 of A-Z, 0-9 and '-'")
    channel = table.text("channel", defaults.channel)
    if channel not in CHANNELS:
        raise table.at.error(table.name, "channel", f"expected one of {', '.join(CHANNELS)}, got {channel!r}")
    return FrontyardOptions(
        municipality=municipality,
        secret_file=table.path("secret_file", base),
        outbox_dir=table.path("outbox_dir", base),
        export_dir=table.path("export_dir", base),
        retention_days=table.integer("retention_days", defaults.retention_days, minimum=0),
        reception_counter=counter,
        kpi_period=table.text("kpi_period", defaults.kpi_period),
        visit_ttl_hours=table.integer("visit_ttl_hours", defaults.visit_ttl_hours, minimum=1),
        channel=channel,
    )


@dataclass(frozen=True)
class _MetricsKeys:
    """The keys of ``[options.metrics]`` (``listen`` is split into MetricsOptions.host and port)."""

    listen: str = "127.0.0.1:9464"
    enabled: bool = True


def _metrics(table: _Table) -> MetricsOptions:
    """``listen``: ``HOST:PORT`` on a loopback address (``[::1]:9464`` for IPv6); port 0 picks one."""
    listen = table.text("listen", _MetricsKeys.listen)
    host, _, port = listen.rpartition(":")
    host = host.strip("[]")
    try:
        loopback = ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = False
    if not loopback or not port.isdigit() or int(port) > 65535:
        raise table.at.error(
            table.name,
            "listen",
            f"expected a loopback HOST:PORT such as {_MetricsKeys.listen!r}, got {listen!r} / "
            "ループバックアドレスのみ指定できます",
        )
    return MetricsOptions(host=host, port=int(port), enabled=table.boolean("enabled", True))


_SSLMODES = ("disable", "allow", "prefer", "require", "verify-ca", "verify-full")


def read_fleet(at: ErrorAt, data: Any, base: Path) -> FleetOptions:
    """The ``[fleet]`` table: who this terminal is and where it forwards (``daemon.fleet``)."""
    from psycopg import conninfo

    from backoffice.terminals import TERMINAL_ID

    table = _Table(at, "fleet", data, FleetOptions, top_level=True)
    for key in ("terminal_id", "office", "database"):
        if not table.text(key, ""):
            raise at.error("fleet", key, "missing (required in [fleet])")
    terminal_id = table.text("terminal_id", "")
    if not TERMINAL_ID.fullmatch(terminal_id):
        raise at.error("fleet", "terminal_id", "expected lowercase letters, digits and '-', at most 40")
    database = table.text("database", "")
    try:
        parts = conninfo.conninfo_to_dict(database)
    except Exception:  # psycopg.ProgrammingError; its text may repeat the string (and a password)
        raise at.error(
            "fleet", "database", "not a libpq connection string (host=… dbname=… user=…)"
        ) from None
    if "password" in parts:
        raise at.error(
            "fleet", "database", "a password does not belong in the configuration: use password_file"
        )
    if parts.get("sslmode", "prefer") not in _SSLMODES:
        raise at.error("fleet", "database", f"sslmode: expected one of {', '.join(_SSLMODES)}")
    password_file = table.path("password_file", base)
    if password_file is not None and not password_file.is_file():
        raise at.error("fleet", "password_file", f"no such file: {password_file}")
    defaults = FleetOptions()
    return FleetOptions(
        terminal_id=terminal_id,
        office=table.text("office", ""),
        database=database,
        password_file=password_file,
        poll_s=table.number("poll_s", defaults.poll_s, minimum=0.01),
        batch_rows=table.integer("batch_rows", defaults.batch_rows, minimum=1),
        heartbeat_s=table.number("heartbeat_s", defaults.heartbeat_s, minimum=0.1),
        backlog_warn_rows=table.integer("backlog_warn_rows", defaults.backlog_warn_rows, minimum=1),
        retry_max_s=table.number("retry_max_s", defaults.retry_max_s, minimum=0.1),
    )
