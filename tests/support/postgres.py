"""A real PostgreSQL cluster for tests: Debian's binaries, a temporary directory, a free port.

    cluster = PostgresCluster.create(Path(tempfile.mkdtemp()))
    cluster.start()
    dsn = cluster.admin_dsn("postgres")      # superuser over the private Unix socket (trust)
    cluster.stop()                            # a clean shutdown; start() again for an outage test
    cluster.kill()                            # SIGKILL the postmaster (a crash)

The binaries are found under ``/usr/lib/postgresql/<version>/bin`` (the newest version installed), never
on PATH. PostgreSQL refuses to run as root, and CI runs as root: then the cluster's directory is chowned to
``nobody`` and ``initdb``/``postgres`` run through ``setpriv``; as anybody else they run directly. The
cluster listens on 127.0.0.1 (password logins, scram-sha-256) and on a private socket directory (trust,
for the superuser and the tests' own checks); fsync is off (speed; a test cluster is thrown away).
"""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import signal
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psutil

from tests.support.processes import free_port, stop_process
from tests.support.waiting import wait_until

SUPERUSER = "postgres"
_CONF = """\
listen_addresses = '127.0.0.1'
port = {port}
unix_socket_directories = '{socket_dir}'
fsync = off
full_page_writes = off
shared_buffers = 16MB
max_connections = 60
wal_level = replica
max_wal_senders = 4
hot_standby = on
log_min_messages = warning
log_line_prefix = '%m [%p] '
"""
_HBA = """\
local   all          {superuser}   trust
local   replication  {superuser}   trust
local   all          all           scram-sha-256
host    all          all           127.0.0.1/32   scram-sha-256
host    replication  {superuser}   127.0.0.1/32   trust
"""


def postgres_bin_dir() -> Path:
    """The newest ``/usr/lib/postgresql/<version>/bin`` that has ``initdb`` (Debian's layout)."""
    candidates = [path.parent for path in Path("/usr/lib/postgresql").glob("*/bin/initdb")]
    if not candidates:
        raise FileNotFoundError(
            "PostgreSQL binaries not found under /usr/lib/postgresql (apt-get install postgresql) / "
            "PostgreSQL がインストールされていません"
        )
    return max(candidates, key=lambda path: int(path.parent.name))


def _as_cluster_owner() -> list[str]:
    """The command prefix that runs a PostgreSQL binary as an unprivileged user (empty when not root)."""
    if os.geteuid() != 0:
        return []
    nobody = pwd.getpwnam("nobody")
    return ["setpriv", f"--reuid={nobody.pw_uid}", f"--regid={nobody.pw_gid}", "--clear-groups", "--"]


def _give_to_cluster_owner(path: Path) -> None:
    if os.geteuid() == 0:
        nobody = pwd.getpwnam("nobody")
        os.chown(path, nobody.pw_uid, nobody.pw_gid)


