"""``[options.frontyard]`` of the daemon configuration, validated (paths relative to the config file)::

[options.frontyard]
municipality = "ibusuki"         # frontyard/data/municipalities/<key>.toml
secret_file = "var/reception.secret"   # default: <storage_dir>/reception.secret (created 0600)
outbox_dir = "var/outbox"        # default: <storage_dir>/outbox
export_dir = "var/outbox/export" # default: <outbox_dir>/export
retention_days = 30              # exported packages are deleted after this
reception_counter = "SHIMIN"     # counter code in the reception QR (A-Z, 0-9, -)
kpi_period = "改革後"             # label of recorded visits in the KPI report
visit_ttl_hours = 10             # an unfinished visit is dropped after this
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..config import Config


class FrontyardSettingsError(ValueError):
    """An unusable ``[options.frontyard]`` value; the message names the key."""


@dataclass(frozen=True)
class FrontyardSettings:
    municipality: str
    secret_file: Path
    outbox_dir: Path
    export_dir: Path
    retention_days: int
    reception_counter: str
    kpi_period: str
    visit_ttl: dt.timedelta


def _get(table: dict[str, Any], key: str, kind: type, default: Any) -> Any:
    value = table.get(key, default)
    if not isinstance(value, kind) or (isinstance(value, bool) and kind is int):
        raise FrontyardSettingsError(f"options.frontyard.{key}: expected {kind.__name__}, got {value!r}")
    return value


def read_settings(config: Config) -> FrontyardSettings:
    table = config.options.get("frontyard", {})
    if not isinstance(table, dict):
        raise FrontyardSettingsError("options.frontyard: expected a table")
    base = config.path.parent.resolve()
    storage = config.storage_dir

    def path(key: str, default: Path) -> Path:
        text = _get(table, key, str, "")
        return base / text if text else default

    outbox_dir = path("outbox_dir", storage / "outbox")
    counter = _get(table, "reception_counter", str, "SHIMIN").upper()
    if not re.fullmatch(r"[A-Z0-9-]{1,12}", counter):
        raise FrontyardSettingsError("options.frontyard.reception_counter: 1-12 of A-Z, 0-9 and '-'")
    retention = _get(table, "retention_days", int, 30)
    hours = _get(table, "visit_ttl_hours", int, 10)
    if retention < 0 or hours <= 0:
        raise FrontyardSettingsError("options.frontyard: retention_days ≥ 0 and visit_ttl_hours > 0")
    return FrontyardSettings(
        municipality=_get(table, "municipality", str, "ibusuki"),
        secret_file=path("secret_file", storage / "reception.secret"),
        outbox_dir=outbox_dir,
        export_dir=path("export_dir", outbox_dir / "export"),
        retention_days=retention,
        reception_counter=counter,
        kpi_period=_get(table, "kpi_period", str, "改革後"),
        visit_ttl=dt.timedelta(hours=hours),
    )
