"""IPP printers: announced on the network by DNS-SD (``avahi-browse``), and the local CUPS queues.

Both tools are optional (Debian ``avahi-utils``, ``cups-client``); without them a note says so. Their
output is parsed by the pure functions below, which the tests feed directly.
"""

from __future__ import annotations

import shutil
import subprocess

from drivers.base import DeviceKind

from .model import Found

TIMEOUT_S = 8.0


def parse_avahi(text: str) -> list[Found]:
    """``avahi-browse -rpt _ipp._tcp``: resolved lines ``=;if;proto;name;type;domain;host;addr;port;txt``."""
    found: dict[str, Found] = {}
    for line in text.splitlines():
        fields = line.split(";")
        if len(fields) < 9 or fields[0] != "=" or not fields[8].isdigit():
            continue
        name, service, host, port = fields[3], fields[4], fields[6], fields[8]
        txt = dict(item.strip('"').split("=", 1) for item in " ".join(fields[9:]).split('" "') if "=" in item)
        resource = txt.get("rp", "ipp/print").lstrip("/")
        scheme = "ipps" if service.startswith("_ipps") else "ipp"
        uri = f"{scheme}://{host}:{port}/{resource}"
        label = name.replace("\\032", " ")
        found.setdefault(uri, Found(DeviceKind.FORM_PRINTER, "ipp", uri, label, f"DNS-SD on {fields[1]}", 1))
    return list(found.values())


def parse_lpstat(text: str) -> list[Found]:
    """``lpstat -v``: ``device for QUEUE: URI`` → the queue through the local CUPS server."""
    found = []
    for line in text.splitlines():
        head, sep, backend = line.partition(": ")
        if not sep or not head.startswith("device for "):
            continue
        queue = head.removeprefix("device for ").strip()
        found.append(
            Found(
                DeviceKind.FORM_PRINTER,
                "ipp",
                f"ipp://localhost:631/printers/{queue}",
                f"CUPS queue {queue}",
                f"backend {backend.split('://')[0]}",
                2,
            )
        )
    return found


def _run(command: list[str], notes: list[str], what: str) -> str:
    if shutil.which(command[0]) is None:
        notes.append(f"{what}: {command[0]} not installed")
        return ""
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=TIMEOUT_S, check=False)
    except subprocess.TimeoutExpired:
        notes.append(f"{what}: {command[0]} did not answer within {TIMEOUT_S:g} s")
        return ""
    return done.stdout


def find_ipp_printers(notes: list[str]) -> list[Found]:
    announced = parse_avahi(_run(["avahi-browse", "-rpt", "_ipp._tcp"], notes, "DNS-SD printers"))
    queues = parse_lpstat(_run(["lpstat", "-v"], notes, "CUPS queues"))
    return queues + announced