@dataclass
class PostgresCluster:
    """One cluster in ``root``: ``data/``, ``socket/`` and ``postgres.log``."""

    root: Path
    port: int
    bin_dir: Path = field(default_factory=postgres_bin_dir)
    process: subprocess.Popen[bytes] | None = None

    @property
    def data_dir(self) -> Path:
        return self.root / "data"

    @property
    def socket_dir(self) -> Path:
        return self.root / "socket"

    @property
    def log_path(self) -> Path:
        return self.root / "postgres.log"

    @classmethod
    def create(cls, root: Path, *, port: int | None = None) -> PostgresCluster:
        """``initdb`` a new cluster in ``root`` (which must be empty or missing)."""
        cluster = cls(root, port or free_port())
        cluster._prepare_dirs()
        cluster._run(
            "initdb",
            "-D",
            str(cluster.data_dir),
            "-U",
            SUPERUSER,
            "--auth=trust",
            "-E",
            "UTF8",
            "--locale=C.UTF-8",
            "--no-sync",
        )
        cluster.configure()
        return cluster

    @classmethod
    def standby_of(cls, primary: PostgresCluster, root: Path) -> PostgresCluster:
        """A streaming standby of ``primary`` (``pg_basebackup -R``); ``start()`` it, ``promote()`` it."""
        cluster = cls(root, free_port(), primary.bin_dir)
        cluster._prepare_dirs(data=False)
        cluster._run(
            "pg_basebackup",
            "-D",
            str(cluster.data_dir),
            "-h",
            str(primary.socket_dir),
            "-p",
            str(primary.port),
            "-U",
            SUPERUSER,
            "-R",
            "--wal-method=stream",
            "--no-sync",
        )
        cluster.configure()
        return cluster

    def _prepare_dirs(self, *, data: bool = True) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        self.root.chmod(0o755)
        _give_to_cluster_owner(self.root)
        self.socket_dir.mkdir(exist_ok=True)
        _give_to_cluster_owner(self.socket_dir)
        if data:
            self.data_dir.mkdir(mode=0o700, exist_ok=True)
            _give_to_cluster_owner(self.data_dir)

    def _run(self, binary: str, *args: str) -> None:
        command = [*_as_cluster_owner(), str(self.bin_dir / binary), *args]
        result = subprocess.run(command, capture_output=True, text=True, check=False, cwd=self.root)
        if result.returncode != 0:
            raise RuntimeError(f"{binary} failed ({result.returncode}): {result.stderr or result.stdout}")

    def configure(self) -> None:
        """Write this cluster's port, sockets and authentication (also after ``pg_basebackup``)."""
        conf = _CONF.format(port=self.port, socket_dir=self.socket_dir)
        (self.data_dir / "postgresql.auto.conf").touch()
        with (self.data_dir / "postgresql.conf").open("a", encoding="utf-8") as out:
            out.write("\n# tests/support/postgres.py\n" + conf)
        (self.data_dir / "pg_hba.conf").write_text(_HBA.format(superuser=SUPERUSER), encoding="utf-8")

    def start(self, timeout: float = 30.0) -> None:
        if self.process is not None and self.process.poll() is None:
            return
        log = self.log_path.open("ab")
        command = [*_as_cluster_owner(), str(self.bin_dir / "postgres"), "-D", str(self.data_dir)]
        self.process = subprocess.Popen(command, stdout=log, stderr=log, stdin=subprocess.DEVNULL)
        log.close()
        wait_until(
            self.accepts_connections,
            timeout=timeout,
            what=f"PostgreSQL on port {self.port}",
            describe=lambda: self.log_path.read_text(errors="replace")[-2000:],
        )

    def accepts_connections(self) -> bool:
        if self.process is None or self.process.poll() is not None:
            raise RuntimeError(f"postgres exited: {self.log_path.read_text(errors='replace')[-2000:]}")
        result = subprocess.run(
            [str(self.bin_dir / "pg_isready"), "-q", "-h", str(self.socket_dir), "-p", str(self.port)],
            check=False,
        )
        return result.returncode == 0

    def stop(self) -> None:
        """A fast shutdown (SIGINT: clients are disconnected, then a checkpoint)."""
        if self.process is not None:
            stop_process(self.process, signal.SIGINT, timeout=30.0)
            self.process = None

    def kill(self) -> None:
        """SIGKILL the postmaster, then wait for its backends to notice and exit (they hold the shared
        memory a restart needs). ``start()`` then recovers from the WAL."""
        if self.process is not None:
            backends = psutil.Process(self.process.pid).children(recursive=True)
            self.process.kill()
            self.process.wait()
            self.process = None
            psutil.wait_procs(backends, timeout=15.0)

    def promote(self) -> None:
        """Promote a standby to primary (``pg_ctl promote``) and wait until it accepts writes."""
        self._run("pg_ctl", "promote", "-w", "-D", str(self.data_dir))

    def admin_dsn(self, dbname: str = "postgres") -> str:
        """The superuser over the private Unix socket (trust authentication)."""
        return f"host={self.socket_dir} port={self.port} user={SUPERUSER} dbname={dbname}"

    def tcp_dsn(self, user: str, dbname: str) -> str:
        """A password login over 127.0.0.1 (pass the password in ``password=`` or a passfile)."""
        return f"host=127.0.0.1 port={self.port} user={user} dbname={dbname} sslmode=disable"

    def psql(self, sql: str, dbname: str = "postgres") -> str:
        """Run ``sql`` as the superuser with ``psql``; its output (unaligned, tuples only)."""
        result = subprocess.run(
            [
                str(self.bin_dir / "psql"),
                "-X",
                "-q",
                "-A",
                "-t",
                "-v",
                "ON_ERROR_STOP=1",
                "-d",
                self.admin_dsn(dbname),
                "-c",
                sql,
            ],
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode != 0:
            raise RuntimeError(f"psql failed: {result.stderr}")
        return result.stdout.strip()

    def create_database(self, name: str) -> str:
        """A new empty database; its superuser DSN."""
        self.psql(f'CREATE DATABASE "{name}"')
        return self.admin_dsn(name)

    def destroy(self) -> None:
        with contextlib.suppress(Exception):
            self.stop()
        shutil.rmtree(self.root, ignore_errors=True)


def new_cluster_root() -> Path:
    """A fresh directory under /tmp that the cluster owner can reach (pytest's tmp_path is root-only)."""
    return Path(tempfile.mkdtemp(prefix="frontyard-pg-"))


def started_cluster(**options: Any) -> PostgresCluster:
    cluster = PostgresCluster.create(new_cluster_root(), **options)
    try:
        cluster.start()
    except BaseException:
        cluster.destroy()
        raise
    return cluster
