"""The audit chain's heads, kept outside the audit file: cutting rows off the end becomes visible.

The chain alone proves that no row was edited, deleted or reordered *inside* it; a shorter chain (rows cut
off the end, or the whole file rolled back to an older copy) is still a valid chain. So every appended
row's head — its sequence number and hash — is also appended, as one line ``<seq> <row_hash>``, to a
separate file (``audit.anchor`` beside ``audit.sqlite3``), fsynced on its own. ``verify`` then checks that
the anchored heads only ever went forward and that each still names a row of the chain with that hash.

Order of writes: the row is committed (and synced) first, then its head is anchored, both under one lock
held across processes (``fcntl.flock``: the daemon and ``frontyard-staff`` may append at the same time).
A power cut between the two leaves the anchor one row behind the chain, which verifies; the anchor is
never ahead of a row that was not committed.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Head:
    """A chain head: the row ``seq`` whose ``row_hash`` is ``hash``."""

    seq: int
    hash: str

    def line(self) -> bytes:
        return f"{self.seq} {self.hash}\n".encode()


def parse_heads(text: str) -> list[Head]:
    """Every complete line; a torn last line (a power cut mid-write) is ignored, as is anything malformed
    (which verify then reports through the heads that are missing)."""
    heads: list[Head] = []
    for line in text.splitlines(keepends=True):
        if not line.endswith("\n"):
            break
        seq, _, digest = line.strip().partition(" ")
        if seq.isdigit() and len(digest) == 64 and all(c in "0123456789abcdef" for c in digest):
            heads.append(Head(int(seq), digest))
    return heads


class AuditAnchor:
    """``audit.anchor``: one line per appended row, appended and fsynced."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._thread_lock = threading.Lock()  # flock does not exclude the threads of one process

    @contextlib.contextmanager
    def locked(self) -> Iterator[None]:
        """Held across committing a row and anchoring its head, in this process and across processes."""
        with self._thread_lock:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_APPEND, 0o600)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX)
                yield
            finally:
                os.close(fd)  # releases the flock

    def record(self, head: Head) -> None:
        fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        try:
            os.write(fd, head.line())
            os.fsync(fd)
        finally:
            os.close(fd)

    def newest(self) -> Head | None:
        """The last complete head, read from the file's tail (cheap at every start)."""
        if not self.path.exists():
            return None
        with self.path.open("rb") as anchor:
            size = anchor.seek(0, os.SEEK_END)
            start = max(0, size - 4 * len(Head(0, "0" * 64).line()))
            anchor.seek(start)
            tail = anchor.read().decode("ascii", errors="replace")
        if start:
            tail = tail.partition("\n")[2]  # the first line may be cut
        heads = parse_heads(tail)
        return heads[-1] if heads else None

    def heads(self) -> list[Head]:
        if not self.path.exists():
            return []
        return parse_heads(self.path.read_text(encoding="ascii", errors="replace"))
