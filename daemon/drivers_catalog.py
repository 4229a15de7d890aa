"""The drivers the daemon can load, by the name used in the configuration.

Each module exports ``DRIVER: drivers.base.DriverInfo`` (kind and URI schemes) and
``open_device(uri) -> Device``. Modules are imported only when a slot uses them, so a kiosk without a
camera never loads OpenCV.
"""

from __future__ import annotations

import importlib
from types import ModuleType

from drivers.base import DriverInfo

DRIVER_MODULES: dict[str, str] = {
    "mynumber": "drivers.mynumber",
    "escpos": "drivers.escpos",
    "ipp": "drivers.ipp",
    "zvt": "drivers.zvt",
    "camera": "drivers.camera",
}


class UnknownDriverError(LookupError):
    pass


def load_driver(name: str) -> ModuleType:
    try:
        module_name = DRIVER_MODULES[name]
    except KeyError:
        known = ", ".join(sorted(DRIVER_MODULES))
        raise UnknownDriverError(f"unknown driver {name!r}; known drivers: {known}") from None
    return importlib.import_module(module_name)


def driver_info(name: str) -> DriverInfo:
    info = load_driver(name).DRIVER
    assert isinstance(info, DriverInfo)
    return info
