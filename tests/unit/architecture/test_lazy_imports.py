"""A daemon without ``[fleet]`` never loads the PostgreSQL driver: it costs ~11 MB of the idle RSS budget
(``bench grpc``'s ``rss_mb`` < 80 MB)."""

from __future__ import annotations

import subprocess
import sys

SCRIPT = (
    "import sys, daemon.main, daemon.server, daemon.metrics; "
    "print(sorted({m.split('.')[0] for m in sys.modules}))"
)


def test_the_daemon_imports_no_postgresql_driver() -> None:
    loaded = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, check=True).stdout
    assert "'daemon'" in loaded  # the script ran and imported the daemon
    assert "psycopg" not in loaded
