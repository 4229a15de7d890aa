"""``frontyard-daemon discover`` against fake sysfs trees, canned tool output and fake serial ports."""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from daemon.config import load_config
from daemon.discover import cli, serial
from daemon.discover.cameras import find_cameras, fourcc
from daemon.discover.model import Found, SystemRoots
from daemon.discover.network import parse_avahi, parse_lpstat
from daemon.discover.proposal import choose, propose
from daemon.discover.usb import find_usb_printers, identify, load_table
from drivers.base import DeviceKind


def usb_device(sys_root: Path, name: str, vendor: str, product: str, interface_class: str = "ff") -> None:
    device = sys_root / "bus/usb/devices" / name
    (device / f"{name}:1.0").mkdir(parents=True)
    for key, value in {"idVendor": vendor, "idProduct": product, "busnum": "1", "devnum": "7"}.items():
        (device / key).write_text(value + "\n")
    (device / "product").write_text("Mystery Printer\n")
    (device / f"{name}:1.0" / "bInterfaceClass").write_text(interface_class + "\n")


@pytest.fixture
def roots(tmp_path: Path) -> SystemRoots:
    return SystemRoots(sys=tmp_path / "sys", dev=tmp_path / "dev")


def test_usb_printers_by_table_and_by_printer_class(roots: SystemRoots) -> None:
    usb_device(roots.sys, "1-1", "04b8", "0e28")  # Epson TM-m30
    usb_device(roots.sys, "1-2", "0519", "9999")  # a Star model not in the table
    usb_device(roots.sys, "1-3", "1234", "5678", interface_class="07")  # unknown maker, printer class
    usb_device(roots.sys, "1-4", "046d", "0825")  # a webcam: not a printer
    (roots.dev / "bus/usb/001").mkdir(parents=True)
    (roots.dev / "bus/usb/001/007").write_bytes(b"")
    found = {device.uri: device for device in find_usb_printers(roots)}
    assert list(found) == [
        "usb://04b8:0e28?profile=tm-m30-jp",
        "usb://0519:9999?profile=generic-80",
        "usb://1234:5678?profile=generic-80",
    ]
    epson = found["usb://04b8:0e28?profile=tm-m30-jp"]
    assert (epson.label, epson.confidence, epson.kind) == ("Epson TM-m30", 2, DeviceKind.RECEIPT_PRINTER)
    assert "/bus/usb/001/007" in epson.detail
    assert found["usb://0519:9999?profile=generic-80"].confidence == 1
    assert found["usb://1234:5678?profile=generic-80"].label == "unknown maker Mystery Printer"


def test_table_names_the_makers_the_issue_lists() -> None:
    table = load_table()
    makers = {row.maker.split()[0] for row in table}
    assert {"Epson", "Star", "Citizen", "Bixolon", "Sewoo"} <= makers
    assert identify("04b8", "ffff", table) is not None and identify("dead", "beef", table) is None


def test_cameras_from_sysfs_without_access_to_the_nodes(roots: SystemRoots) -> None:
    for name, label in (("video0", "HD Pro Webcam C920"), ("video1", "HD Pro Webcam C920")):
        (roots.sys / "class/video4linux" / name).mkdir(parents=True)
        (roots.sys / "class/video4linux" / name / "name").write_text(label + "\n")
    cameras = find_cameras(roots)
    assert cameras[0].uri.startswith(f"v4l2://{roots.dev}/video0?")
    assert all("formats unknown" in camera.detail for camera in cameras)
    assert fourcc(0x47504A4D) == "MJPG"


AVAHI = (
    "+;eth0;IPv4;EPSON\\032PX-S887;_ipp._tcp;local\n"
    "=;eth0;IPv4;EPSON\\032PX-S887;_ipp._tcp;local;px-s887.local;192.0.2.7;631;"
    '"txtvers=1" "rp=ipp/print" "ty=EPSON"\n'
    '=;eth0;IPv6;EPSON\\032PX-S887;_ipp._tcp;local;px-s887.local;fe80::1;631;"rp=ipp/print"\n'
    "=;eth0;IPv4;broken;_ipp._tcp;local;host.local;192.0.2.8;notaport;\n"
)


