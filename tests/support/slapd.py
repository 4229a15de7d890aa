"""A real OpenLDAP ``slapd`` for the staff directory tests: Debian's slapd, started as ``nobody`` on free
loopback ports, serving ``ldaps://`` and ``ldap://`` (StartTLS) with a certificate of a test CA
(``daemon.certs``). Its people are loaded offline with ``slapadd`` before it starts."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from daemon.certs import issue_certificates

SLAPD = "/usr/sbin/slapd"
SLAPADD = "/usr/sbin/slapadd"
NOBODY = 65534
SUFFIX = "dc=city,dc=example"
USER_DN = "uid={staff_id},ou=people," + SUFFIX

CONFIG = """\
include /etc/ldap/schema/core.schema
include /etc/ldap/schema/cosine.schema
include /etc/ldap/schema/inetorgperson.schema
modulepath /usr/lib/ldap
moduleload back_mdb
pidfile {dir}/slapd.pid
TLSCACertificateFile {dir}/ca.pem
TLSCertificateFile {dir}/daemon.pem
TLSCertificateKeyFile {dir}/daemon.key
database mdb
maxsize 10485760
suffix "{suffix}"
rootdn "cn=admin,{suffix}"
directory {dir}/db
access to attrs=userPassword by anonymous auth by * none
access to * by * read
"""


@dataclass
class Slapd:
    process: subprocess.Popen[bytes]
    directory: Path
    ldaps_port: int
    ldap_port: int

    @property
    def ca_file(self) -> Path:
        return self.directory / "ca.pem"

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)
        shutil.rmtree(self.directory, ignore_errors=True)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _people(people: dict[str, str]) -> str:
    entries = [f"dn: {SUFFIX}\nobjectClass: dcObject\nobjectClass: organization\no: city\ndc: city\n"]
    entries.append(f"dn: ou=people,{SUFFIX}\nobjectClass: organizationalUnit\nou: people\n")
    for staff_id, password in people.items():
        entries.append(
            f"dn: {USER_DN.format(staff_id=staff_id)}\nobjectClass: inetOrgPerson\nuid: {staff_id}\n"
            f"cn: {staff_id}\nsn: staff\nuserPassword: {password}\n"
        )
    return "\n".join(entries)


def start_slapd(people: dict[str, str]) -> Slapd:
    """slapd with ``people`` (staff id → password), as ``nobody``; the caller stops it."""
    directory = Path(tempfile.mkdtemp(prefix="frontyard-slapd-"))
    issue_certificates(directory / "certs", hosts=("127.0.0.1",))
    for name in ("ca.pem", "daemon.pem", "daemon.key"):
        shutil.copyfile(directory / "certs" / name, directory / name)
    (directory / "db").mkdir()
    config = directory / "slapd.conf"
    config.write_text(CONFIG.format(dir=directory, suffix=SUFFIX))
    (directory / "people.ldif").write_text(_people(people))
    subprocess.run(
        [SLAPADD, "-f", str(config), "-l", str(directory / "people.ldif")], check=True, capture_output=True
    )
    for path in [directory, *directory.rglob("*")]:
        os.chown(path, NOBODY, NOBODY)
    os.chmod(directory, 0o700)
    ldaps, ldap = _free_port(), _free_port()
    urls = f"ldaps://127.0.0.1:{ldaps}/ ldap://127.0.0.1:{ldap}/"
    with (directory / "slapd.log").open("wb") as log:  # the child keeps its own descriptor
        process = subprocess.Popen(  # -d: stay in the foreground; setpriv: run as nobody from the start
            [
                "setpriv",
                f"--reuid={NOBODY}",
                f"--regid={NOBODY}",
                "--clear-groups",
                SLAPD,
                "-f",
                str(config),
                "-h",
                urls,
                "-d",
                "256",
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(
                f"slapd ended: {(directory / 'slapd.log').read_text(errors='replace')[-2000:]}"
            )
        try:
            with (
                socket.create_connection(("127.0.0.1", ldaps), timeout=1),
                socket.create_connection(("127.0.0.1", ldap), timeout=1),
            ):
                return Slapd(process, directory, ldaps, ldap)
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError("slapd did not listen within 20 s")
