"""The front-yard's settings: ``[options.frontyard]`` (parsed and checked by ``daemon.options``) with its
defaults under the storage directory filled in::

[options.frontyard]
municipality = "ibusuki"         # frontyard/data/municipalities/<key>.toml
secret_file = "var/reception.secret"   # default: <storage_dir>/reception.secret (created 0600)
outbox_dir = "var/outbox"        # default: <storage_dir>/outbox
export_dir = "var/outbox/export" # default: <outbox_dir>/export
retention_days = 30              # exported packages are deleted after this
reception_counter = "SHIMIN"     # counter code in the reception QR (A-Z, 0-9, -)
kpi_period = "改革後"             # label of recorded visits in the KPI report
visit_ttl_hours = 10             # an unfinished visit is dropped after this
channel = "kiosk"                # this terminal: "kiosk" (self-service) or "counter" (a staffed tablet)

With ``[fleet]`` the back office exports applications to 申請管理 (docs/FLEET.md), so ``exports_here``
is false and the terminal's ExportApplications is refused: an application reaches 申請管理 once. The
terminal then deletes (at start) the released applications the back office has once the retention period
has passed since their release.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from ..options import FrontyardOptions


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
    channel: str = "kiosk"
    fleet_terminal_id: str = ""  # with [fleet]: its terminal id (the back office exports)

    @property
    def exports_here(self) -> bool:
        return not self.fleet_terminal_id


def frontyard_settings(
    options: FrontyardOptions, storage_dir: Path, *, fleet_terminal_id: str = ""
) -> FrontyardSettings:
    outbox_dir = options.outbox_dir or storage_dir / "outbox"
    return FrontyardSettings(
        municipality=options.municipality,
        secret_file=options.secret_file or storage_dir / "reception.secret",
        outbox_dir=outbox_dir,
        export_dir=options.export_dir or outbox_dir / "export",
        retention_days=options.retention_days,
        reception_counter=options.reception_counter,
        kpi_period=options.kpi_period,
        visit_ttl=dt.timedelta(hours=options.visit_ttl_hours),
        channel=options.channel,
        fleet_terminal_id=fleet_terminal_id,
    )
