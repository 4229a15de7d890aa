"""What a finder reports: one ``Found`` per device, plus notes about what could not be looked at."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from drivers.base import DeviceKind


@dataclass(frozen=True)
class Found:
    """One attached device: the driver and URI to configure it with, and what is known about it."""

    kind: DeviceKind
    driver: str
    uri: str
    label: str
    detail: str = ""
    confidence: int = 1  # 2 = identified (known id, answered a probe), 1 = plausible, 0 = unknown model


@dataclass
class Findings:
    devices: list[Found] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class SystemRoots:
    """Where to look; tests point these at fake trees."""

    sys: Path = Path("/sys")
    dev: Path = Path("/dev")


DEFAULT_ROOTS = SystemRoots()
