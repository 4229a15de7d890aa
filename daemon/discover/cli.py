"""``frontyard-daemon discover [--json] [--probe-serial]``: run every finder, print, propose."""

from __future__ import annotations

import dataclasses
import json

from .cameras import find_cameras
from .model import DEFAULT_ROOTS, Findings, SystemRoots
from .network import find_ipp_printers
from .pcsc import find_readers
from .proposal import choose, propose
from .serial import find_serial_ports
from .usb import find_usb_printers


def discover(roots: SystemRoots = DEFAULT_ROOTS, *, probe_serial: bool = False) -> Findings:
    findings = Findings()
    findings.devices += find_readers(findings.notes)
    findings.devices += find_usb_printers(roots)
    findings.devices += find_ipp_printers(findings.notes)
    findings.devices += find_cameras(roots)
    findings.devices += find_serial_ports(probe_serial, findings.notes)
    return findings


def report_json(findings: Findings) -> str:
    return json.dumps(
        {
            "devices": [dataclasses.asdict(device) for device in findings.devices],
            "proposed": {slot: device.uri for slot, device in choose(findings.devices).items()},
            "notes": findings.notes,
        },
        ensure_ascii=False,
        indent=2,
    )


def report_text(findings: Findings) -> str:
    lines = ["Attached devices / 接続されている機器:"]
    for device in findings.devices or []:
        lines.append(f"  {device.kind.value:17} {device.label}\n  {'':17} {device.uri}  ({device.detail})")
    if not findings.devices:
        lines.append("  (none found)")
    lines += [f"note: {note}" for note in findings.notes]
    lines += [
        "",
        "# Proposed configuration / 設定案 (add to /etc/frontyard/daemon.toml):",
        propose(findings.devices),
    ]
    return "\n".join(lines)


def run_discover(*, as_json: bool, probe_serial: bool, roots: SystemRoots = DEFAULT_ROOTS) -> int:
    findings = discover(roots, probe_serial=probe_serial)
    print(report_json(findings) if as_json else report_text(findings))
    return 0
