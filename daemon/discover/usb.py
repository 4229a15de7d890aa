"""USB receipt printers, from sysfs (``/sys/bus/usb/devices/*/idVendor``) and ``usb_printers.csv``.

A device is reported when its ids are in the table, or when one of its interfaces has the USB printer
class (07) — then as an unknown model with the generic profile. ``detail`` names the device node and
whether the daemon's user may open it (the udev rule ``60-frontyard.rules`` grants that).
"""

from __future__ import annotations

import csv
import os
from dataclasses import dataclass
from pathlib import Path

from drivers.base import DeviceKind

from .model import DEFAULT_ROOTS, Found, SystemRoots

TABLE = Path(__file__).with_name("usb_printers.csv")
PRINTER_CLASS = "07"


@dataclass(frozen=True)
class KnownPrinter:
    vendor: str
    product: str  # "*" for any
    maker: str
    model: str
    profile: str


def load_table(path: Path = TABLE) -> list[KnownPrinter]:
    with path.open(encoding="utf-8") as file:
        rows = [line for line in file if line.strip() and not line.startswith("#")]
    return [
        KnownPrinter(*(cell.strip().lower() if i < 2 else cell.strip() for i, cell in enumerate(row)))
        for row in csv.reader(rows)
    ]


def identify(vendor: str, product: str, table: list[KnownPrinter]) -> KnownPrinter | None:
    """The exact row for vendor:product, else the maker's ``*`` row, else None."""
    exact = [row for row in table if row.vendor == vendor and row.product == product]
    maker = [row for row in table if row.vendor == vendor and row.product == "*"]
    matches = exact or maker
    return matches[0] if matches else None


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8", errors="replace").strip()
    except OSError:
        return ""


def _has_printer_interface(device: Path) -> bool:
    return any(_read(interface / "bInterfaceClass") == PRINTER_CLASS for interface in device.glob("*:*"))


def find_usb_printers(roots: SystemRoots = DEFAULT_ROOTS) -> list[Found]:
    table = load_table()
    found = []
    for device in sorted((roots.sys / "bus/usb/devices").glob("*")):
        vendor, product = _read(device / "idVendor").lower(), _read(device / "idProduct").lower()
        if not vendor or not product:
            continue
        known = identify(vendor, product, table)
        if known is None and not _has_printer_interface(device):
            continue
        bus, number = _read(device / "busnum"), _read(device / "devnum")
        node = roots.dev / "bus/usb" / f"{int(bus or 0):03d}" / f"{int(number or 0):03d}"
        access = (
            "writable" if os.access(node, os.R_OK | os.W_OK) else "not writable by this user (udev rule?)"
        )
        maker = known.maker if known else _read(device / "manufacturer") or "unknown maker"
        model = known.model if known else _read(device / "product") or "USB printer"
        profile = known.profile if known else "generic-80"
        found.append(
            Found(
                kind=DeviceKind.RECEIPT_PRINTER,
                driver="escpos",
                uri=f"usb://{vendor}:{product}?profile={profile}",
                label=f"{maker} {model}",
                detail=f"{node}: {access}",
                confidence=2 if known and known.product != "*" else (1 if known else 0),
            )
        )
    return found
