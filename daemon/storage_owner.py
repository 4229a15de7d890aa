"""Files an administrator's tool creates in the storage directory belong to the directory's owner.

``frontyard-staff`` and ``frontyard-audit`` open the daemon's files directly. Run as root before the
daemon's first start, they would create ``staff.sqlite3``, ``audit.sqlite3`` and ``audit.anchor`` owned
by root, and the daemon (its own user) could then not append. So a tool notes which files are new before
it opens them (``NewFiles.before``: each file and its SQLite ``-wal``/``-shm``/``-journal``) and, when
it runs as root, gives each new file to the owner of the storage directory (``NewFiles.hand_over``).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

SQLITE_SIDE_FILES = ("-wal", "-shm", "-journal")


@dataclass(frozen=True)
class NewFiles:
    """The files of ``directory`` that did not exist when a tool started."""

    directory: Path
    paths: tuple[Path, ...]

    @classmethod
    def before(cls, directory: Path, *paths: Path) -> NewFiles:
        candidates = [side for path in paths for side in (path, *_side_files(path))]
        return cls(directory, tuple(path for path in candidates if not path.exists()))

    def hand_over(self) -> list[Path]:
        """As root: chown the new files (those that now exist) to the directory's owner; returns them."""
        if os.geteuid() != 0:
            return []  # whoever is not root can only create files as themself, who owns them already
        owner = self.directory.stat()
        given = []
        for path in self.paths:
            if path.exists():
                os.chown(path, owner.st_uid, owner.st_gid)
                given.append(path)
        return given


def _side_files(path: Path) -> list[Path]:
    return [path.with_name(path.name + suffix) for suffix in SQLITE_SIDE_FILES]
