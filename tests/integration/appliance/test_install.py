"""``make install`` staged with DESTDIR: the tree, the units (``systemd-analyze verify``), uninstall.

The staged install builds Frontyard's wheel here and leaves out the pinned dependencies
(``INSTALL_DEPENDENCIES=0``: they come from the registry, and tests download nothing).
``systemd-analyze verify --root`` checks every unit against the staged tree, so the ``ExecStart``
programs must exist in it; cage (the kiosk compositor) is not a dependency of this machine and is
stood in for by an empty executable.
"""

from __future__ import annotations

import configparser
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.support.processes import REPO_ROOT

pytestmark = pytest.mark.integration
UNITS = ("frontyard-daemon.service", "frontyard-ui.service", "frontyard-kiosk.service")
SYSTEMD_ANALYZE = shutil.which("systemd-analyze")


def run_install(stage: Path, action: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["bash", "scripts/install.sh", action],
        cwd=REPO_ROOT,
        env={**os.environ, "DESTDIR": str(stage), "INSTALL_DEPENDENCIES": "0", **env},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


@pytest.fixture(scope="module")
def stage(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("stage")
    done = run_install(root, "install")
    assert done.returncode == 0, done.stdout + done.stderr
    return root


def unit(stage: Path, name: str) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read(stage / "etc/systemd/system" / name)
    return parser


def test_tree(stage: Path) -> None:
    venv = stage / "opt/frontyard/venv"
    daemon = venv / "bin/frontyard-daemon"
    assert daemon.read_text().splitlines()[0] == "#!/opt/frontyard/venv/bin/python"  # not the staging path
    site = next(venv.glob("lib/python3*/site-packages"))
    assert (site / "daemon/discover/usb_printers.csv").is_file()  # package data travels
    assert (site / "frontyard_gen/kiosk/v1/device_pb2.py").is_file()
    assert (site / "frontyard-gen.pth").read_text().strip().startswith("/opt/frontyard/venv/lib/")
    assert not list(site.glob("__editable__*"))  # a real install, not a link to this checkout
    for path in (
        "etc/frontyard/daemon.toml",
        "etc/udev/rules.d/60-frontyard.rules",
        "etc/chromium/policies/managed/frontyard.json",
        "opt/frontyard/share/prometheus/frontyard-alerts.yml",
        "opt/frontyard/share/README.md",
    ):
        assert (stage / path).is_file(), path
    assert (stage / "var/lib/frontyard").is_dir()
    rules = (stage / "etc/udev/rules.d/60-frontyard.rules").read_text()
    for vendor in ("04b8", "0519", "1d90", "1504"):  # Epson, Star, Citizen, Bixolon
        assert f'ATTR{{idVendor}}=="{vendor}"' in rules


def test_installed_configuration_is_valid(stage: Path) -> None:
    config = stage / "etc/frontyard/daemon.toml"
    checked = subprocess.run(
        [str(REPO_ROOT / ".venv/bin/python"), "-m", "daemon", "--config", str(config), "--check"],
        capture_output=True, text=True, timeout=60, cwd=REPO_ROOT, check=False,
    )  # fmt: skip
    assert checked.returncode == 0, checked.stderr


def test_daemon_unit_is_hardened_notify_service(stage: Path) -> None:
    service = unit(stage, "frontyard-daemon.service")["Service"]
    assert service["Type"] == "notify" and int(service["WatchdogSec"]) > 0
    assert service["User"] == "frontyard" and service["RuntimeDirectory"] == "frontyard"
    assert service["StateDirectory"] == "frontyard"
    assert (service["ProtectSystem"], service["PrivateTmp"], service["NoNewPrivileges"]) == (
        "strict",
        "yes",
        "yes",
    )
    assert set(service["SupplementaryGroups"].split()) == {"lp", "video", "dialout"}
    assert service["StandardError"] == "journal"
    kiosk = unit(stage, "frontyard-kiosk.service")["Service"]
    assert "--kiosk" in kiosk["ExecStart"] and kiosk["Restart"] == "always"
    assert " -s " not in kiosk["ExecStart"]  # cage without -s: no VT switching out of the kiosk


@pytest.mark.skipif(SYSTEMD_ANALYZE is None, reason="systemd-analyze missing: apt-get install systemd")
def test_systemd_analyze_verify_every_unit(stage: Path, tmp_path: Path) -> None:
    (stage / "usr/lib/systemd").mkdir(parents=True, exist_ok=True)
    if not (stage / "usr/lib/systemd/system").exists():
        shutil.copytree("/usr/lib/systemd/system", stage / "usr/lib/systemd/system", symlinks=True)
    (stage / "usr/bin").mkdir(parents=True, exist_ok=True)
    for program in ("cage", "chromium"):
        stand_in = stage / "usr/bin" / program
        stand_in.write_text("#!/bin/sh\nexit 0\n")
        stand_in.chmod(0o755)

    def verify(name: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(SYSTEMD_ANALYZE), "verify", f"--root={stage}", f"/etc/systemd/system/{name}"],
            capture_output=True, text=True, timeout=60, check=False,
        )  # fmt: skip

    for name in UNITS:
        result = verify(name)
        assert result.returncode == 0 and result.stderr == "", f"{name}: {result.stderr}"
    broken = stage / "etc/systemd/system/frontyard-broken.service"
    broken.write_text(
        (stage / "etc/systemd/system/frontyard-daemon.service")
        .read_text()
        .replace("Type=notify", "Type=nope")
        .replace("venv/bin/frontyard-daemon --config", "venv/bin/missing --config")
    )
    try:
        assert verify("frontyard-broken.service").returncode != 0  # the check can fail
    finally:
        broken.unlink()


def test_debian_package_of_the_staged_tree(stage: Path, tmp_path: Path) -> None:
    root = tmp_path / "root"
    shutil.copytree(stage, root, symlinks=True)
    built = run_install(root, "deb", STAGED="1", DEB_DIR=str(tmp_path))
    assert built.returncode == 0, built.stdout + built.stderr
    (package,) = tmp_path.glob("frontyard_*.deb")
    info = subprocess.run(["dpkg-deb", "--info", str(package)], capture_output=True, text=True, check=True)
    assert "Package: frontyard" in info.stdout and "pcscd" in info.stdout
    contents = subprocess.run(
        ["dpkg-deb", "--contents", str(package)], capture_output=True, text=True, check=True
    )
    for path in (
        "./etc/systemd/system/frontyard-daemon.service",
        "./etc/udev/rules.d/60-frontyard.rules",
        "./opt/frontyard/venv/bin/frontyard-daemon",
        "./opt/frontyard/share/install.sh",
    ):
        assert path in contents.stdout, path
    assert "root/root" in contents.stdout and "/tmp" not in contents.stdout
    conffiles = subprocess.run(
        ["dpkg-deb", "--ctrl-tarfile", str(package)], capture_output=True, check=True
    ).stdout
    assert b"/etc/frontyard/daemon.toml" in conffiles


@pytest.mark.skipif(SYSTEMD_ANALYZE is None, reason="systemd-analyze missing: apt-get install systemd")
@pytest.mark.parametrize(
    ("name", "at_most"), [("frontyard-daemon.service", 2.0), ("frontyard-ui.service", 2.0)]
)
def test_services_exposure_is_low(stage: Path, name: str, at_most: float) -> None:
    """``systemd-analyze security`` (0 = locked down, 10 = unprotected) of the installed units."""
    result = subprocess.run(
        [str(SYSTEMD_ANALYZE), "security", "--offline=yes", f"--root={stage}", f"/etc/systemd/system/{name}"],
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    match = re.search(r"Overall exposure level for \S+: ([0-9.]+)", result.stdout)
    assert match is not None, result.stdout + result.stderr
    assert float(match.group(1)) <= at_most


def test_uninstall_keeps_state_unless_purged(stage: Path, tmp_path: Path) -> None:
    root = tmp_path / "again"
    shutil.copytree(stage, root, symlinks=True)
    (root / "var/lib/frontyard/payments.sqlite3").write_bytes(b"journal")
    done = run_install(root, "uninstall")
    assert done.returncode == 0, done.stderr
    assert not (root / "opt/frontyard").exists()
    assert not (root / "etc/systemd/system/frontyard-daemon.service").exists()
    assert (root / "var/lib/frontyard/payments.sqlite3").read_bytes() == b"journal"
    assert (root / "etc/frontyard/daemon.toml").is_file()
    purged = run_install(root, "uninstall", PURGE="1")
    assert purged.returncode == 0, purged.stderr
    assert not (root / "var/lib/frontyard").exists() and not (root / "etc/frontyard").exists()


def test_uninstall_without_destdir_uses_the_configured_paths(stage: Path, tmp_path: Path) -> None:
    """The live path (no DESTDIR) on directories under tmp: PREFIX, SYSCONFDIR and STATEDIR moved there."""
    root = tmp_path / "live"
    shutil.copytree(stage, root, symlinks=True)
    env = {
        "DESTDIR": "",
        "PREFIX": str(root / "opt/frontyard"),
        "SYSCONFDIR": str(root / "etc"),
        "STATEDIR": str(root / "var/lib/frontyard"),
    }
    done = run_install(root, "uninstall", **env)
    assert done.returncode == 0, done.stdout + done.stderr
    assert not (root / "opt/frontyard").exists()
    assert not (root / "etc/udev/rules.d/60-frontyard.rules").exists()
    assert (root / "var/lib/frontyard").is_dir() and (root / "etc/frontyard/daemon.toml").is_file()