def test_avahi_and_lpstat_output() -> None:
    (printer,) = parse_avahi(AVAHI)
    assert (printer.uri, printer.label) == ("ipp://px-s887.local:631/ipp/print", "EPSON PX-S887")
    queues = parse_lpstat(
        "device for A4: ipp://192.0.2.7/ipp/print\ndevice for Receipt: usb://EPSON/TM\nnoise\n"
    )
    assert [queue.uri for queue in queues] == [
        "ipp://localhost:631/printers/A4",
        "ipp://localhost:631/printers/Receipt",
    ]


@given(st.text())
def test_tool_output_parsers_never_raise(text: str) -> None:
    for device in parse_avahi(text) + parse_lpstat(text):
        assert device.driver == "ipp" and device.uri.startswith(("ipp://", "ipps://"))


@given(st.lists(st.text(alphabet=";=\"' \\abc0123456789\n", max_size=40), max_size=12))
def test_avahi_parser_on_semicolon_soup(fields: list[str]) -> None:
    parse_avahi(";".join(fields))


def test_proposal_takes_the_surest_device_of_each_kind_and_only_an_answering_terminal() -> None:
    devices = [
        Found(DeviceKind.RECEIPT_PRINTER, "escpos", "usb://0519:9999?profile=generic-80", "Star", "", 1),
        Found(DeviceKind.RECEIPT_PRINTER, "escpos", "usb://04b8:0e28?profile=tm-m30-jp", "Epson", "", 2),
        Found(DeviceKind.PAYMENT_TERMINAL, "zvt", "serial:///dev/ttyS0?baud=9600", "ttyS0", "", 0),
        Found(DeviceKind.CARD_READER, "mynumber", 'pcsc://SONY "RC-S300"', "SONY", "", 2),
    ]
    assert {slot: device.label for slot, device in choose(devices).items()} == {
        "receipt": "Epson",
        "card": "SONY",
    }
    text = propose(devices)
    assert 'uri = "usb://04b8:0e28?profile=tm-m30-jp"' in text and 'uri = "pcsc://SONY \\"RC-S300\\""' in text
    import tomllib

    parsed = tomllib.loads(text)
    assert parsed["devices"]["card"]["uri"] == 'pcsc://SONY "RC-S300"'


def test_serial_ports_listed_and_probed(monkeypatch: pytest.MonkeyPatch) -> None:
    ports = [SimpleNamespace(device="/dev/ttyUSB0", description="FT232R", vid=0x0403, pid=0x6001)]
    monkeypatch.setattr("serial.tools.list_ports.comports", lambda: ports)
    notes: list[str] = []
    (unprobed,) = serial.find_serial_ports(False, notes)
    assert unprobed.uri == "serial:///dev/ttyUSB0?baud=9600" and unprobed.confidence == 0
    assert "--probe-serial" in notes[0]
    monkeypatch.setattr(serial, "probe_zvt", lambda uri: "ZVT terminal answered (status ok)")
    (probed,) = serial.find_serial_ports(True, [])
    assert probed.confidence == 2 and "0403:6001" in probed.label


def test_cli_json_report(
    roots: SystemRoots, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    usb_device(roots.sys, "1-1", "04b8", "0e28")
    monkeypatch.setattr(cli, "find_readers", lambda notes: [])
    monkeypatch.setattr(cli, "find_ipp_printers", lambda notes: [])
    monkeypatch.setattr(cli, "find_serial_ports", lambda probe, notes: [])
    assert cli.run_discover(as_json=True, probe_serial=False, roots=roots) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["proposed"] == {"receipt": "usb://04b8:0e28?profile=tm-m30-jp"}
    assert report["devices"][0]["label"] == "Epson TM-m30"


def test_proposal_is_a_valid_configuration(roots: SystemRoots, tmp_path: Path) -> None:
    usb_device(roots.sys, "1-1", "04b8", "0e28")
    (roots.sys / "class/video4linux/video0").mkdir(parents=True)
    (roots.sys / "class/video4linux/video0/name").write_text("USB Camera\n")
    devices = find_usb_printers(roots) + find_cameras(roots)
    devices.append(Found(DeviceKind.FORM_PRINTER, "ipp", "ipp://localhost:631/printers/A4", "CUPS queue A4"))
    config = tmp_path / "daemon.toml"
    config.write_text('[daemon]\nstorage_dir = "var"\n\n' + propose(devices), encoding="utf-8")
    loaded = load_config(config)
    assert {device.slot: device.driver for device in loaded.devices} == {
        "receipt": "escpos",
        "camera": "camera",
        "forms": "ipp",
    }
